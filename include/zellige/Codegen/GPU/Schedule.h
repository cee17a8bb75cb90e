//===- Schedule.h - GPU schedules and knobs ---------------------*- C++ -*-===//
//
// This file declares the schedule model shared by the GPU targets. Up to
// three parallel loops of a dispatch's root operation are distributed: each
// gets a workgroup tile (`wg.<loop>`, the loop range one workgroup covers)
// and a thread tile (`thread.<loop>`, the range one thread covers), so the
// workgroup has wg/thread threads along that loop. Matmuls also get
// `promote` (0/1): stage the operand tiles of each reduction step of
// `ktile.<loop>` iterations in workgroup memory. Matmuls and elementwise ops
// get `vector` (1, 2 or 4): load and store that many contiguous elements at
// once along the innermost thread tile. Legal values come from the loop
// ranges and the device profile's limits.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CODEGEN_GPU_SCHEDULE_H
#define ZELLIGE_CODEGEN_GPU_SCHEDULE_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace zellige {
struct DeviceProfile;
namespace kernel {
class ConfigAttr;
} // namespace kernel
namespace gpu_codegen {

/// One knob of a GPU schedule.
struct Knob {
  std::string name;                 ///< "wg.<loop>", "thread.<loop>", ...
  int64_t value;                    ///< The heuristic value.
  llvm::SmallVector<int64_t> legal; ///< Legal values, ascending.
};

/// Tile sizes per loop of the root operation's iteration domain.
struct Schedule {
  std::string kind; ///< matmul, conv, pooling, reduction, elementwise, generic
  /// The distributed loops, outermost first (at most three); the last one
  /// maps to the x dimension of the workgroup.
  llvm::SmallVector<unsigned> distributed;
  /// Workgroup tile per loop (0: not distributed).
  llvm::SmallVector<int64_t> workgroup;
  /// Thread tile per loop (0: not distributed); divides the workgroup tile.
  llvm::SmallVector<int64_t> thread;
  /// Reduction step per reduction loop when operands are promoted, else 0.
  llvm::SmallVector<int64_t> reductionStep;
  bool promote = false;
  /// Elements per vector load and store along the innermost thread tile
  /// (1: scalar code); divides the thread tile of the innermost distributed
  /// loop.
  int64_t vectorWidth = 1;
  llvm::SmallVector<Knob> knobs;

  /// Threads of one workgroup along distributed loop `loop`.
  int64_t threadsAlong(unsigned loop) const {
    return workgroup[loop] / thread[loop];
  }
};

/// The heuristic schedule of `op` (a linalg operation with static loop
/// ranges) for `profile`, with the knob values of `config` applied when it is
/// non-null. Values are clamped so that tiles divide their loops, thread tiles
/// divide workgroup tiles, a workgroup stays within the profile's limits, the
/// promoted operand tiles fit in its shared memory, and the vector width
/// divides the innermost thread tile.
mlir::FailureOr<Schedule> computeSchedule(mlir::Operation *op,
                                          kernel::ConfigAttr config,
                                          const DeviceProfile &profile);

} // namespace gpu_codegen
} // namespace zellige

#endif // ZELLIGE_CODEGEN_GPU_SCHEDULE_H
