//===- Report.h - Tuning reports and strategy replay ------------*- C++ -*-===//
//
// This file declares what `zellige report` computes from the rows of a
// tuning database: per kernel, the best schedule and its speed-up over the
// default, the convergence of each strategy (best time so far against
// evaluations) and a heat-map over two knobs; the writers for Markdown, CSV
// and SVG; and the offline replay of strategies against a measured space
// (Kernel Tuner's method of benchmarking strategies).
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_AUTOTUNE_REPORT_H
#define ZELLIGE_AUTOTUNE_REPORT_H

#include "zellige/Autotune/TuningDB.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace zellige {
namespace autotune {

/// Two knobs and the fastest ok time measured at each pair of their values
/// (over every value of the other knobs); a negative cell was not measured.
struct HeatMap {
  std::string xKnob, yKnob;
  std::vector<int64_t> xs, ys;
  std::vector<std::vector<double>> ms; ///< [y][x].
};

/// What the report says about one kernel (a device and a signature).
struct KernelReport {
  std::string device, signature, kernel;
  std::map<std::string, unsigned> statusCounts;
  std::optional<Measurement> defaultRow; ///< The "default" strategy's row.
  std::optional<Measurement> best;       ///< The fastest ok row.
  /// Per strategy, the best ok time after each of its evaluations, in the
  /// order they were measured (0 until one is ok).
  std::map<std::string, std::vector<double>> convergence;
  std::optional<HeatMap> heatMap;

  /// Default time over best time, or 0 when either is missing.
  double speedup() const;
};

/// Groups `rows` by device and signature. `heatKnobs` names the heat-map's
/// two knobs; empty: the two with the most distinct measured values.
std::vector<KernelReport> buildReports(llvm::ArrayRef<Measurement> rows,
                                       llvm::ArrayRef<std::string> heatKnobs);

/// The 1-based number of evaluations after which `bestSoFar` is within
/// `fraction` of `optimum` (optimum / best >= fraction), or nullopt.
std::optional<unsigned> evaluationsToReach(llvm::ArrayRef<double> bestSoFar,
                                           double optimum, double fraction);

void writeMarkdownReport(llvm::ArrayRef<KernelReport> reports,
                         llvm::raw_ostream &os);
/// One line per measurement, in id order; readRowsCSV() reads it back.
void writeCSVReport(llvm::ArrayRef<Measurement> rows, llvm::raw_ostream &os);
/// A standalone SVG: per kernel, the convergence chart and the heat-map.
void writeSVGReport(llvm::ArrayRef<KernelReport> reports,
                    llvm::raw_ostream &os);

/// Parses what writeCSVReport() wrote; `origin` names the file in errors.
llvm::Expected<std::vector<Measurement>> readRowsCSV(llvm::StringRef text,
                                                     llvm::StringRef origin);

/// The result of replaying one strategy with one seed.
struct ReplayRun {
  std::string strategy;
  uint64_t seed = 0;
  std::vector<double> bestSoFar; ///< After each evaluation (0: none ok).
};

/// Replays `strategies` with `seeds` seeds each against the measured space
/// of one kernel: its rows (one device and signature). The space is every
/// measured point; a strategy's proposal costs what was measured for it.
/// Like `zellige tune`, each run starts from the default row when there is
/// one. Each run stops after `budget` evaluations or when the space is
/// exhausted.
llvm::Expected<std::vector<ReplayRun>>
replayStrategies(llvm::ArrayRef<Measurement> rows,
                 llvm::ArrayRef<std::string> strategies, unsigned seeds,
                 unsigned budget);

/// The strategy benchmark table: per strategy, evaluations to reach 90% and
/// 95% of the optimum (median and mean over the runs that reached it, and
/// how many did), and the best found after 25 and 50 evaluations.
void writeReplayTable(llvm::ArrayRef<ReplayRun> runs, double optimum,
                      unsigned spaceSize, llvm::raw_ostream &os);

} // namespace autotune
} // namespace zellige

#endif // ZELLIGE_AUTOTUNE_REPORT_H
