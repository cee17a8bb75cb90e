//===- ConvolutionRewrites.cpp - Reshape convolutions for codegen -*- C++ -*-=//
//
// This file implements the rewrites of single-group depthwise and grouped
// NCHW convolutions into plain NCHW convolutions (ConvolutionRewrites.h).
//
//===----------------------------------------------------------------------===//

#include "zellige/Transforms/ConvolutionRewrites.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

/// The static tensor type of `v`, or null.
RankedTensorType staticTensorType(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape() ? type : RankedTensorType();
}

/// The static tensor types of a 2-D convolution's input, filter and output.
struct ConvTypes {
  RankedTensorType in, filter, out;
};

/// The static tensor types of `op` (a depthwise_conv_2d_nchw_chw or a
/// conv_2d_ngchw_gfchw) when it is on tensors, every operand has a static
/// shape and its channel (resp. group) dimension is one: dimension 1 of the
/// input and output and dimension 0 of the filter. Otherwise notifies a
/// match failure that says it needs one static `dimension`.
FailureOr<ConvTypes> matchUnitChannelConv(linalg::LinalgOp op,
                                          PatternRewriter &rewriter,
                                          StringRef dimension) {
  if (!op.hasPureTensorSemantics())
    return rewriter.notifyMatchFailure(op, "needs tensor semantics");
  ConvTypes types{staticTensorType(op.getDpsInputs()[0]),
                  staticTensorType(op.getDpsInputs()[1]),
                  staticTensorType(op.getDpsInits()[0])};
  if (!types.in || !types.filter || !types.out || types.in.getDimSize(1) != 1 ||
      types.filter.getDimSize(0) != 1 || types.out.getDimSize(1) != 1)
    return rewriter.notifyMatchFailure(op,
                                       "needs one static " + dimension.str());
  return types;
}

/// depthwise_conv_2d_nchw_chw with C == 1: the filter [1, KH, KW] becomes
/// [1, 1, KH, KW] and the op a conv_2d_nchw_fchw with one input and one
/// output channel. Input and output keep their shapes.
struct UnitChannelDepthwiseToConv
    : OpRewritePattern<linalg::DepthwiseConv2DNchwChwOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::DepthwiseConv2DNchwChwOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<ConvTypes> types = matchUnitChannelConv(op, rewriter, "channel");
    if (failed(types))
      return failure();
    RankedTensorType filterType = types->filter, outType = types->out;
    Location loc = op.getLoc();
    auto filter4d = RankedTensorType::get(
        {1, 1, filterType.getDimSize(1), filterType.getDimSize(2)},
        filterType.getElementType());
    Value filter = tensor::ExpandShapeOp::create(
        rewriter, loc, filter4d, op.getInputs()[1],
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
    auto conv = linalg::Conv2DNchwFchwOp::create(
        rewriter, loc, TypeRange{outType},
        ValueRange{op.getInputs()[0], filter}, ValueRange{op.getOutputs()[0]},
        op.getStrides(), op.getDilations());
    rewriter.replaceOp(op, conv.getResults());
    return success();
  }
};

/// conv_2d_ngchw_gfchw with G == 1: the group dimension is folded away from
/// every operand and the op becomes a conv_2d_nchw_fchw.
struct UnitGroupConvToConv : OpRewritePattern<linalg::Conv2DNgchwGfchwOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::Conv2DNgchwGfchwOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<ConvTypes> types = matchUnitChannelConv(op, rewriter, "group");
    if (failed(types))
      return failure();
    RankedTensorType outType = types->out;
    Location loc = op.getLoc();
    // N x 1 x C x H x W -> N x C x H x W; 1 x F x C x KH x KW -> F x C x ...
    SmallVector<ReassociationIndices> batchGroup{{0, 1}, {2}, {3}, {4}};
    Value in = tensor::CollapseShapeOp::create(rewriter, loc, op.getInputs()[0],
                                               batchGroup);
    Value filter = tensor::CollapseShapeOp::create(
        rewriter, loc, op.getInputs()[1], batchGroup);
    Value init = tensor::CollapseShapeOp::create(
        rewriter, loc, op.getOutputs()[0], batchGroup);
    auto conv = linalg::Conv2DNchwFchwOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{in, filter},
        ValueRange{init}, op.getStrides(), op.getDilations());
    Value result = tensor::ExpandShapeOp::create(rewriter, loc, outType,
                                                 conv.getResult(0), batchGroup);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// conv_1d_ncw_fcw with one batch, one input and one output channel and a
