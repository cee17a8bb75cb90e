//===- TileAndVectorize.cpp - Tile and vectorize a host dispatch -*- C++
//-*-===//
//
// This file implements zellige-host-tile-and-vectorize: the tensor-level part
// of the host schedule. The operation producing a dispatch result (the
// anchor) is tiled with an scf.forall at the workgroup tile sizes with its
// producers fused; the forall's body is tiled again at the register tile
// sizes; the reduction loops of every fused operation are stepped;
// single-group depthwise and grouped convolutions become plain ones and 2-D
// convolutions with unit windows are decomposed into 1-D ones; and every
// linalg operation with static shapes is vectorized. Tile sizes come from the
// root operation's schedule (Schedule.h) and the func's kernel.config.
//
//===----------------------------------------------------------------------===//

#include "targets/host/Passes.h"
#include "targets/host/Schedule.h"

#include "dialects/kernel/KernelDialect.h"
#include "zellige/Transforms/ConvolutionRewrites.h"
#include "zellige/Transforms/ScheduleUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "zellige-host-tile-and-vectorize"

namespace zellige {
namespace host {
#define GEN_PASS_DEF_HOSTTILEANDVECTORIZE
#include "targets/host/Passes.h.inc"
} // namespace host
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::host;

namespace {
/// Register tile sizes of an anchor, per loop (reduction loops 0).
constexpr StringLiteral kAnchorTilesAttr = "zellige.host.anchor_tiles";
/// Reduction-step sizes of the root operation, per loop.
constexpr StringLiteral kRootTilesAttr = "zellige.host.root_tiles";
/// Largest iteration space vectorized in one piece.
constexpr int64_t kMaxVectorElements = 16384;
} // namespace

static SmallVector<OpFoldResult> toOpFoldResults(MLIRContext *ctx,
                                                 ArrayRef<int64_t> sizes) {
  return llvm::map_to_vector(sizes, [&](int64_t s) -> OpFoldResult {
    return IntegerAttr::get(IndexType::get(ctx), s);
  });
}

namespace {
struct AnchorTiles {
  SmallVector<int64_t> workgroup;
  SmallVector<int64_t> tile;
};
} // namespace

/// The workgroup and register tiles of `anchor`, the operation producing a
/// dispatch result: the root's tiles when the anchor is the root, else the
/// root's tiles carried over every output dimension the two share (same
/// position, same size); the other dimensions stay whole.
static AnchorTiles anchorTiles(linalg::LinalgOp anchor, linalg::LinalgOp root,
                               const Schedule &rootSchedule) {
  unsigned numLoops = anchor.getNumLoops();
  AnchorTiles tiles;
  if (anchor == root) {
    tiles.workgroup = rootSchedule.workgroup;
    tiles.tile = rootSchedule.tile;
  } else {
    tiles.workgroup.assign(numLoops, 0);
    tiles.tile.assign(numLoops, 0);
    if (anchor.getNumDpsInits() == 1 && root.getNumDpsInits() >= 1) {
      OpOperand *anchorInit = anchor.getDpsInitOperand(0);
      OpOperand *rootInit = root.getDpsInitOperand(0);
      auto anchorType = dyn_cast<ShapedType>(anchorInit->get().getType());
      auto rootType = dyn_cast<ShapedType>(rootInit->get().getType());
      AffineMap anchorMap = anchor.getMatchingIndexingMap(anchorInit);
      AffineMap rootMap = root.getMatchingIndexingMap(rootInit);
      if (anchorType && rootType && anchorMap.isProjectedPermutation() &&
          rootMap.isProjectedPermutation()) {
        for (int64_t j = 0, e = anchorType.getRank(); j < e; ++j) {
          if (j >= rootType.getRank() ||
              rootType.getDimSize(j) != anchorType.getDimSize(j))
            continue;
          unsigned a = anchorMap.getDimPosition(j);
          unsigned r = rootMap.getDimPosition(j);
          tiles.workgroup[a] = rootSchedule.workgroup[r];
          tiles.tile[a] = rootSchedule.tile[r];
        }
      }
    }
  }
  // Level-2 tiling of the anchor only tiles its parallel loops.
  for (auto [i, t] : llvm::enumerate(anchor.getIteratorTypesArray()))
    if (t == utils::IteratorType::reduction)
      tiles.workgroup[i] = tiles.tile[i] = 0;
  return tiles;
}

/// Operations whose result is written out by the dispatch (directly or
/// through the workgroup forall): the anchors of the tiling.
static SmallVector<linalg::LinalgOp> findAnchors(func::FuncOp func) {
  SmallVector<linalg::LinalgOp> anchors;
  func.walk([&](linalg::LinalgOp op) {
    if (!op->hasAttr(kAnchorTilesAttr))
      return;
    for (Operation *user : op->getUsers())
      if (isa<tensor::ParallelInsertSliceOp,
              bufferization::MaterializeInDestinationOp>(user)) {
        anchors.push_back(op);
        return;
      }
  });
  return anchors;
}

static LogicalResult applyCleanups(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    if (isa<tensor::TensorDialect, vector::VectorDialect, scf::SCFDialect,
            arith::ArithDialect, affine::AffineDialect, linalg::LinalgDialect>(
            &op.getDialect()))
      op.getCanonicalizationPatterns(patterns, ctx);
  tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
  tensor::populateFoldTensorEmptyPatterns(patterns);
  return applyPatternsGreedily(func, std::move(patterns));
}

namespace {
struct HostTileAndVectorizePass
    : public host::impl::HostTileAndVectorizeBase<HostTileAndVectorizePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult tileWorkgroups(func::FuncOp func, linalg::LinalgOp anchor,
                               ArrayRef<int64_t> sizes);
  LogicalResult tileRegisters(func::FuncOp func);
  LogicalResult tileReductions(func::FuncOp func);
  void vectorizeAll(func::FuncOp func);
};
} // namespace

