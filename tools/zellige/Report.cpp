//===- Report.cpp - zellige report ------------------------------*- C++ -*-===//
//
// This file implements `zellige report`: it reads a tuning database (or the
// CSV that `--format csv` writes) and prints, per kernel, the best schedule,
// its speed-up over the default, each strategy's convergence and a heat-map
// of two knobs, as Markdown, CSV or SVG. With --replay it benchmarks the
// search strategies offline against the measured space instead.
//
//===----------------------------------------------------------------------===//

#include "Report.h"

#include "Tune.h"

#include "zellige/Autotune/Report.h"
#include "zellige/Autotune/Strategy.h"
#include "zellige/Autotune/TuningDB.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace zellige::autotune;

namespace {

cl::SubCommand
    reportCmd("report",
              "Summarize a tuning database: best schedules, convergence per "
              "strategy and knob heat-maps (Markdown, CSV or SVG), or replay "
              "the strategies against the measured space (--replay)");

cl::opt<std::string> input(cl::Positional,
                           cl::desc("<tuning.db or report.csv>"), cl::Required,
                           cl::sub(reportCmd),
                           cl::cat(zellige::getTuneCategory()));
cl::opt<std::string> format("format", cl::desc("md (default), csv or svg"),
                            cl::init("md"), cl::sub(reportCmd),
                            cl::cat(zellige::getTuneCategory()));
cl::opt<std::string> output("o", cl::desc("Write to FILE (default: stdout)"),
                            cl::value_desc("FILE"), cl::init("-"),
                            cl::sub(reportCmd),
                            cl::cat(zellige::getTuneCategory()));
cl::opt<std::string>
    deviceFilter("device",
                 cl::desc("Only rows whose device fingerprint contains this"),
                 cl::sub(reportCmd), cl::cat(zellige::getTuneCategory()));
cl::opt<std::string> signatureFilter("signature",
                                     cl::desc("Only this kernel signature"),
                                     cl::sub(reportCmd),
                                     cl::cat(zellige::getTuneCategory()));
cl::opt<std::string> heatKnobs(
    "heatmap",
    cl::desc("The heat-map's two knobs, X,Y (default: the two with the most "
             "measured values)"),
    cl::value_desc("X,Y"), cl::sub(reportCmd),
    cl::cat(zellige::getTuneCategory()));
cl::opt<bool> replay(
    "replay",
    cl::desc("Benchmark the strategies: replay each against every kernel's "
             "measured space, offline, and print evaluations to 90% and 95% "
             "of the optimum (Markdown)"),
    cl::sub(reportCmd), cl::cat(zellige::getTuneCategory()));
cl::opt<std::string> replayStrategiesOpt(
    "strategies",
    cl::desc("--replay: comma-separated strategies (default: all)"),
    cl::sub(reportCmd), cl::cat(zellige::getTuneCategory()));
cl::opt<unsigned> seeds("seeds", cl::desc("--replay: runs per strategy"),
                        cl::init(20), cl::sub(reportCmd),
                        cl::cat(zellige::getTuneCategory()));
cl::opt<unsigned> replayBudget(
    "budget",
    cl::desc("--replay: evaluations per run (default: the whole space)"),
    cl::init(0), cl::sub(reportCmd), cl::cat(zellige::getTuneCategory()));
cl::opt<unsigned> minRows(
    "min-rows",
    cl::desc("--replay: skip kernels with fewer measured points (default 20)"),
    cl::init(20), cl::sub(reportCmd), cl::cat(zellige::getTuneCategory()));

int fail(const Twine &message) {
  WithColor::error(errs(), "zellige report") << message << "\n";
  return 1;
}

Expected<std::vector<Measurement>> readInput() {
  if (!sys::fs::exists(input))
    return createStringError(inconvertibleErrorCode(),
                             input + ": no such file");
  if (StringRef(input).ends_with_insensitive(".csv")) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
        MemoryBuffer::getFile(input);
    if (!buffer)
      return createStringError(inconvertibleErrorCode(),
                               input + ": " + buffer.getError().message());
    return readRowsCSV((*buffer)->getBuffer(), input);
  }
  // Reading must not create a database where there was none; open() would.
  {
    ErrorOr<std::unique_ptr<MemoryBuffer>> head =
        MemoryBuffer::getFileSlice(input, 16, 0);
    if (!head || (*head)->getBufferSize() < 16 ||
        !(*head)->getBuffer().starts_with("SQLite format 3"))
      return createStringError(inconvertibleErrorCode(),
                               input + ": not a tuning database (SQLite) or "
                                       "a .csv from zellige report");
  }
  Expected<std::unique_ptr<TuningDB>> db = TuningDB::open(input);
  if (!db)
    return db.takeError();
  return (*db)->rows();
}

