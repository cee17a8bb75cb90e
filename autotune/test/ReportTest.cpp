//===- ReportTest.cpp - Tests of tuning reports and replay ------*- C++ -*-===//
//
// This file tests what `zellige report` computes: the grouping of rows into
// kernels, convergence curves, heat-maps, the CSV round trip, the SVG and
// the offline replay of strategies against a measured space.
//
//===----------------------------------------------------------------------===//

#include "zellige/Autotune/Report.h"

#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace zellige::autotune;

namespace {

Measurement row(int64_t id, std::string strategy, std::string knobs, double ms,
                std::string status = "ok",
                std::string signature = "00000000000000aa") {
  Measurement m;
  m.id = id;
  m.device = "dev, with a comma";
  m.signature = std::move(signature);
  m.kernel = "m.onnx:dispatch_0_matmul";
  m.strategy = std::move(strategy);
  m.knobs = std::move(knobs);
  m.medianMs = ms;
  m.spread = 0.01;
  m.runs = 10;
  m.status = std::move(status);
  m.compiler = "zellige test";
  m.created = "2026-01-01T00:00:00Z";
  return m;
}

/// A 2-knob space a=1..8 (powers of two), b=1..4 with cost |log2 a - 2| +
/// |log2 b - 1| + 1: optimum at a=4, b=2.
std::vector<Measurement> syntheticSpace() {
  std::vector<Measurement> rows;
  int64_t id = 1;
  rows.push_back(row(id++, "default", "a=1;b=1", 4));
  for (int64_t a : {1, 2, 4, 8})
    for (int64_t b : {1, 2, 4}) {
      if (a == 1 && b == 1)
        continue;
      double cost = std::fabs(std::log2(double(a)) - 2) +
                    std::fabs(std::log2(double(b)) - 1) + 1;
      bool broken = a == 8 && b == 4;
      rows.push_back(row(id++, "exhaustive",
                         "a=" + std::to_string(a) + ";b=" + std::to_string(b),
                         broken ? 0 : cost, broken ? "invalid" : "ok"));
    }
  return rows;
}

TEST(ReportTest, BestSpeedupAndConvergence) {
  std::vector<Measurement> rows = {row(1, "default", "a=1;b=1", 10),
                                   row(2, "random", "a=2;b=1", 12),
                                   row(3, "random", "a=2;b=2", 5),
                                   row(4, "model", "a=4;b=1", 8),
                                   row(5, "random", "a=4;b=2", 0, "timeout"),
                                   row(6, "model", "a=4;b=4", 4)};
  std::vector<KernelReport> reports = buildReports(rows, {});
  ASSERT_EQ(reports.size(), 1u);
  const KernelReport &r = reports[0];
  EXPECT_EQ(r.kernel, "m.onnx:dispatch_0_matmul");
  ASSERT_TRUE(r.best && r.defaultRow);
  EXPECT_EQ(r.best->knobs, "a=4;b=4");
  EXPECT_DOUBLE_EQ(r.speedup(), 2.5);
  EXPECT_EQ(r.statusCounts.at("ok"), 5u);
  EXPECT_EQ(r.statusCounts.at("timeout"), 1u);
  // Curves start at the default and never go up.
  EXPECT_EQ(r.convergence.at("random"), (std::vector<double>{10, 10, 5, 5}));
  EXPECT_EQ(r.convergence.at("model"), (std::vector<double>{10, 8, 4}));
  EXPECT_EQ(evaluationsToReach(r.convergence.at("random"), 4, 0.8), 2u);
  EXPECT_EQ(evaluationsToReach(r.convergence.at("model"), 4, 0.95), 2u);
  EXPECT_FALSE(evaluationsToReach(r.convergence.at("random"), 4, 0.95));
}

TEST(ReportTest, HeatMapTakesTheFastestOverOtherKnobs) {
  std::vector<Measurement> rows = {
      row(1, "default", "a=1;b=1;c=1", 9), row(2, "random", "a=1;b=1;c=2", 7),
      row(3, "random", "a=2;b=1;c=1", 3), row(4, "random", "a=2;b=2;c=1", 6),
      row(5, "random", "a=4;b=2;c=1", 0, "crash")};
  std::vector<KernelReport> reports = buildReports(rows, {"a", "b"});
  ASSERT_TRUE(reports[0].heatMap);
  const HeatMap &m = *reports[0].heatMap;
  EXPECT_EQ(m.xKnob, "a");
  EXPECT_EQ(m.yKnob, "b");
  EXPECT_EQ(m.xs, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(m.ys, (std::vector<int64_t>{1, 2}));
  EXPECT_DOUBLE_EQ(m.ms[0][0], 7); // a=1, b=1: the faster c.
  EXPECT_DOUBLE_EQ(m.ms[0][1], 3);
  EXPECT_LT(m.ms[1][0], 0); // a=1, b=2: not measured.
  EXPECT_DOUBLE_EQ(m.ms[1][1], 6);
  // Without names: the two knobs with the most values.
  std::vector<KernelReport> automatic = buildReports(rows, {});
  ASSERT_TRUE(automatic[0].heatMap);
  EXPECT_EQ(automatic[0].heatMap->xKnob, "a");
}

TEST(ReportTest, KernelsAreSeparatedByDeviceAndSignature) {
  std::vector<Measurement> rows = {row(1, "default", "a=1", 2),
                                   row(2, "default", "a=1", 3, "ok", "bb"),
                                   row(3, "random", "a=2", 1)};
  std::vector<KernelReport> reports = buildReports(rows, {});
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].signature, "00000000000000aa");
  EXPECT_DOUBLE_EQ(reports[0].speedup(), 2);
  EXPECT_EQ(reports[1].signature, "bb");
  EXPECT_FALSE(reports[1].heatMap);
}