LogicalResult HostTileAndVectorizePass::tileWorkgroups(
    func::FuncOp func, linalg::LinalgOp anchor, ArrayRef<int64_t> sizes) {
  IRRewriter rewriter(func.getContext());
  scf::SCFTilingOptions tiling;
  tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  tiling.setTileSizes(toOpFoldResults(func.getContext(), sizes));
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  rewriter.setInsertionPoint(anchor);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(anchor.getOperation()), options);
  if (failed(result))
    return anchor->emitError("host target: cannot tile for workgroups");
  for (auto [orig, repl] : result->replacements)
    rewriter.replaceAllUsesWith(orig, repl);
  return success();
}

LogicalResult HostTileAndVectorizePass::tileRegisters(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  for (linalg::LinalgOp anchor : findAnchors(func)) {
    auto sizes = anchor->getAttrOfType<DenseI64ArrayAttr>(kAnchorTilesAttr);
    if (!sizes ||
        llvm::all_of(sizes.asArrayRef(), [](int64_t s) { return s == 0; }))
      continue;
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(toOpFoldResults(func.getContext(), sizes.asArrayRef()));
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    // Padding is computed once per workgroup, not per register tile.
    options.setFusionControlFn(
        [](tensor::ExtractSliceOp, OpResult producer,
           bool) -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (isa<tensor::PadOp>(producer.getOwner()))
            return std::nullopt;
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        });
    rewriter.setInsertionPoint(anchor);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(anchor.getOperation()), options);
    if (failed(result))
      return anchor->emitError("host target: cannot tile for registers");
    for (auto [orig, repl] : result->replacements)
      rewriter.replaceAllUsesWith(orig, repl);
  }
  return success();
}

LogicalResult HostTileAndVectorizePass::tileReductions(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  SmallVector<linalg::LinalgOp> candidates;
  func.walk([&](linalg::LinalgOp op) {
    if (op.getNumReductionLoops() > 0 && op.hasPureTensorSemantics())
      candidates.push_back(op);
  });
  for (linalg::LinalgOp op : candidates) {
    SmallVector<int64_t> sizes(op.getNumLoops(), 0);
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<int64_t> steps;
    if (auto rootTiles = op->getAttrOfType<DenseI64ArrayAttr>(kRootTilesAttr);
        rootTiles && rootTiles.size() == static_cast<int64_t>(sizes.size())) {
      steps.assign(rootTiles.asArrayRef().begin(),
                   rootTiles.asArrayRef().end());
    } else {
      FailureOr<Schedule> own = computeSchedule(op, nullptr);
      if (failed(own))
        continue;
      steps = own->tile;
    }
    bool any = false;
    for (auto [i, t] : llvm::enumerate(op.getIteratorTypesArray())) {
      if (t != utils::IteratorType::reduction ||
          ShapedType::isDynamic(ranges[i]))
        continue;
      int64_t step = steps[i];
      if (step <= 0 || step >= ranges[i] || ranges[i] % step != 0)
        continue;
      sizes[i] = step;
      any = true;
    }
    if (!any)
      continue;
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(toOpFoldResults(func.getContext(), sizes));
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), tiling);
    if (failed(result))
      return op->emitError("host target: cannot tile reduction loops");
    rewriter.replaceOp(op, result->replacements);
  }
  return success();
}

