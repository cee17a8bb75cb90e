//===- TileAndDistribute.cpp - Tile a dispatch for a GPU --------*- C++ -*-===//
//
// This file implements zellige-gpu-tile-and-distribute. The operation that
// produces the dispatch's result (the anchor) is tiled with an scf.forall at
// the workgroup tiles, mapped to GPU blocks, with its producers fused; the
// anchor's tile is then tiled again with an scf.forall at the thread tiles,
// mapped to GPU threads, fusing producers again. What is left inside the
// thread forall is each thread's work; it is lowered to loops after
// bufferization. Padding is rewritten first into a gather that fuses like any
// elementwise producer. Tile sizes come from the root operation's schedule
// (zellige/Codegen/GPU/Schedule.h) and the function's kernel.config; its
// promotion and vector width are left on the function as attributes for the
// passes after bufferization.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/DeviceProfile.h"
#include "zellige/Codegen/GPU/Passes.h"
#include "zellige/Codegen/GPU/Schedule.h"

#include "dialects/kernel/KernelDialect.h"
#include "zellige/Transforms/ScheduleUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace zellige {
namespace gpu_codegen {
#define GEN_PASS_DEF_GPUTILEANDDISTRIBUTE
#include "zellige/Codegen/GPU/Passes.h.inc"
} // namespace gpu_codegen
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::gpu_codegen;

/// Carries the root's per-loop `sizes` over to `anchor` through the output
/// dimensions the two share (same position and size); other loops get 0.
static SmallVector<int64_t> carryOver(linalg::LinalgOp anchor,
                                      linalg::LinalgOp root,
                                      ArrayRef<int64_t> sizes) {
  if (anchor == root)
    return SmallVector<int64_t>(sizes);
  SmallVector<int64_t> result(anchor.getNumLoops(), 0);
  if (anchor.getNumDpsInits() != 1 || root.getNumDpsInits() < 1)
    return result;
  OpOperand *anchorInit = anchor.getDpsInitOperand(0);
  OpOperand *rootInit = root.getDpsInitOperand(0);
  auto anchorType = dyn_cast<ShapedType>(anchorInit->get().getType());
  auto rootType = dyn_cast<ShapedType>(rootInit->get().getType());
  AffineMap anchorMap = anchor.getMatchingIndexingMap(anchorInit);
  AffineMap rootMap = root.getMatchingIndexingMap(rootInit);
  if (!anchorType || !rootType || !anchorMap.isProjectedPermutation() ||
      !rootMap.isProjectedPermutation())
    return result;
  for (int64_t j = 0, e = anchorType.getRank(); j < e; ++j) {
    if (j >= rootType.getRank() ||
        rootType.getDimSize(j) != anchorType.getDimSize(j))
      continue;
    result[anchorMap.getDimPosition(j)] = sizes[rootMap.getDimPosition(j)];
  }
  return result;
}

static SmallVector<OpFoldResult> toOpFoldResults(MLIRContext *ctx,
                                                 ArrayRef<int64_t> sizes) {
  return llvm::map_to_vector(sizes, [&](int64_t s) -> OpFoldResult {
    return IntegerAttr::get(IndexType::get(ctx), s);
  });
}

/// The mapping attributes of a forall over the loops with non-zero `sizes`:
/// the innermost maps to x, the next to y, the one before to z.
static SmallVector<Attribute> mappingFor(MLIRContext *ctx,
                                         ArrayRef<int64_t> sizes, bool blocks) {
  unsigned count = llvm::count_if(sizes, [](int64_t s) { return s > 0; });
  SmallVector<Attribute> mapping;
  for (unsigned i = 0; i < count; ++i) {
    auto dim = static_cast<gpu::MappingId>(count - 1 - i);
    if (blocks)
      mapping.push_back(gpu::GPUBlockMappingAttr::get(ctx, dim));
    else
      mapping.push_back(gpu::GPUThreadMappingAttr::get(ctx, dim));
  }
  return mapping;
}

/// Tiles `op` with a mapped scf.forall and fuses its producers into it.
static LogicalResult tileToForall(RewriterBase &rewriter, linalg::LinalgOp op,
                                  ArrayRef<int64_t> sizes, bool blocks) {
  MLIRContext *ctx = op.getContext();
  scf::SCFTilingOptions tiling;
  tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
  tiling.setTileSizes(toOpFoldResults(ctx, sizes));
  tiling.setMapping(mappingFor(ctx, sizes, blocks));
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTileAndFuseResult> result =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
  if (failed(result))
    return failure();
  for (auto [orig, repl] : result->replacements)
    rewriter.replaceAllUsesWith(orig, repl);
  return success();
}

