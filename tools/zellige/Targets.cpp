//===- Targets.cpp - zellige targets and zellige estimate -------*- C++ -*-===//
//
// This file implements two subcommands and one helper of the CLI:
//   zellige targets [--sources] [--format text|md|json]
//     lists every built-in target and every device profile with its key
//     figures; --sources adds where each figure comes from.
//   zellige estimate MODEL.onnx --target P|all [--format text|md|json]
//     compiles the model to configured dispatches (as `compile --emit
//     kernel`) and times each dispatch on one or more profiles with the
//     roofline cost model (lib/Analysis). The numbers are estimates.
//   resolveTargetList() turns `compile --target h20` into target cuda, arch
//   sm_90, profile h20.
//
//===----------------------------------------------------------------------===//

#include "Targets.h"
#include "Diagnostics.h"

#include "zellige/Analysis/CostModel.h"
#include "zellige/Codegen/GPU/DeviceProfile.h"
#include "zellige/Compiler/Compiler.h"
#include "zellige/Compiler/Registration.h"
#include "zellige/Target/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <set>

using namespace llvm;
using namespace zellige;

namespace {

cl::OptionCategory targetsCategory("zellige targets options");
cl::OptionCategory estimateCategory("zellige estimate options");

// --- targets -----------------------------------------------------------------
cl::SubCommand targetsCmd(
    "targets",
    "List the built-in targets and device profiles with their figures");
cl::opt<bool> targetsSources("sources",
                             cl::desc("Show where each figure comes from"),
                             cl::sub(targetsCmd), cl::cat(targetsCategory));
cl::opt<bool> targetsVerbose("verbose", cl::desc("Same as --sources"),
                             cl::sub(targetsCmd), cl::cat(targetsCategory));
cl::opt<std::string> targetsFormat("format",
                                   cl::desc("Output format: text, md or json"),
                                   cl::init("text"), cl::sub(targetsCmd),
                                   cl::cat(targetsCategory));

// --- estimate ----------------------------------------------------------------
cl::SubCommand
    estimateCmd("estimate",
                "Estimate a model's time per dispatch on device profiles "
                "(roofline model; estimates, not measurements)");
cl::opt<std::string> estimateModel(cl::Positional, cl::desc("<MODEL.onnx>"),
                                   cl::Required, cl::sub(estimateCmd),
                                   cl::cat(estimateCategory));
cl::opt<std::string> estimateTarget(
    "target",
    cl::desc("A device profile (a built-in name such as h20, or a .toml "
             "file), a target kind (every profile of that kind), or all"),
    cl::sub(estimateCmd), cl::cat(estimateCategory));
cl::opt<bool> estimateAll("all", cl::desc("Same as --target all"),
                          cl::sub(estimateCmd), cl::cat(estimateCategory));
cl::opt<std::string> estimateFormat("format",
                                    cl::desc("Output format: text, md or json"),
                                    cl::init("text"), cl::sub(estimateCmd),
                                    cl::cat(estimateCategory));
cl::opt<bool> estimatePerDispatch(
    "per-dispatch",
    cl::desc("With several profiles, print each one's dispatch table too"),
    cl::sub(estimateCmd), cl::cat(estimateCategory));
cl::opt<double> estimateLaunchUs(
    "launch-overhead-us",
    cl::desc("Add this many microseconds to every dispatch (default 0: the "
             "pure roofline)"),
    cl::init(0.0), cl::sub(estimateCmd), cl::cat(estimateCategory));
cl::list<std::string> estimateInputShapes(
    "input-shape",
    cl::desc("Fix a symbolic input shape: NAME=1x3x224x224 (repeatable)"),
    cl::sub(estimateCmd), cl::cat(estimateCategory));

int fail(const Twine &message) {
  errs() << "zellige: error: " << message << "\n";
  return 1;
}

//===----------------------------------------------------------------------===//
// Formatting
//===----------------------------------------------------------------------===//

/// `value` with an SI prefix, three significant digits: "67 T", "1.55 T".
std::string withPrefix(double value, StringRef unit) {
  static const char *prefixes[] = {"", "K", "M", "G", "T", "P", "E"};
  int i = 0;
  while (std::fabs(value) >= 1000 && i < 6) {
    value /= 1000;
    ++i;
  }
  return formatv("{0}", format("%.3g", value)).str() + " " + prefixes[i] +
         unit.str();
}

/// Bytes of memory in binary units: "80 GiB", "48 MiB".
std::string formatMemory(double bytes) {
  static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (bytes >= 1024 && i < 4) {
    bytes /= 1024;
    ++i;
  }
  return formatv("{0}", format("%.3g", bytes)).str() + " " + units[i];
}

/// Seconds as "12.3 us" / "1.25 ms" / "2.5 s".
std::string formatSeconds(double s) {
  if (s < 1e-6)
    return formatv("{0}", format("%.3g ns", s * 1e9)).str();
  if (s < 1e-3)
    return formatv("{0}", format("%.3g us", s * 1e6)).str();
  if (s < 1)
    return formatv("{0}", format("%.3g ms", s * 1e3)).str();
  return formatv("{0}", format("%.3g s", s)).str();
}

/// One figure of a profile as `zellige targets` shows it.
struct Figure {
  std::string key;   ///< TOML key, e.g. "peak.f32_flops".
  std::string label; ///< Column header, e.g. "F32".
  std::string text;  ///< Formatted value; "-" when unknown.
  bool known = false;
  std::string source;
  std::optional<double> number; ///< For JSON.
};

/// Whether a figure's source is a vendor datasheet or manual (or a
/// measurement); everything else is marked in tables.
bool isDocumented(StringRef source) {
  SourceKind kind = classifySource(source);
  return kind == SourceKind::Documented || kind == SourceKind::Measured;
}

std::vector<Figure> describeProfile(const DeviceProfile &p) {
  std::vector<Figure> figures;
  auto add = [&](StringRef key, StringRef label, bool known, std::string text,
                 std::optional<double> number) {
    Figure f;
    f.key = key.str();
    f.label = label.str();
    f.known = known;
    f.text = known ? text : "-";
    f.source = p.sourceOf(key).str();
    if (known)
      f.number = number;
    figures.push_back(std::move(f));
  };
  auto limit = [&](StringRef key, StringRef label, int64_t value,
                   bool memory = false) {
    add(key, label, p.has(key),
        memory ? formatMemory(double(value)) : std::to_string(value),
        double(value));
  };
  limit("warp_size", "WARP", p.warpSize);
  limit("max_workgroup_size", "MAX-WG", p.maxWorkgroupSize);
  add("max_workgroup_dims", "MAX-DIMS", p.has("max_workgroup_dims"),
      formatv("{0}x{1}x{2}", p.maxWorkgroupDims[0], p.maxWorkgroupDims[1],
              p.maxWorkgroupDims[2])
          .str(),
      std::nullopt);
  limit("shared_memory_bytes", "SHARED", p.sharedMemoryBytes, true);
  limit("compute_units", "CUS", p.computeUnits);
  std::vector<std::string> types = {"f32", "f16", "bf16", "i8"};
  for (const auto &entry : p.peakFlops)
    if (!llvm::is_contained(types, entry.first))
      types.push_back(entry.first);
  for (const std::string &type : types) {
    double peak = p.peakFor(type);
    bool integer = StringRef(type).starts_with("i");
    add("peak." + type + "_flops", StringRef(type).upper(), peak > 0,
        withPrefix(peak, integer ? "OP/s" : "FLOP/s"), peak);
  }
  add("peak.bandwidth_bytes", "BANDWIDTH", p.bandwidthBytes > 0,
      withPrefix(p.bandwidthBytes, "B/s"), p.bandwidthBytes);
  add("memory_bytes", "MEMORY", p.memoryBytes > 0,
      formatMemory(double(p.memoryBytes)), double(p.memoryBytes));
  add("tdp_watts", "TDP", p.tdpWatts > 0,
      formatv("{0} W", format("%g", p.tdpWatts)).str(), p.tdpWatts);
  return figures;
}

/// Loads every built-in profile; a profile that does not parse is a bug in
/// targets/profiles, reported as an error.
Expected<std::vector<DeviceProfile>> loadAllProfiles() {
  std::vector<DeviceProfile> profiles;
  for (const std::string &name : getBuiltinDeviceProfileNames()) {
    Expected<DeviceProfile> p = loadDeviceProfile(name);
    if (!p)
      return p.takeError();
    profiles.push_back(std::move(*p));
  }
  return profiles;
}

std::string builtinTargetNames() {
  std::vector<std::string> names;
  for (const TargetBackend *b : getTargetBackends())
    names.push_back(b->getName().str());
  return llvm::join(names, ", ");
}

/// A plain-text or Markdown table with left-aligned columns.
class Table {
public:
  explicit Table(std::vector<std::string> header) {
    rows.push_back(std::move(header));
  }
  void addRow(std::vector<std::string> row) { rows.push_back(std::move(row)); }
  void print(raw_ostream &os, bool markdown) const {
    std::vector<size_t> widths;
    for (const auto &row : rows)
      for (size_t i = 0; i < row.size(); ++i) {
        if (widths.size() <= i)
          widths.push_back(0);
        widths[i] = std::max(widths[i], row[i].size());
      }
    for (size_t r = 0; r < rows.size(); ++r) {
      const auto &row = rows[r];
      if (markdown) {
        os << "|";
        for (const std::string &cell : row)
          os << " " << cell << " |";
        os << "\n";
        if (r == 0) {
          os << "|";
          for (size_t i = 0; i < row.size(); ++i)
            os << "---|";
          os << "\n";
        }
        continue;
      }
      for (size_t i = 0; i < row.size(); ++i) {
        os << row[i];
        if (i + 1 < row.size())
          os.indent(widths[i] - row[i].size() + 2);
      }
      os << "\n";
    }
  }

private:
  std::vector<std::vector<std::string>> rows;
};

//===----------------------------------------------------------------------===//
// zellige targets
//===----------------------------------------------------------------------===//

int runTargets() {
  StringRef format = targetsFormat;
  if (format != "text" && format != "md" && format != "json")
    return fail("--format: expected text, md or json, got '" + format + "'");
  bool sources = targetsSources || targetsVerbose;
  registerAllTargets();
  Expected<std::vector<DeviceProfile>> profiles = loadAllProfiles();
  if (!profiles)
    return fail(toString(profiles.takeError()));

  if (format == "json") {
    json::Array targets;
    for (const TargetBackend *b : getTargetBackends())
      targets.push_back(json::Object{{"name", b->getName()},
                                     {"description", b->getDescription()}});
    json::Array list;
    for (const DeviceProfile &p : *profiles) {
      json::Object figures;
      for (const Figure &f : describeProfile(p)) {
        json::Value value = f.number ? json::Value(*f.number) : nullptr;
        if (f.key == "max_workgroup_dims" && f.known)
          value = json::Array{p.maxWorkgroupDims[0], p.maxWorkgroupDims[1],
                              p.maxWorkgroupDims[2]};
        json::Object figure{{"value", std::move(value)}};
        if (f.known && !f.source.empty()) {
          figure["source"] = f.source;
          figure["source_kind"] = stringifySourceKind(classifySource(f.source));
        }
        figures[f.key] = std::move(figure);
      }
      list.push_back(json::Object{
          {"name", p.name},
          {"vendor", p.vendor},
          {"product", p.product},
          {"target", p.target},
          {"target_built_in", lookupTargetBackend(p.target) != nullptr},
          {"arch", p.arch},
          {"arch_source", p.sourceOf("arch")},
          {"figures", std::move(figures)}});
    }
    outs() << formatv("{0:2}",
                      json::Value(json::Object{{"targets", std::move(targets)},
                                               {"profiles", std::move(list)}}))
           << "\n";
    return 0;
  }

  bool md = format == "md";
  outs() << (md ? "## Built-in targets\n\n" : "Built-in targets:\n");
  {
    Table table({"TARGET", "DESCRIPTION"});
    for (const TargetBackend *b : getTargetBackends())
      table.addRow({b->getName().str(), b->getDescription().str()});
    table.print(outs(), md);
  }
  outs() << (md ? "\n## Device profiles\n\n" : "\nDevice profiles:\n");
  // The common figures; `--sources` and JSON show any other peak type.
  static const char *columns[] = {
      "warp_size",       "max_workgroup_size", "shared_memory_bytes",
      "compute_units",   "peak.f32_flops",     "peak.f16_flops",
      "peak.bf16_flops", "peak.i8_flops",      "peak.bandwidth_bytes",
      "memory_bytes",    "tdp_watts"};
  std::vector<std::string> header = {"PROFILE", "TARGET", "ARCH"};
  std::vector<Figure> first = describeProfile(profiles->front());
  for (const char *key : columns)
    for (const Figure &f : first)
      if (f.key == key)
        header.push_back(f.label);
  Table table(header);
  bool anyUndocumented = false;
  bool anyMissingTarget = false;
  for (const DeviceProfile &p : *profiles) {
    bool builtIn = lookupTargetBackend(p.target) != nullptr;
    anyMissingTarget |= !builtIn;
    std::vector<std::string> row = {p.name, p.target + (builtIn ? "" : "+"),
                                    p.arch};
    std::vector<Figure> figures = describeProfile(p);
    for (const char *key : columns)
      for (const Figure &f : figures) {
        if (f.key != key)
          continue;
        bool marked = f.known && !isDocumented(f.source);
        anyUndocumented |= marked;
        row.push_back(f.text + (marked ? "*" : ""));
      }
    table.addRow(std::move(row));
  }
  table.print(outs(), md);
  if (md)
    outs() << "\n";
  if (anyUndocumented)
    outs() << "* not from a vendor datasheet: a vendor claim, press report, "
              "public code, derived figure or assumption"
           << (sources ? "" : " (see --sources)") << ".\n";
  if (anyMissingTarget)
    outs() << "+ this build has no target of that kind; the profile serves "
              "estimates only.\n";
  outs() << "- unknown: left out of the profile rather than guessed.\n";
  if (!sources)
    return 0;

  outs() << (md ? "\n## Sources\n" : "\nSources:\n");
  for (const DeviceProfile &p : *profiles) {
    std::string title = p.name;
    if (!p.vendor.empty() || !p.product.empty())
      title += " (" +
               llvm::join(ArrayRef<StringRef>{p.vendor, p.product}, " ") + ")";
    outs() << (md ? "\n### " : "\n") << title << (md ? "\n\n" : ":\n");
    auto line = [&](StringRef key, StringRef value, StringRef source) {
      std::string kind =
          source.empty() ? "no source"
                         : stringifySourceKind(classifySource(source)).str();
      if (md)
        outs() << "- `" << key << "` = " << value << " (" << kind
               << (source.empty() ? ")" : "): " + source.str()) << "\n";
      else
        outs() << "  " << left_justify(key, 22) << left_justify(value, 16)
               << left_justify(kind, 14) << source << "\n";
    };
    line("arch", p.arch, p.sourceOf("arch"));
    for (const Figure &f : describeProfile(p))
      if (f.known)
        line(f.key, f.text, f.source);
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// zellige estimate
//===----------------------------------------------------------------------===//

/// The profiles `--target spec` names.
Expected<std::vector<DeviceProfile>> selectProfiles(StringRef spec) {
  auto error = [](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(), msg);
  };
  if (spec.empty())
    return error("--target: give a device profile, a target kind or 'all' "
                 "(see zellige targets)");
  Expected<std::vector<DeviceProfile>> all = loadAllProfiles();
  if (!all)
    return all.takeError();
  if (spec == "all")
    return std::move(*all);
  std::vector<std::string> names = getBuiltinDeviceProfileNames();
  if (spec.ends_with(".toml") || llvm::is_contained(names, spec)) {
    Expected<DeviceProfile> p = loadDeviceProfile(spec);
    if (!p)
      return p.takeError();
    return std::vector<DeviceProfile>{std::move(*p)};
  }
  std::vector<DeviceProfile> ofKind;
  for (DeviceProfile &p : *all)
    if (p.target == spec)
      ofKind.push_back(std::move(p));
  if (!ofKind.empty())
    return ofKind;
  if (lookupTargetBackend(spec))
    return error("--target: no device profile describes target '" + spec +
                 "' (profiles: " + llvm::join(names, ", ") + ")");
  return error("--target: '" + spec +
               "' is neither a device profile nor a target (profiles: " +
               llvm::join(names, ", ") + "; targets: " + builtinTargetNames() +
               ")");
}

/// The dominant bound of a model: the one whose dispatches take most of
/// the estimated time.
Bound modelBound(const std::vector<DispatchCost> &costs) {
  double compute = 0, memory = 0;
  for (const DispatchCost &c : costs) {
    if (c.bound == Bound::Unknown)
      return Bound::Unknown;
    (c.bound == Bound::Compute ? compute : memory) += c.seconds;
  }
  if (costs.empty())
    return Bound::Unknown;
  return compute >= memory ? Bound::Compute : Bound::Memory;
}

struct ProfileEstimate {
  DeviceProfile profile;
  std::vector<DispatchCost> costs;
  double totalSeconds = 0;
  unsigned unknown = 0;
};

std::string typesOf(const DispatchWork &work) {
  std::vector<std::string> types;
  for (const auto &entry : work.flops)
    types.push_back(entry.first);
  return types.empty() ? "-" : llvm::join(types, ",");
}

std::string describeDevice(const DeviceProfile &p) {
  std::string product =
      llvm::join(ArrayRef<StringRef>{p.vendor, p.product}, " ");
  StringRef trimmed = StringRef(product).trim();
  return (trimmed.empty() ? "" : trimmed.str() + "; ") + p.target + ", " +
         p.arch;
}

void printDispatchTable(const ProfileEstimate &e, bool md) {
  Table table({"DISPATCH", "TYPE", "FLOP", "BYTES", "COMPUTE", "MEMORY", "TIME",
               "BOUND"});
  double flops = 0, bytes = 0;
  for (const DispatchCost &c : e.costs) {
    bool known = c.bound != Bound::Unknown;
    flops += c.work.totalFlops();
    bytes += c.work.bytes;
    table.addRow({c.work.name, typesOf(c.work),
                  withPrefix(c.work.totalFlops(), ""),
                  withPrefix(c.work.bytes, "B"),
                  known ? formatSeconds(c.computeSeconds) : "-",
                  known ? formatSeconds(c.memorySeconds) : "-",
                  known ? formatSeconds(c.seconds) : "-",
                  stringifyBound(c.bound).str()});
  }
  table.addRow({"total", "", withPrefix(flops, ""), withPrefix(bytes, "B"), "",
                "", e.unknown ? "-" : formatSeconds(e.totalSeconds),
                stringifyBound(modelBound(e.costs)).str()});
  table.print(outs(), md);
  std::set<std::string> notes;
  for (const DispatchCost &c : e.costs)
    for (const std::string &note : c.notes)
      notes.insert(note);
  for (const std::string &note : notes)
    outs() << (md ? "\n- note: " : "note: ") << note << "\n";
}

json::Object toJSON(const ProfileEstimate &e) {
  json::Array dispatches;
  for (const DispatchCost &c : e.costs) {
    json::Object flops;
    for (const auto &[type, n] : c.work.flops)
      flops[type] = n;
    bool known = c.bound != Bound::Unknown;
    auto orNull = [&](double v) {
      return known ? json::Value(v) : json::Value(nullptr);
    };
    json::Array notes;
    for (const std::string &note : c.notes)
      notes.push_back(note);
    dispatches.push_back(
        json::Object{{"name", c.work.name},
                     {"flops", std::move(flops)},
                     {"bytes", c.work.bytes},
                     {"compute_seconds", orNull(c.computeSeconds)},
                     {"memory_seconds", orNull(c.memorySeconds)},
                     {"seconds", orNull(c.seconds)},
                     {"bound", stringifyBound(c.bound)},
                     {"notes", std::move(notes)}});
  }
  return json::Object{
      {"profile", e.profile.name},
      {"vendor", e.profile.vendor},
      {"product", e.profile.product},
      {"target", e.profile.target},
      {"target_built_in", lookupTargetBackend(e.profile.target) != nullptr},
      {"arch", e.profile.arch},
      {"total_seconds",
       e.unknown ? json::Value(nullptr) : json::Value(e.totalSeconds)},
      {"unknown_dispatches", int64_t(e.unknown)},
      {"bound", stringifyBound(modelBound(e.costs))},
      {"dispatches", std::move(dispatches)}};
}

std::optional<std::vector<int64_t>> parseDims(StringRef text) {
  std::vector<int64_t> dims;
  SmallVector<StringRef> parts;
  text.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d < 0)
      return std::nullopt;
    dims.push_back(d);
  }
  return dims;
}

