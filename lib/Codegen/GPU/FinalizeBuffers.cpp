//===- FinalizeBuffers.cpp - Private temporaries, loop leftovers -*- C++ -*-==//
//
// This file implements zellige-gpu-finalize-buffers (see Passes.td). Kernels
// cannot allocate global memory, so every temporary must be private to a
// thread: it is hoisted to the start of the thread's work (the body of the
// thread forall, or the function when the dispatch runs on one thread) as a
// memref.alloca. Copies and the remaining linalg operations become loops.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/Passes.h"
#include "zellige/Transforms/BufferUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace zellige {
namespace gpu_codegen {
#define GEN_PASS_DEF_GPUFINALIZEBUFFERS
#include "zellige/Codegen/GPU/Passes.h.inc"
} // namespace gpu_codegen
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::gpu_codegen;

namespace {
/// Largest private buffer a thread may hold.
constexpr int64_t kMaxPrivateBytes = 64 * 1024;

/// Whether `forall` distributes over threads.
bool isThreadForall(scf::ForallOp forall) {
  std::optional<ArrayAttr> mapping = forall.getMapping();
  return mapping && !mapping->empty() &&
         isa<gpu::GPUThreadMappingAttr>(mapping->getValue().front());
}

/// The body of the one thread forall that holds every use of `alloc`
/// (following views), or null.
Block *soleThreadScope(memref::AllocOp alloc) {
  Block *scope = nullptr;
  SmallVector<Value> worklist = {alloc.getResult()};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (isa<memref::DeallocOp>(user))
        continue;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user);
          view && view.getViewSource() == value) {
        for (Value result : user->getResults())
          worklist.push_back(result);
        continue;
      }
      scf::ForallOp forall = user->getParentOfType<scf::ForallOp>();
      while (forall && !isThreadForall(forall))
        forall = forall->getParentOfType<scf::ForallOp>();
      if (!forall || (scope && scope != forall.getBody()))
        return nullptr;
      scope = forall.getBody();
    }
  }
  return scope;
}

struct GPUFinalizeBuffersPass
    : public gpu_codegen::impl::GPUFinalizeBuffersBase<GPUFinalizeBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    IRRewriter rewriter(&getContext());
    bool distributed = false;
    func.walk([&](scf::ForallOp) { distributed = true; });

    SmallVector<memref::AllocOp> allocs;
    func.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
    for (memref::AllocOp alloc : allocs) {
      MemRefType type = alloc.getType();
      int64_t bytes =
          type.hasStaticShape()
              ? type.getNumElements() *
                    std::max<int64_t>(1, type.getElementTypeBitWidth() / 8)
              : -1;
      // The thread's scope: its forall's body, or the whole function when
      // the dispatch was not distributed.
      Block *scope = nullptr;
      for (auto forall = alloc->getParentOfType<scf::ForallOp>(); forall;
           forall = forall->getParentOfType<scf::ForallOp>())
        if (isThreadForall(forall)) {
          scope = forall.getBody();
          break;
        }
      if (!scope && !distributed)
        scope = &func.getBody().front();
      // A buffer used only inside one thread loop (e.g. the window operand of
      // a pooling op, whose contents are never read) is private to each
      // thread of it.
      if (!scope)
        scope = soleThreadScope(alloc);
      if (!scope || bytes < 0 || bytes > kMaxPrivateBytes ||
          !alloc.getDynamicSizes().empty()) {
        alloc.emitError() << "GPU target: dispatch '" << func.getName()
                          << "' needs a temporary of "
                          << (bytes < 0 ? std::string("dynamic size")
                                        : std::to_string(bytes) + " bytes")
                          << " that is not private to one thread";
        return signalPassFailure();
      }
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          rewriter.eraseOp(user);
      rewriter.setInsertionPointToStart(scope);
      Value replacement = memref::AllocaOp::create(
          rewriter, alloc.getLoc(), type, alloc.getAlignmentAttr());
      rewriter.replaceOp(alloc, replacement);
    }

    if (failed(lowerCopiesAndLinalgToLoops(func, "GPU")))
      return signalPassFailure();
  }
};
} // namespace