void HostTileAndVectorizePass::vectorizeAll(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  SmallVector<linalg::LinalgOp> candidates;
  func.walk([&](linalg::LinalgOp op) {
    if (!op.hasPureTensorSemantics() || op.hasDynamicShape())
      return;
    // Bool tensors are stored one byte per element, but LLVM loads and
    // stores vectors of i1 as packed bits: keep them scalar.
    auto isBool = [](Type t) { return getElementTypeOrSelf(t).isInteger(1); };
    if (llvm::any_of(op->getOperandTypes(), isBool) ||
        llvm::any_of(op->getResultTypes(), isBool))
      return;
    int64_t elements = 1;
    for (int64_t r : op.getStaticLoopRanges())
      elements *= r;
    if (elements <= kMaxVectorElements)
      candidates.push_back(op);
  });
  for (linalg::LinalgOp op : candidates) {
    rewriter.setInsertionPoint(op);
    bool contraction = linalg::isaContractionOpInterface(op);
    FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
        rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
        /*vectorizeNDExtract=*/true, /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false,
        /*createNamedContraction=*/contraction);
    if (failed(result)) {
      LLVM_DEBUG(llvm::dbgs() << "not vectorized: " << *op << "\n");
      continue;
    }
    rewriter.replaceOp(op, result->replacements);
  }
}

void HostTileAndVectorizePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  auto config = func->getAttrOfType<kernel::ConfigAttr>("kernel.config");
  linalg::LinalgOp root = findScheduleRoot(func);
  if (!root)
    return;
  FailureOr<Schedule> rootSchedule = computeSchedule(root, config);
  if (failed(rootSchedule))
    return;
  MLIRContext *ctx = &getContext();
  root->setAttr(kRootTilesAttr,
                DenseI64ArrayAttr::get(ctx, rootSchedule->tile));

  // Anchors: the linalg operations whose results the dispatch writes out.
  SmallVector<bufferization::MaterializeInDestinationOp> writes;
  func.walk([&](bufferization::MaterializeInDestinationOp op) {
    writes.push_back(op);
  });
  SmallVector<std::pair<linalg::LinalgOp, AnchorTiles>> anchors;
  for (auto write : writes) {
    auto anchor = write.getSource().getDefiningOp<linalg::LinalgOp>();
    if (!anchor || !isa<TilingInterface>(anchor.getOperation()) ||
        anchor.hasDynamicShape() || anchor->hasAttr(kAnchorTilesAttr))
      continue;
    AnchorTiles tiles = anchorTiles(anchor, root, *rootSchedule);
    anchor->setAttr(kAnchorTilesAttr, DenseI64ArrayAttr::get(ctx, tiles.tile));
    anchors.push_back({anchor, tiles});
  }

  // Level 1: one workgroup forall, when the dispatch has one result.
  if (anchors.size() == 1 && writes.size() == 1 &&
      llvm::any_of(anchors.front().second.workgroup,
                   [](int64_t s) { return s > 0; })) {
    if (failed(tileWorkgroups(func, anchors.front().first,
                              anchors.front().second.workgroup)))
      return signalPassFailure();
  }
  if (failed(applyCleanups(func)))
    return signalPassFailure();

  // Level 2: register tiles, then reduction steps.
  if (failed(tileRegisters(func)) || failed(applyCleanups(func)) ||
      failed(tileReductions(func)) || failed(applyCleanups(func)))
    return signalPassFailure();

  func.walk([&](Operation *op) {
    op->removeAttr(kAnchorTilesAttr);
    op->removeAttr(kRootTilesAttr);
  });
  if (!vectorize)
    return;

  // Single-group depthwise and grouped convolutions become plain ones, and
  // 2-D convolutions with unit rows become 1-D convolutions.
  {
    RewritePatternSet patterns(ctx);
    populateUnitGroupConvolutionPatterns(patterns);
    linalg::populateDecomposeConvolutionPatterns(patterns);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
  vectorizeAll(func);
  if (failed(applyCleanups(func)))
    return signalPassFailure();

  // Keep accumulators in registers: hoist the transfers of loop-carried
  // tensors out of their loops, innermost loops first.
  IRRewriter rewriter(ctx);
  SmallVector<LoopLikeOpInterface> loops;
  func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (LoopLikeOpInterface loop : loops)
    hoistLoopInvariantSubsets(rewriter, loop);
  if (failed(applyCleanups(func)))
    return signalPassFailure();
}