/// Splat constants that linalg.generic operations read become scalar
/// constants in their bodies, and the operands go (or, where an operand is
/// all that bounds a loop, become a tensor.empty that nothing reads). Splat
/// constants anything else reads become a linalg.fill. A kernel then needs
/// no constant tensor, which bufferization would turn into a memref.global
/// of the enclosing module, out of reach of the outlined kernel.
static void splatInputsToScalars(func::FuncOp func) {
  bool changed = false;
  func.walk([&](linalg::GenericOp op) {
    for (OpOperand *input : op.getDpsInputOperands()) {
      auto constant = input->get().getDefiningOp<arith::ConstantOp>();
      auto dense =
          constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : nullptr;
      if (!dense || !dense.isSplat())
        continue;
      BlockArgument arg = op.getMatchingBlockArgument(input);
      OpBuilder builder = OpBuilder::atBlockBegin(op.getBody());
      Value scalar = arith::ConstantOp::create(
          builder, constant.getLoc(), dense.getSplatValue<TypedAttr>());
      arg.replaceAllUsesWith(scalar);
      builder.setInsertionPoint(op);
      auto type = cast<RankedTensorType>(input->get().getType());
      input->set(tensor::EmptyOp::create(
          builder, constant.getLoc(), type.getShape(), type.getElementType()));
      changed = true;
    }
  });
  if (changed) {
    RewritePatternSet patterns(func.getContext());
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    (void)applyPatternsGreedily(func, std::move(patterns));
  }
  // Splat constants other operations read (a concatenation's padding, say)
  // become fills of an empty tensor, which tiling and bufferization treat
  // like any computed tensor.
  SmallVector<arith::ConstantOp> splats;
  func.walk([&](arith::ConstantOp constant) {
    auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
    if (dense && dense.isSplat() && isa<RankedTensorType>(constant.getType()) &&
        !constant->use_empty())
      splats.push_back(constant);
  });
  for (arith::ConstantOp constant : splats) {
    auto dense = cast<DenseElementsAttr>(constant.getValue());
    auto type = cast<RankedTensorType>(constant.getType());
    OpBuilder builder(constant);
    Value scalar = arith::ConstantOp::create(builder, constant.getLoc(),
                                             dense.getSplatValue<TypedAttr>());
    Value empty = tensor::EmptyOp::create(
        builder, constant.getLoc(), type.getShape(), type.getElementType());
    Value fill =
        linalg::FillOp::create(builder, constant.getLoc(), scalar, empty)
            .getResult(0);
    constant.replaceAllUsesWith(fill);
    constant.erase();
  }
}

/// Rewrites each statically shaped tensor.pad with a constant padding value
/// into a linalg.generic over the padded shape that reads its source with
/// tensor.extract where in bounds. Unlike tensor.pad, whose tiles are guarded
/// by an scf.if, the generic fuses into both the workgroup and the thread
/// loops, so each thread reads exactly the window it needs.
static void padsToGathers(func::FuncOp func) {
  SmallVector<tensor::PadOp> pads;
  func.walk([&](tensor::PadOp pad) { pads.push_back(pad); });
  IRRewriter rewriter(func.getContext());
  for (tensor::PadOp pad : pads) {
    RankedTensorType resultType = pad.getResultType();
    RankedTensorType sourceType = pad.getSourceType();
    Value padValue = pad.getConstantPaddingValue();
    if (!padValue || !resultType.hasStaticShape() ||
        !sourceType.hasStaticShape())
      continue;
    std::optional<SmallVector<int64_t>> low =
        getConstantIntValues(pad.getMixedLowPad());
    if (!low)
      continue;
    Location loc = pad.getLoc();
    rewriter.setInsertionPoint(pad);
    Value empty = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                          resultType.getElementType());
    int64_t rank = resultType.getRank();
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(static_cast<unsigned>(rank))};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    Value source = pad.getSource();
    auto gather = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{}, ValueRange{empty},
        maps, iterators, [&](OpBuilder &b, Location l, ValueRange) {
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value inBounds;
          SmallVector<Value> indices;
          for (int64_t d = 0; d < rank; ++d) {
            Value index = linalg::IndexOp::create(b, l, d);
            if ((*low)[d] == 0 &&
                sourceType.getDimSize(d) == resultType.getDimSize(d)) {
              indices.push_back(index);
              continue;
            }
            Value shifted = arith::SubIOp::create(
                b, l, index, arith::ConstantIndexOp::create(b, l, (*low)[d]));
            Value size =
                arith::ConstantIndexOp::create(b, l, sourceType.getDimSize(d));
            Value aboveLow = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::sge, shifted, zero);
            Value belowHigh = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::slt, shifted, size);
            Value ok = arith::AndIOp::create(b, l, aboveLow, belowHigh);
            inBounds =
                inBounds ? arith::AndIOp::create(b, l, inBounds, ok) : ok;
            indices.push_back(arith::SelectOp::create(b, l, ok, shifted, zero));
          }
          Value value = tensor::ExtractOp::create(b, l, source, indices);
          if (inBounds)
            value = arith::SelectOp::create(b, l, inBounds, value, padValue);
          linalg::YieldOp::create(b, l, value);
        });
    rewriter.replaceOp(pad, gather.getResults());
  }
}

