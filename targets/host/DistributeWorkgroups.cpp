//===- DistributeWorkgroups.cpp - Map the forall to workgroups --*- C++ -*-===//
//
// This file implements zellige-host-distribute-workgroups: after
// bufferization, the dispatch's top-level scf.forall becomes the work of one
// workgroup, selected by a new trailing `index` argument (the workgroup id)
// whose value the runtime varies over [0, zellige.host.workgroup_count).
//
//===----------------------------------------------------------------------===//

#include "targets/host/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#define DEBUG_TYPE "zellige-host-distribute-workgroups"

namespace zellige {
namespace host {
#define GEN_PASS_DEF_HOSTDISTRIBUTEWORKGROUPS
#include "targets/host/Passes.h.inc"
} // namespace host
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::host;

/// Whether `value` views a buffer allocated inside the function: such a
/// buffer is private to the invocation, hence to the workgroup.
static bool isPrivateBuffer(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (isa<memref::AllocOp, memref::AllocaOp>(def))
      return true;
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      return false;
    value = view.getViewSource();
  }
  return false;
}

/// Whether `op`, run by every workgroup, could write a function argument.
static bool mayWriteArgument(Operation *op, func::FuncOp func) {
  if (op->hasTrait<OpTrait::IsTerminator>())
    return false;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects) {
    if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return true;
    for (Region &region : op->getRegions())
      for (Operation &nested : region.getOps())
        if (mayWriteArgument(&nested, func))
          return true;
    return false;
  }
  SmallVector<MemoryEffects::EffectInstance> instances;
  effects.getEffects(instances);
  for (const MemoryEffects::EffectInstance &effect : instances) {
    if (!isa<MemoryEffects::Write>(effect.getEffect()))
      continue;
    Value target = effect.getValue();
    if (!target || !isPrivateBuffer(target))
      return true;
  }
  if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
    for (Region &region : op->getRegions())
      for (Operation &nested : region.getOps())
        if (mayWriteArgument(&nested, func))
          return true;
  return false;
}

namespace {
struct HostDistributeWorkgroupsPass
    : public host::impl::HostDistributeWorkgroupsBase<
          HostDistributeWorkgroupsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || func->hasAttr(kWorkgroupCountAttr))
      return;
    MLIRContext *ctx = &getContext();
    Block &entry = func.getBody().front();
    if (failed(func.insertArgument(func.getNumArguments(), IndexType::get(ctx),
                                   {}, func.getLoc())))
      return signalPassFailure();
    Value workgroupId = func.getArgument(func.getNumArguments() - 1);

    SmallVector<scf::ForallOp> foralls;
    for (Operation &op : entry)
      if (auto forall = dyn_cast<scf::ForallOp>(op))
        foralls.push_back(forall);

    int64_t count = 1;
    bool distribute =
        foralls.size() == 1 && foralls.front().getNumResults() == 0;
    SmallVector<int64_t> trips;
    if (distribute) {
      scf::ForallOp forall = foralls.front();
      std::optional<SmallVector<int64_t>> lbs =
          getConstantIntValues(forall.getMixedLowerBound());
      std::optional<SmallVector<int64_t>> ubs =
          getConstantIntValues(forall.getMixedUpperBound());
      std::optional<SmallVector<int64_t>> steps =
          getConstantIntValues(forall.getMixedStep());
      distribute = lbs && ubs && steps;
      for (size_t i = 0; distribute && i < lbs->size(); ++i) {
        if ((*steps)[i] <= 0) {
          distribute = false;
          break;
        }
        trips.push_back(std::max<int64_t>(
            0, ((*ubs)[i] - (*lbs)[i] + (*steps)[i] - 1) / (*steps)[i]));
        count *= trips.back();
      }
      // Everything outside the forall runs in every workgroup: that is only
      // safe when it writes nothing but private temporaries.
      for (Operation &op : entry)
        if (&op != forall.getOperation() && mayWriteArgument(&op, func))
          distribute = false;
      if (count == 0)
        distribute = false;
    }
    if (!distribute) {
      func->setAttr(kWorkgroupCountAttr,
                    IntegerAttr::get(IntegerType::get(ctx, 64), 1));
      return;
    }

    scf::ForallOp forall = foralls.front();
    IRRewriter rewriter(ctx);
    rewriter.setInsertionPoint(forall);
    Location loc = forall.getLoc();
    SmallVector<Value> indices;
    if (trips.size() == 1) {
      indices.push_back(workgroupId);
    } else {
      auto delin = affine::AffineDelinearizeIndexOp::create(
          rewriter, loc, workgroupId, ValueRange{}, trips,
          /*hasOuterBound=*/true);
      indices.assign(delin.getResults().begin(), delin.getResults().end());
    }
    SmallVector<Value> ivs;
    for (auto [i, index] : llvm::enumerate(indices)) {
      OpFoldResult lb = forall.getMixedLowerBound()[i];
      OpFoldResult step = forall.getMixedStep()[i];
      AffineExpr d0 = rewriter.getAffineDimExpr(0);
      AffineMap map = AffineMap::get(
          1, 0, d0 * *getConstantIntValue(step) + *getConstantIntValue(lb));
      ivs.push_back(
          affine::AffineApplyOp::create(rewriter, loc, map, ValueRange{index}));
    }
    Block *body = forall.getBody();
    rewriter.eraseOp(body->getTerminator());
    rewriter.inlineBlockBefore(body, forall, ivs);
    rewriter.eraseOp(forall);
    func->setAttr(kWorkgroupCountAttr,
                  IntegerAttr::get(IntegerType::get(ctx, 64), count));
  }
};
} // namespace