int runEstimate() {
  StringRef format = estimateFormat;
  if (format != "text" && format != "md" && format != "json")
    return fail("--format: expected text, md or json, got '" + format + "'");
  if (!sys::fs::exists(estimateModel))
    return fail(estimateModel + ": no such file");
  if (estimateLaunchUs < 0)
    return fail("--launch-overhead-us: must not be negative");
  registerAllTargets();
  Expected<std::vector<DeviceProfile>> profiles = selectProfiles(
      estimateAll ? StringRef("all") : StringRef(estimateTarget));
  if (!profiles)
    return fail(toString(profiles.takeError()));

  // The configured dispatches, as `compile --emit kernel` prints them. The
  // dispatches (and so the counts) do not depend on the target; only their
  // knobs do, and the roofline does not read knobs. Compile for host, which
  // every build has.
  CompileOptions options;
  options.inputPath = estimateModel;
  options.targets = {"host"};
  options.emit = EmitPhase::Kernel;
  for (const std::string &spec : estimateInputShapes) {
    auto [name, dims] = StringRef(spec).rsplit('=');
    std::optional<std::vector<int64_t>> shape = parseDims(dims);
    if (name.empty() || !shape)
      return fail("--input-shape: expected NAME=D0xD1x..., got '" + spec + "'");
    options.inputShapes[name.str()] = *shape;
  }
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  std::string kernelText;
  {
    OneLineDiagnosticHandler handler(context, options.inputPath,
                                     /*verbose=*/false);
    raw_string_ostream os(kernelText);
    if (failed(compileModel(context, options, os)))
      return handler.errorCount()
                 ? 1
                 : fail(options.inputPath + ": compilation failed");
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kernelText,
                                              mlir::ParserConfig(&context));
  if (!module)
    return fail(options.inputPath +
                ": cannot read back the kernel-level module");

  CostModelOptions costOptions;
  costOptions.launchOverheadSeconds = estimateLaunchUs * 1e-6;
  std::vector<ProfileEstimate> estimates;
  for (DeviceProfile &p : *profiles) {
    ProfileEstimate e;
    e.costs = estimateModule(*module, p, costOptions);
    for (const DispatchCost &c : e.costs) {
      if (c.bound == Bound::Unknown)
        ++e.unknown;
      e.totalSeconds += c.seconds;
    }
    e.profile = std::move(p);
    estimates.push_back(std::move(e));
  }

  std::string modelName = sys::path::filename(estimateModel).str();
  if (format == "json") {
    json::Array list;
    for (const ProfileEstimate &e : estimates)
      list.push_back(toJSON(e));
    outs() << formatv("{0:2}", json::Value(json::Object{
                                   {"model", estimateModel},
                                   {"kind", "estimate"},
                                   {"launch_overhead_seconds",
                                    costOptions.launchOverheadSeconds},
                                   {"estimates", std::move(list)}}))
           << "\n";
    return 0;
  }
  bool md = format == "md";
  outs() << (md ? "Roofline estimate of `" : "Roofline estimate of ")
         << modelName << (md ? "`" : "") << " ("
         << (estimates.empty() ? 0 : estimates.front().costs.size())
         << (estimates.size() == 1 && estimates.front().costs.size() == 1
                 ? " dispatch"
                 : " dispatches")
         << "): estimated from the profiles' peak figures, not "
            "measured.\n";
  if (estimates.size() == 1 || estimatePerDispatch) {
    for (const ProfileEstimate &e : estimates) {
      outs() << (md ? "\n### " : "\n") << e.profile.name << " ("
             << describeDevice(e.profile) << ")" << (md ? "\n\n" : "\n");
      printDispatchTable(e, md);
    }
    if (estimates.size() == 1)
      return 0;
    outs() << "\n";
  }
  Table table({"PROFILE", "TARGET", "ARCH", "TIME", "BOUND", "UNKNOWN"});
  for (const ProfileEstimate &e : estimates)
    table.addRow({e.profile.name, e.profile.target, e.profile.arch,
                  e.unknown ? "-" : formatSeconds(e.totalSeconds),
                  stringifyBound(modelBound(e.costs)).str(),
                  e.unknown ? std::to_string(e.unknown) + " of " +
                                  std::to_string(e.costs.size())
                            : "0"});
  table.print(outs(), md);
  if (llvm::any_of(estimates,
                   [](const ProfileEstimate &e) { return e.unknown > 0; }))
    outs() << (md ? "\n" : "")
           << "UNKNOWN: dispatches the profile lacks a peak or bandwidth for "
              "(see zellige targets --sources).\n";
  return 0;
}

} // namespace