static LogicalResult cleanup(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  RewritePatternSet patterns(ctx);
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    if (isa<tensor::TensorDialect, scf::SCFDialect, arith::ArithDialect,
            affine::AffineDialect, linalg::LinalgDialect>(&op.getDialect()))
      op.getCanonicalizationPatterns(patterns, ctx);
  tensor::populateFoldTensorEmptyPatterns(patterns);
  return applyPatternsGreedily(func, std::move(patterns));
}

namespace {
struct GPUTileAndDistributePass
    : public gpu_codegen::impl::GPUTileAndDistributeBase<
          GPUTileAndDistributePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    llvm::Expected<DeviceProfile> deviceProfile = loadDeviceProfile(profile);
    if (!deviceProfile) {
      func.emitError() << llvm::toString(deviceProfile.takeError());
      return signalPassFailure();
    }
    auto config = func->getAttrOfType<kernel::ConfigAttr>("kernel.config");
    splatInputsToScalars(func);
    padsToGathers(func);
    linalg::LinalgOp root = findScheduleRoot(func);
    if (!root)
      return;
    FailureOr<Schedule> schedule =
        computeSchedule(root, config, *deviceProfile);
    if (failed(schedule) || schedule->distributed.empty())
      return;

    // The anchor: the one linalg operation whose result the dispatch writes.
    SmallVector<bufferization::MaterializeInDestinationOp> writes;
    func.walk([&](bufferization::MaterializeInDestinationOp op) {
      writes.push_back(op);
    });
    if (writes.size() != 1)
      return;
    auto anchor = writes.front().getSource().getDefiningOp<linalg::LinalgOp>();
    if (!anchor || anchor.hasDynamicShape() ||
        !isa<TilingInterface>(anchor.getOperation()))
      return;

    SmallVector<int64_t> workgroup =
        carryOver(anchor, root, schedule->workgroup);
    SmallVector<int64_t> thread = carryOver(anchor, root, schedule->thread);
    // Only parallel loops are distributed, and at most three of them.
    for (auto [i, t] : llvm::enumerate(anchor.getIteratorTypesArray()))
      if (t == utils::IteratorType::reduction)
        workgroup[i] = thread[i] = 0;
    unsigned kept = 0;
    for (unsigned i = workgroup.size(); i-- > 0;) {
      if (workgroup[i] > 0 && ++kept > 3)
        workgroup[i] = 0;
      if (workgroup[i] == 0)
        thread[i] = 0;
    }
    if (kept == 0)
      return;

    IRRewriter rewriter(&getContext());
    // An anchor that accumulates into a dispatch input (a bias broadcast
    // computed by an earlier dispatch) starts from a copy of it, so that each
    // thread copies its own elements and the result is computed in place in
    // the output buffer rather than in a dispatch-wide temporary.
    for (OpOperand &init : anchor.getDpsInitsMutable()) {
      if (!init.get().getDefiningOp<bufferization::ToTensorOp>())
        continue;
      auto type = cast<RankedTensorType>(init.get().getType());
      rewriter.setInsertionPoint(anchor);
      Value empty = tensor::EmptyOp::create(
          rewriter, anchor.getLoc(), type.getShape(), type.getElementType());
      auto copy =
          linalg::CopyOp::create(rewriter, anchor.getLoc(), init.get(), empty);
      init.set(copy.getResult(0));
    }
    if (failed(tileToForall(rewriter, anchor, workgroup, /*blocks=*/true))) {
      anchor->emitError("GPU target: cannot tile for workgroups");
      return signalPassFailure();
    }
    if (failed(cleanup(func)))
      return signalPassFailure();

    // Find the tiled anchor again (cleanup may have replaced values).
    linalg::LinalgOp inner;
    func.walk([&](scf::ForallOp forall) {
      forall.getTerminator().walk([&](tensor::ParallelInsertSliceOp insert) {
        if (auto op = insert.getSource().getDefiningOp<linalg::LinalgOp>())
          inner = op;
      });
    });
    if (!inner)
      return;
    // Thread tiles over the loops the workgroup tiles cover.
    SmallVector<int64_t> threadSizes(inner.getNumLoops(), 0);
    for (unsigned i = 0, e = threadSizes.size(); i < e && i < thread.size();
         ++i)
      threadSizes[i] = workgroup[i] > 0 ? thread[i] : 0;
    if (failed(tileToForall(rewriter, inner, threadSizes, /*blocks=*/false))) {
      inner->emitError("GPU target: cannot tile for threads");
      return signalPassFailure();
    }
    if (failed(cleanup(func)))
      return signalPassFailure();

    // Leave the rest of the schedule to the passes after bufferization.
    for (auto [loop, step] : llvm::enumerate(schedule->reductionStep))
      if (schedule->promote && step > 0)
        func->setAttr(
            kPromoteAttrName,
            rewriter.getDenseI64ArrayAttr({static_cast<int64_t>(loop), step}));
    if (llvm::any_of(schedule->knobs,
                     [](const Knob &knob) { return knob.name == "vector"; }))
      func->setAttr(kVectorAttrName,
                    rewriter.getI64IntegerAttr(schedule->vectorWidth));
  }
};
} // namespace
