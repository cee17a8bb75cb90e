//===- Strategy.h - Search strategies ---------------------------*- C++ -*-===//
//
// This file declares the search strategies of the autotuner. A strategy
// proposes the next points to measure in a SearchSpace given every trial so
// far; it never proposes a point already in the history, and it is
// deterministic for a seed and a history. Strategies: exhaustive, random,
// anneal (simulated annealing over neighbours), genetic (a population with
// per-knob crossover and mutation) and model (online ridge regression on
// one-hot and log2 knob features). A strategy may be given a prior: an
// estimate of each point's cost (the roofline cost model's schedule term)
// that `model` ranks its first proposals by, before it has measurements.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_AUTOTUNE_STRATEGY_H
#define ZELLIGE_AUTOTUNE_STRATEGY_H

#include "zellige/Autotune/SearchSpace.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace zellige {
namespace autotune {

/// One measured point. `ok` is false for invalid, timed-out, crashed or
/// uncompilable points; their cost is meaningless.
struct Trial {
  Point point;
  double cost = 0;
  bool ok = false;
};

/// An estimated cost of a point, lower is better (e.g. seconds).
using Estimate = std::function<double(const Point &)>;

class Strategy {
public:
  virtual ~Strategy();
  virtual llvm::StringRef name() const = 0;
  /// Sets the estimate the strategy may use before it has measurements of
  /// its own (only `model` uses one); null removes it.
  void setPrior(Estimate estimate) { prior = std::move(estimate); }
  /// Up to `n` distinct legal points that are not in `history`. Fewer (or
  /// none) when the space is exhausted or no new point can be found.
  virtual std::vector<Point> propose(const SearchSpace &space,
                                     llvm::ArrayRef<Trial> history,
                                     unsigned n) = 0;

protected:
  Estimate prior;
};

/// The strategy called `name` (exhaustive, random, anneal, genetic, model)
/// seeded with `seed`, or null.
std::unique_ptr<Strategy> createStrategy(llvm::StringRef name, uint64_t seed);
/// The strategy names createStrategy() knows.
llvm::ArrayRef<llvm::StringRef> getStrategyNames();
/// The strategy `zellige tune` uses without --strategy.
llvm::StringRef getDefaultStrategyName();

} // namespace autotune
} // namespace zellige

#endif // ZELLIGE_AUTOTUNE_STRATEGY_H
