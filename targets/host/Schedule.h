//===- Schedule.h - Host CPU schedules and knobs ----------------*- C++ -*-===//
//
// This file declares the host target's schedule model: which knobs a
// dispatch exposes (see README.md), their heuristic and legal values, and the
// tile sizes the pipeline derives from a `#kernel.config`.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TARGETS_HOST_SCHEDULE_H
#define ZELLIGE_TARGETS_HOST_SCHEDULE_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace zellige {
namespace kernel {
class ConfigAttr;
} // namespace kernel

namespace host {

/// One knob of a host schedule.
struct Knob {
  std::string name;                   ///< "wg.<loop>" or "tile.<loop>".
  int64_t value;                      ///< The heuristic value.
  llvm::SmallVector<int64_t> legal;   ///< Legal values, ascending.
};

/// The tile sizes of one linalg operation, per loop of its iteration domain.
/// A size of 0 leaves the loop untiled.
struct Schedule {
  std::string kind; ///< matmul, conv, pooling, reduction, elementwise, generic
  /// Workgroup tile per loop (0 for reduction loops and untiled loops).
  llvm::SmallVector<int64_t> workgroup;
  /// Register tile per parallel loop, reduction-step tile per reduction loop.
  llvm::SmallVector<int64_t> tile;
  /// The knobs that expose these sizes, with their heuristic values.
  llvm::SmallVector<Knob> knobs;
};

/// The heuristic schedule of `op` (a linalg operation with static loop
/// ranges), with the knob values of `config` applied when it is non-null.
/// Values are clamped so that every tile divides its loop (and every register
/// tile divides its workgroup tile), so any knob value yields correct code.
/// Returns failure for operations that are not linalg operations.
mlir::FailureOr<Schedule> computeSchedule(mlir::Operation *op,
                                          kernel::ConfigAttr config);

} // namespace host
} // namespace zellige

#endif // ZELLIGE_TARGETS_HOST_SCHEDULE_H