/// float element type: the input row is read once as a vector and each
/// window tap picks its strided, dilated lanes with a vector.shuffle, so a
/// stride-2 depthwise convolution is as vectorized as a stride-1 one (the
/// upstream vectorizer unrolls strided ones element by element).
struct VectorizeSingleChannelConv1D : OpRewritePattern<linalg::Conv1DNcwFcwOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::Conv1DNcwFcwOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(op, "needs tensor semantics");
    Value in = op.getInputs()[0], filter = op.getInputs()[1],
          init = op.getOutputs()[0];
    RankedTensorType inType = staticTensorType(in);
    RankedTensorType filterType = staticTensorType(filter);
    RankedTensorType outType = staticTensorType(init);
    if (!inType || !filterType || !outType)
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Type elementType = outType.getElementType();
    if (!isa<FloatType>(elementType) ||
        inType.getElementType() != elementType ||
        filterType.getElementType() != elementType)
      return rewriter.notifyMatchFailure(op, "needs one float element type");
    if (inType.getDimSize(0) != 1 || inType.getDimSize(1) != 1 ||
        filterType.getDimSize(0) != 1 || filterType.getDimSize(1) != 1)
      return rewriter.notifyMatchFailure(op, "needs single channels");
    int64_t stride = op.getStrides().getValues<int64_t>()[0];
    int64_t dilation = op.getDilations().getValues<int64_t>()[0];
    int64_t outWidth = outType.getDimSize(2);
    int64_t taps = filterType.getDimSize(2);
    int64_t inWidth = (outWidth - 1) * stride + (taps - 1) * dilation + 1;
    if (inWidth > inType.getDimSize(2) || outWidth > 1024)
      return rewriter.notifyMatchFailure(op, "window does not fit");

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value pad = arith::ConstantOp::create(rewriter, loc, elementType,
                                          rewriter.getZeroAttr(elementType));
    SmallVector<Value> indices(3, zero);
    AffineMap row = AffineMap::getMinorIdentityMap(3, 1, ctx);
    auto rowType = [&](int64_t n) { return VectorType::get({n}, elementType); };
    Value input =
        vector::TransferReadOp::create(rewriter, loc, rowType(inWidth), in,
                                       indices, pad, row, ArrayRef<bool>{true});
    Value weights =
        vector::TransferReadOp::create(rewriter, loc, rowType(taps), filter,
                                       indices, pad, row, ArrayRef<bool>{true});
    Value acc =
        vector::TransferReadOp::create(rewriter, loc, rowType(outWidth), init,
                                       indices, pad, row, ArrayRef<bool>{true});
    for (int64_t tap = 0; tap < taps; ++tap) {
      SmallVector<int64_t> lanes;
      for (int64_t x = 0; x < outWidth; ++x)
        lanes.push_back(tap * dilation + x * stride);
      Value window = vector::ShuffleOp::create(
          rewriter, loc, input, input, rewriter.getDenseI64ArrayAttr(lanes));
      Value weight = vector::ExtractOp::create(rewriter, loc, weights,
                                               ArrayRef<int64_t>{tap});
      Value splat =
          vector::BroadcastOp::create(rewriter, loc, rowType(outWidth), weight);
      acc = vector::FMAOp::create(rewriter, loc, window, splat, acc);
    }
    Value result =
        vector::TransferWriteOp::create(rewriter, loc, acc, init, indices, row,
                                        ArrayRef<bool>{true})
            .getResult();
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void zellige::populateUnitGroupConvolutionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<UnitChannelDepthwiseToConv, UnitGroupConvToConv,
               VectorizeSingleChannelConv1D>(patterns.getContext());
}
