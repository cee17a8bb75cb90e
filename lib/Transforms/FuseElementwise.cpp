//===- FuseElementwise.cpp - Elementwise fusion on linalg -------*- C++ -*-===//
//
// This file implements zellige-fuse-elementwise, which merges elementwise
// linalg.generic ops with their elementwise producers when the producer has
// no other user, using upstream linalg's fusion patterns.
//
//===----------------------------------------------------------------------===//

#include "zellige/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "zellige-fuse-elementwise"

namespace zellige {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "zellige/Transforms/Passes.h.inc"
} // namespace zellige

using namespace mlir;

namespace {
struct FuseElementwisePass
    : zellige::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    // Fuse only when the producer's result has a single use, so fusion never
    // duplicates work.
    linalg::ControlFusionFn control = [](OpOperand *fusedOperand) {
      Operation *producer = fusedOperand->get().getDefiningOp();
      return producer && producer->hasOneUse();
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
