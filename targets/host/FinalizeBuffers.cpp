//===- FinalizeBuffers.cpp - Hoist temporaries, lower leftovers -*- C++ -*-===//
//
// This file implements zellige-host-finalize-buffers. After bufferization a
// dispatch may allocate temporaries inside loops and may still hold linalg
// operations that could not be vectorized and memref.copy operations. The
// pass moves statically shaped allocations to the function entry (on the
// stack when small, freed before each return otherwise), rewrites copies as
// linalg.copy, and lowers every remaining linalg operation to scf loops, so
// that the object needs nothing but libm at run time.
//
//===----------------------------------------------------------------------===//

#include "targets/host/Passes.h"

#include "zellige/Transforms/BufferUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "zellige-host-finalize-buffers"

namespace zellige {
namespace host {
#define GEN_PASS_DEF_HOSTFINALIZEBUFFERS
#include "targets/host/Passes.h.inc"
} // namespace host
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::host;

namespace {
struct HostFinalizeBuffersPass
    : public host::impl::HostFinalizeBuffersBase<HostFinalizeBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    IRRewriter rewriter(&getContext());
    Block &entry = func.getBody().front();

    // Temporaries: static allocations move to the entry block.
    SmallVector<memref::AllocOp> allocs;
    func.walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
    SmallVector<Value> heapBuffers;
    for (memref::AllocOp alloc : allocs) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape() || !alloc.getDynamicSizes().empty() ||
          !alloc.getSymbolOperands().empty())
        continue;
      // The pipeline runs no deallocation pass; drop any dealloc so that each
      // buffer is freed exactly once below.
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          rewriter.eraseOp(user);
      int64_t bytes = type.getNumElements() *
                      std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
      rewriter.setInsertionPointToStart(&entry);
      Value replacement;
      if (bytes <= maxStackBytes) {
        replacement = memref::AllocaOp::create(rewriter, alloc.getLoc(), type,
                                               alloc.getAlignmentAttr());
      } else {
        replacement = memref::AllocOp::create(rewriter, alloc.getLoc(), type,
                                              alloc.getAlignmentAttr());
        heapBuffers.push_back(replacement);
      }
      rewriter.replaceOp(alloc, replacement);
    }
    if (!heapBuffers.empty())
      func.walk([&](func::ReturnOp ret) {
        rewriter.setInsertionPoint(ret);
        for (Value buffer : heapBuffers)
          memref::DeallocOp::create(rewriter, ret.getLoc(), buffer);
      });

    // Copies and whatever linalg is left (not vectorizable) become loops.
    if (failed(lowerCopiesAndLinalgToLoops(func, "host")))
      return signalPassFailure();
  }
};
} // namespace
