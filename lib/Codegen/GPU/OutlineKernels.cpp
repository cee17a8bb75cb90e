//===- OutlineKernels.cpp - Dispatch functions to gpu.func ------*- C++ -*-===//
//
// This file implements zellige-gpu-outline-kernels (see Passes.td). Each
// dispatch function's body moves into a `gpu.func` kernel of the same name in
// `gpu.module @kernels`; the block-mapped scf.forall is dissolved into code
// indexed by gpu.block_id and the thread-mapped one into code indexed by
// gpu.thread_id. Their trip counts become the workgroup count and the
// workgroup size. Workgroup-memory buffers, allocated with memref.alloca in
// the body of the block forall, become workgroup attributions.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace zellige {
namespace gpu_codegen {
#define GEN_PASS_DEF_GPUOUTLINEKERNELS
#include "zellige/Codegen/GPU/Passes.h.inc"
} // namespace gpu_codegen
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::gpu_codegen;

namespace {

/// The forall directly in `block` whose mapping is of type `MappingT`, or
/// null; `count` receives how many there are.
template <typename MappingT>
scf::ForallOp findMappedForall(Block &block, unsigned &count) {
  scf::ForallOp found;
  count = 0;
  for (auto forall : block.getOps<scf::ForallOp>()) {
    std::optional<ArrayAttr> mapping = forall.getMapping();
    if (mapping && !mapping->empty() &&
        isa<MappingT>(mapping->getValue().front())) {
      found = forall;
      ++count;
    }
  }
  return found;
}

/// The trip count of each forall dimension along x, y, z.
FailureOr<std::array<int64_t, 3>> tripCounts(scf::ForallOp forall) {
  std::array<int64_t, 3> counts = {1, 1, 1};
  std::optional<SmallVector<int64_t>> lbs =
      getConstantIntValues(forall.getMixedLowerBound());
  std::optional<SmallVector<int64_t>> ubs =
      getConstantIntValues(forall.getMixedUpperBound());
  std::optional<SmallVector<int64_t>> steps =
      getConstantIntValues(forall.getMixedStep());
  if (!lbs || !ubs || !steps)
    return failure();
  for (auto [i, attr] : llvm::enumerate(forall.getMapping()->getValue())) {
    auto mapping = cast<DeviceMappingAttrInterface>(attr);
    int64_t dim = mapping.getMappingId();
    if (dim > 2 || (*steps)[i] <= 0)
      return failure();
    counts[dim] = llvm::divideCeil((*ubs)[i] - (*lbs)[i], (*steps)[i]);
  }
  return counts;
}

/// Whether `alloca` allocates workgroup memory.
bool isWorkgroupBuffer(memref::AllocaOp alloca) {
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(
      alloca.getType().getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

/// Replaces `forall` by its body, with induction variables lower + id * step
/// where id is gpu.block_id or gpu.thread_id along the mapped dimension.
template <typename IdOp>
void dissolveForall(RewriterBase &rewriter, scf::ForallOp forall) {
  Location loc = forall.getLoc();
  rewriter.setInsertionPoint(forall);
  SmallVector<Value> ivs;
  SmallVector<OpFoldResult> lbs = forall.getMixedLowerBound();
  SmallVector<OpFoldResult> steps = forall.getMixedStep();
  for (auto [i, attr] : llvm::enumerate(forall.getMapping()->getValue())) {
    auto dim = static_cast<gpu::Dimension>(
        cast<DeviceMappingAttrInterface>(attr).getMappingId());
    Value id = IdOp::create(rewriter, loc, dim);
    Value step = getValueOrCreateConstantIndexOp(rewriter, loc, steps[i]);
    Value lb = getValueOrCreateConstantIndexOp(rewriter, loc, lbs[i]);
    Value scaled = arith::MulIOp::create(rewriter, loc, id, step);
    ivs.push_back(arith::AddIOp::create(rewriter, loc, lb, scaled));
  }
  Block *body = forall.getBody();
  rewriter.eraseOp(body->getTerminator());
  rewriter.inlineBlockBefore(body, forall, ivs);
  rewriter.eraseOp(forall);
}

struct GPUOutlineKernelsPass
    : public gpu_codegen::impl::GPUOutlineKernelsBase<GPUOutlineKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        funcs.push_back(func);
    if (funcs.empty())
      return;

    IRRewriter rewriter(ctx);
    rewriter.setInsertionPointToEnd(module.getBody());
    auto kernels =
        gpu::GPUModuleOp::create(rewriter, module.getLoc(), "kernels");
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    rewriter.getUnitAttr());

    for (func::FuncOp func : funcs) {
      Block &entry = func.getBody().front();
      unsigned blockForalls = 0, threadForalls = 0;
      scf::ForallOp blockForall =
          findMappedForall<gpu::GPUBlockMappingAttr>(entry, blockForalls);
      scf::ForallOp threadForall;
      if (blockForall)
        threadForall = findMappedForall<gpu::GPUThreadMappingAttr>(
            *blockForall.getBody(), threadForalls);
      if (blockForalls > 1 || threadForalls > 1) {
        func.emitError("GPU target: more than one distributed loop nest");
        return signalPassFailure();
      }
      // Workgroup buffers live as long as the workgroup: they must be
      // allocated once per workgroup, in the block forall's body.
      SmallVector<memref::AllocaOp> workgroupBuffers;
      WalkResult walk = func.walk([&](memref::AllocaOp alloca) {
        if (!isWorkgroupBuffer(alloca))
          return WalkResult::advance();
        if (!blockForall || alloca->getParentOp() != blockForall) {
          alloca.emitError("GPU target: a workgroup buffer must be allocated "
                           "in the body of the workgroup loop");
          return WalkResult::interrupt();
        }
        workgroupBuffers.push_back(alloca);
        return WalkResult::advance();
      });
      if (walk.wasInterrupted())
        return signalPassFailure();
      std::array<int64_t, 3> grid = {1, 1, 1}, block = {1, 1, 1};
      if (blockForall) {
        FailureOr<std::array<int64_t, 3>> counts = tripCounts(blockForall);
        if (failed(counts)) {
          blockForall.emitError("GPU target: workgroup loop without static "
                                "bounds or with an unknown mapping");
          return signalPassFailure();
        }
        grid = *counts;
      }
      if (threadForall) {
        FailureOr<std::array<int64_t, 3>> counts = tripCounts(threadForall);
        if (failed(counts)) {
          threadForall.emitError("GPU target: thread loop without static "
                                 "bounds or with an unknown mapping");
          return signalPassFailure();
        }
        block = *counts;
      }

      Block *moduleBody = kernels.getBody();
      if (!moduleBody->empty() &&
          moduleBody->back().hasTrait<OpTrait::IsTerminator>())
        rewriter.setInsertionPoint(&moduleBody->back());
      else
        rewriter.setInsertionPointToEnd(moduleBody);
      auto kernel = gpu::GPUFuncOp::create(
          rewriter, func.getLoc(), func.getName(), func.getFunctionType());
      kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                      rewriter.getUnitAttr());
      kernel.setKnownBlockSizeAttr(rewriter.getDenseI32ArrayAttr(
          {static_cast<int32_t>(block[0]), static_cast<int32_t>(block[1]),
           static_cast<int32_t>(block[2])}));
      kernel->setAttr("zellige.workgroup_count",
                      rewriter.getDenseI64ArrayAttr(grid));

      // Move the body over; the entry block's arguments are the bindings.
      Region &body = kernel.getBody();
      rewriter.eraseBlock(&body.front());
      body.takeBody(func.getBody());
      for (Block &b : body)
        if (auto ret = dyn_cast<func::ReturnOp>(b.getTerminator())) {
          rewriter.setInsertionPoint(ret);
          rewriter.replaceOpWithNewOp<gpu::ReturnOp>(ret);
        }
      if (threadForall)
        dissolveForall<gpu::ThreadIdOp>(rewriter, threadForall);
      if (blockForall)
        dissolveForall<gpu::BlockIdOp>(rewriter, blockForall);
      for (memref::AllocaOp alloca : workgroupBuffers) {
        BlockArgument buffer =
            kernel.addWorkgroupAttribution(alloca.getType(), alloca.getLoc());
        rewriter.replaceOp(alloca, buffer);
      }
      rewriter.eraseOp(func);
    }
  }
};
} // namespace
