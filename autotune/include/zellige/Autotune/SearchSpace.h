//===- SearchSpace.h - The knobs of one dispatch as a space -----*- C++ -*-===//
//
// This file declares SearchSpace: the cartesian product of a dispatch's knob
// legal values, cut down by a constraint (for GPU targets, the workgroup
// size limit). It enumerates legal points with pruning of partial
// assignments, samples them at random and lists a point's neighbours, and
// converts points to and from the canonical knob string the tuning database
// stores.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_AUTOTUNE_SEARCHSPACE_H
#define ZELLIGE_AUTOTUNE_SEARCHSPACE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace zellige {
namespace autotune {

/// One knob: its name, its legal values (ascending) and its starting value.
struct Knob {
  std::string name;
  std::vector<int64_t> values;
  int64_t initial = 0;
};

/// A point: one value per knob, in the space's knob order.
using Point = std::vector<int64_t>;
/// A partial point: values of the first `assigned.size()` knobs.
/// Returns false when no completion can be legal.
using Constraint =
    std::function<bool(llvm::ArrayRef<Knob> knobs, llvm::ArrayRef<int64_t>)>;

/// The GPU workgroup constraint for knobs `wg.<i>` / `thread.<i>`: each
/// thread.i divides wg.i and the product of wg.i / thread.i is at most
/// `maxThreads`. Checked on partial points (the product only grows).
Constraint gpuWorkgroupConstraint(int64_t maxThreads);

/// `base` (null: none) and, on complete points (`numKnobs` values),
/// `estimate(point) <= limit`: drops the points a cost estimate puts more
/// than a factor behind the best (`limit` = factor * bestEstimate()).
/// Partial points only check `base`; a point whose estimate is not positive
/// (unknown) is kept.
Constraint
pruneByEstimate(Constraint base, size_t numKnobs,
                std::function<double(llvm::ArrayRef<int64_t>)> estimate,
                double limit);

class SearchSpace {
public:
  SearchSpace(std::vector<Knob> knobs, Constraint constraint = nullptr);

  llvm::ArrayRef<Knob> knobs() const { return knobs_; }
  /// The number of points before the constraint (saturating).
  uint64_t cartesianSize() const;
  /// Whether every value is legal for its knob and the constraint holds.
  bool isLegal(llvm::ArrayRef<int64_t> point) const;
  /// The knobs' initial values.
  Point initial() const;

  /// Calls `fn` on each legal point in lexicographic order of value indices
  /// until it returns false or `limit` points were visited. Partial points
  /// that the constraint rejects are pruned.
  void enumerate(llvm::function_ref<bool(const Point &)> fn,
                 uint64_t limit = UINT64_MAX) const;
  /// The number of legal points, counting at most `limit`.
  uint64_t countLegal(uint64_t limit = UINT64_MAX) const;
  /// A uniformly drawn legal point (rejection sampling, `attempts` tries).
  std::optional<Point> sample(std::mt19937_64 &rng,
                              unsigned attempts = 1000) const;
  /// The legal points that differ from `p` in one knob moved one step.
  std::vector<Point> neighbours(const Point &p) const;

  /// The lowest `estimate` over the legal points (every point of a space of
  /// up to `limit` points, else the first `limit` in enumeration order plus
  /// the initial point); nullopt when no legal point has a positive,
  /// finite estimate.
  std::optional<double>
  bestEstimate(llvm::function_ref<double(const Point &)> estimate,
               uint64_t limit = 1 << 16) const;

  /// "name=value;..." sorted by name: the tuning database's knobs column.
  std::string key(const Point &p) const;
  /// The point a key names; nullopt when a knob is missing or not legal.
  std::optional<Point> parseKey(llvm::StringRef key) const;
  /// The index of `value` among knob `k`'s values, or -1.
  int indexOf(size_t k, int64_t value) const;

private:
  std::vector<Knob> knobs_;
  Constraint constraint;
};

/// Splits a canonical knob string into (name, value) pairs; nullopt when it
/// is malformed.
std::optional<std::vector<std::pair<std::string, int64_t>>>
parseKnobString(llvm::StringRef key);

} // namespace autotune
} // namespace zellige

#endif // ZELLIGE_AUTOTUNE_SEARCHSPACE_H