cl::OptionCategory &zellige::getTargetsCategory() { return targetsCategory; }
cl::OptionCategory &zellige::getEstimateCategory() { return estimateCategory; }

std::optional<int> zellige::runTargetsSubcommands(const char *, void *) {
  if (targetsCmd)
    return runTargets();
  if (estimateCmd)
    return runEstimate();
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// --target resolution
//===----------------------------------------------------------------------===//

Error zellige::resolveTargetList(StringRef list, CompileOptions &options) {
  auto error = [](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(), msg);
  };
  registerAllTargets();
  std::vector<std::string> profileNames = getBuiltinDeviceProfileNames();
  SmallVector<StringRef> items;
  list.split(items, ',', -1, /*KeepEmpty=*/false);
  options.targets.clear();
  std::string profileItem;
  for (StringRef item : items) {
    item = item.trim();
    bool isProfile =
        !lookupTargetBackend(item) &&
        (item.ends_with(".toml") || llvm::is_contained(profileNames, item));
    if (!isProfile) {
      if (!llvm::is_contained(options.targets, item))
        options.targets.push_back(item.str());
      continue;
    }
    Expected<DeviceProfile> p = loadDeviceProfile(item);
    if (!p)
      return p.takeError();
    if (!lookupTargetBackend(p->target))
      return error("--target " + item + ": profile '" + p->name +
                   "' is for target '" + p->target +
                   "', which this build does not have (built in: " +
                   builtinTargetNames() + ")");
    if (!profileItem.empty())
      return error("--target: give at most one device profile (got '" +
                   profileItem + "' and '" + item + "')");
    profileItem = item.str();
    TargetOptions &t = options.targetOptions;
    if (!t.profile.empty() && t.profile != item)
      return error("--target " + item + " conflicts with --profile " +
                   t.profile);
    if (!t.arch.empty() && t.arch != p->arch)
      return error("--target " + item + " means --arch " + p->arch +
                   ", which conflicts with --arch " + t.arch);
    t.profile = item.str();
    t.arch = p->arch;
    if (!llvm::is_contained(options.targets, p->target))
      options.targets.push_back(p->target);
  }
  if (!profileItem.empty() && options.targets.size() > 1)
    return error("--target " + profileItem +
                 ": a device profile sets the architecture of the whole "
                 "compile; compile other targets separately");
  return Error::success();
}