int runReport() {
  if (format != "md" && format != "csv" && format != "svg")
    return fail("--format: expected md, csv or svg, not '" + format + "'");
  std::vector<std::string> heat;
  if (!heatKnobs.empty()) {
    SmallVector<StringRef> parts;
    StringRef(heatKnobs).split(parts, ',');
    if (parts.size() != 2)
      return fail("--heatmap: expected two knob names, X,Y");
    heat = {parts[0].trim().str(), parts[1].trim().str()};
  }
  Expected<std::vector<Measurement>> all = readInput();
  if (!all)
    return fail(toString(all.takeError()));
  std::vector<Measurement> rows;
  for (Measurement &m : *all)
    if ((deviceFilter.empty() || StringRef(m.device).contains(deviceFilter)) &&
        (signatureFilter.empty() || m.signature == signatureFilter))
      rows.push_back(std::move(m));
  if (rows.empty())
    return fail(input + ": no measurements" +
                (deviceFilter.empty() && signatureFilter.empty()
                     ? ""
                     : " match --device/--signature"));

  std::error_code ec;
  ToolOutputFile out(output, ec, sys::fs::OF_Text);
  if (ec)
    return fail(output + ": " + ec.message());
  std::vector<KernelReport> reports = buildReports(rows, heat);

  if (replay) {
    std::vector<std::string> strategies;
    if (replayStrategiesOpt.empty()) {
      for (StringRef s : getStrategyNames())
        strategies.push_back(s.str());
    } else {
      SmallVector<StringRef> parts;
      StringRef(replayStrategiesOpt).split(parts, ',', -1, false);
      for (StringRef s : parts) {
        if (!llvm::is_contained(getStrategyNames(), s.trim()))
          return fail("--strategies: unknown strategy '" + s.trim() +
                      "' (known: " + join(getStrategyNames(), ", ") + ")");
        strategies.push_back(s.trim().str());
      }
    }
    raw_ostream &os = out.os();
    os << "# Strategy benchmark (replay)\n";
    unsigned replayed = 0;
    for (const KernelReport &r : reports) {
      std::vector<Measurement> kernelRows;
      for (const Measurement &m : rows)
        if (m.device == r.device && m.signature == r.signature)
          kernelRows.push_back(m);
      if (kernelRows.size() < minRows || !r.best)
        continue;
      unsigned budget =
          replayBudget ? replayBudget.getValue() : unsigned(kernelRows.size());
      errs() << formatv("replaying {0} strategies x {1} seeds on {2} ({3} "
                        "points)\n",
                        strategies.size(), seeds.getValue(),
                        r.kernel.empty() ? r.signature : r.kernel,
                        kernelRows.size());
      Expected<std::vector<ReplayRun>> runs =
          replayStrategies(kernelRows, strategies, seeds, budget);
      if (!runs)
        return fail(toString(runs.takeError()));
      os << formatv("\n## {0}\n\ndevice `{1}`, signature `{2}`; optimum {3} "
                    "ms (`{4}`)",
                    r.kernel.empty() ? r.signature : r.kernel, r.device,
                    r.signature, r.best->medianMs, r.best->knobs);
      if (r.defaultRow)
        os << formatv(", default {0} ms ({1:f1}% of the optimum)",
                      r.defaultRow->medianMs,
                      100 * r.best->medianMs / r.defaultRow->medianMs);
      os << ".\n\n";
      writeReplayTable(*runs, r.best->medianMs, kernelRows.size(), os);
      ++replayed;
    }
    if (!replayed)
      return fail(formatv("{0}: no kernel has at least {1} measured points "
                          "and an ok row to replay against (--min-rows)",
                          input, minRows.getValue())
                      .str());
  } else if (format == "md") {
    writeMarkdownReport(reports, out.os());
  } else if (format == "csv") {
    writeCSVReport(rows, out.os());
  } else {
    writeSVGReport(reports, out.os());
  }
  out.keep();
  return 0;
}

} // namespace

std::optional<int> zellige::runReportSubcommand() {
  if (reportCmd)
    return runReport();
  return std::nullopt;
}
