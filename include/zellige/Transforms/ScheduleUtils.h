//===- ScheduleUtils.h - Helpers shared by target schedules -----*- C++ -*-===//
//
// This file defines the small helpers every target's schedule model uses:
// which operation of a dispatch function decides its schedule, and how a
// knob's legal tile sizes are derived from a loop range.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TRANSFORMS_SCHEDULEUTILS_H
#define ZELLIGE_TRANSFORMS_SCHEDULEUTILS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace zellige {

/// The operation that decides a dispatch function's schedule: the first
/// linalg operation with reduction loops that is not a fill, else the last
/// linalg operation (the rule of kernel.dispatch's getRootOp).
inline mlir::linalg::LinalgOp findScheduleRoot(mlir::func::FuncOp func) {
  mlir::linalg::LinalgOp last;
  for (mlir::Operation &op : func.getBody().front()) {
    auto linalgOp = llvm::dyn_cast<mlir::linalg::LinalgOp>(&op);
    if (!linalgOp)
      continue;
    last = linalgOp;
    if (linalgOp.getNumReductionLoops() > 0 &&
        !llvm::isa<mlir::linalg::FillOp>(op))
      return linalgOp;
  }
  return last;
}

/// The `candidates` that divide `size`, plus `size` itself when it is at
/// most `addSelfBelow`; ascending and never empty.
inline llvm::SmallVector<int64_t>
legalTileSizes(int64_t size, llvm::ArrayRef<int64_t> candidates,
               int64_t addSelfBelow) {
  llvm::SmallVector<int64_t> legal;
  for (int64_t c : candidates)
    if (c <= size && size % c == 0)
      legal.push_back(c);
  if (size <= addSelfBelow && !llvm::is_contained(legal, size))
    legal.push_back(size);
  if (legal.empty())
    legal.push_back(1);
  llvm::sort(legal);
  return legal;
}

/// The largest legal value not above `target`, else the smallest.
inline int64_t pickTileSize(llvm::ArrayRef<int64_t> legal, int64_t target) {
  int64_t best = legal.front();
  for (int64_t v : legal)
    if (v <= target)
      best = v;
  return best;
}

} // namespace zellige

#endif // ZELLIGE_TRANSFORMS_SCHEDULEUTILS_H