TEST(ReportTest, CSVRoundTrip) {
  std::vector<Measurement> rows = syntheticSpace();
  std::string text;
  llvm::raw_string_ostream os(text);
  writeCSVReport(rows, os);
  llvm::Expected<std::vector<Measurement>> back = readRowsCSV(text, "x.csv");
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  ASSERT_EQ(back->size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ((*back)[i].device, rows[i].device);
    EXPECT_EQ((*back)[i].knobs, rows[i].knobs);
    EXPECT_EQ((*back)[i].status, rows[i].status);
    EXPECT_EQ((*back)[i].strategy, rows[i].strategy);
    EXPECT_DOUBLE_EQ((*back)[i].medianMs, rows[i].medianMs);
  }
  EXPECT_FALSE(bool(readRowsCSV("a,b\n1,2\n", "bad.csv")));
  llvm::Expected<std::vector<Measurement>> broken =
      readRowsCSV(text.substr(0, text.find('\n') + 1) + "1,x\n", "cut.csv");
  ASSERT_FALSE(bool(broken));
  EXPECT_NE(llvm::toString(broken.takeError()).find("cut.csv:2"),
            std::string::npos);
}

TEST(ReportTest, MarkdownAndSVGNameWhatTheyShow) {
  std::vector<KernelReport> reports = buildReports(syntheticSpace(), {});
  std::string md, svg;
  llvm::raw_string_ostream mdOs(md), svgOs(svg);
  writeMarkdownReport(reports, mdOs);
  writeSVGReport(reports, svgOs);
  EXPECT_NE(md.find("| speed-up over the default | 4.00x |"),
            std::string::npos);
  EXPECT_NE(md.find("| exhaustive | 11 |"), std::string::npos);
  EXPECT_NE(md.find("Best ms by `a` (columns) and `b` (rows)"),
            std::string::npos);
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("<polyline"), std::string::npos);
  EXPECT_NE(svg.find("dev, with a comma"), std::string::npos);
  EXPECT_NE(svg.find("Best ms by a (columns) and b (rows)"), std::string::npos);
}

TEST(ReportTest, ReplayFindsTheOptimumOfAMeasuredSpace) {
  std::vector<Measurement> rows = syntheticSpace();
  llvm::Expected<std::vector<ReplayRun>> runs = replayStrategies(
      rows, {"exhaustive", "random", "anneal", "genetic", "model"}, 3, 100);
  ASSERT_TRUE(bool(runs)) << llvm::toString(runs.takeError());
  EXPECT_EQ(runs->size(), 15u);
  for (const ReplayRun &r : *runs) {
    SCOPED_TRACE(r.strategy);
    EXPECT_DOUBLE_EQ(r.bestSoFar.front(), 4); // The default.
    // Never more evaluations than points besides the default.
    EXPECT_LE(r.bestSoFar.size() - 1, rows.size() - 1);
    EXPECT_DOUBLE_EQ(r.bestSoFar.back(), 1);
  }
  std::string table;
  llvm::raw_string_ostream os(table);
  writeReplayTable(*runs, 1, rows.size(), os);
  EXPECT_NE(table.find("| exhaustive | 3 |"), std::string::npos);
  EXPECT_NE(table.find("3/3"), std::string::npos);

  EXPECT_FALSE(bool(replayStrategies(rows, {"nonsense"}, 1, 10)));
  std::vector<Measurement> mixed = rows;
  mixed.push_back(row(99, "random", "z=1", 1));
  EXPECT_FALSE(bool(replayStrategies(mixed, {"random"}, 1, 10)));
}

} // namespace
