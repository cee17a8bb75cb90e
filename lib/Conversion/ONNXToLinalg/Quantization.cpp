//===- Quantization.cpp - Lower onnx linear quantization --------*- C++ -*-===//
//
// This file implements the lowering of QuantizeLinear, DequantizeLinear
// (per-tensor or per-axis scale and zero point) and DynamicQuantizeLinear
// (min/max reductions to a scalar scale and zero point, then the uint8
// quantization) to linalg.generic ops. Quantized values are rounded half to
// even and saturated in floating point before the conversion.
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

#include <limits>

using namespace mlir;
using namespace zellige;
using namespace zellige::onnx_to_linalg;

namespace {

/// The map reading a quantization parameter of shape [] / [1] (per tensor)
/// or [C] (per `axis`) inside a loop nest of `rank` dims.
std::optional<AffineMap> paramMap(MLIRContext *ctx, Value param, int64_t rank,
                                  int64_t axis, int64_t axisSize) {
  auto type = cast<RankedTensorType>(param.getType());
  if (type.getNumElements() == 1 && type.getRank() <= 1) {
    SmallVector<AffineExpr> exprs(type.getRank(),
                                  getAffineConstantExpr(0, ctx));
    return AffineMap::get(rank, 0, exprs, ctx);
  }
  if (type.getRank() == 1 && type.getDimSize(0) == axisSize)
    return AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx));
  return std::nullopt;
}

/// round_half_even(v) clamped to the range of the integer `kind`, converted.
Value saturate(OpBuilder &b, Location loc, Value v, ScalarKind floatKind,
               ScalarKind to) {
  unsigned width = to.type.getIntOrFloatBitWidth();
  double lo = to.isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi = to.isUnsigned ? std::ldexp(1.0, width) - 1
                            : std::ldexp(1.0, width - 1) - 1;
  Value r = math::RoundEvenOp::create(b, loc, v);
  r = arith::MaximumFOp::create(b, loc, r,
                                createScalar(b, loc, floatKind.type, lo));
  r = arith::MinimumFOp::create(b, loc, r,
                                createScalar(b, loc, floatKind.type, hi));
  return convertScalar(b, loc, r, floatKind, to.type, to.isUnsigned);
}

struct QuantizeLowering : ONNXLowering<ONNX::QuantizeLinearOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::QuantizeLinearOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = convertType(op.getType());
    ScalarKind xKind = kindOf(op.getX().getType());
    ScalarKind out = kindOf(op.getType());
    if (!xKind.isFloat() || out.isFloat())
      return fail(op, "unsupported quantization from " +
                          typeString(op.getX().getType()) + " to " +
                          typeString(op.getType()));
    int64_t rank = type.getRank();
    // The axis only matters for per-axis parameters.
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    MLIRContext *ctx = rewriter.getContext();
    int64_t axisSize = axis ? type.getDimSize(*axis) : -1;
    if (!axis)
      axis = 0;
    SmallVector<Value> inputs{x, adaptor.getYScale()};
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank)};
    bool hasZero = !isNoValue(op.getYZeroPoint());
    if (hasZero)
      inputs.push_back(adaptor.getYZeroPoint());
    for (Value p : ArrayRef(inputs).drop_front()) {
      std::optional<AffineMap> map = paramMap(ctx, p, rank, *axis, axisSize);
      if (!map)
        return fail(op, "scale and zero point must be scalars or match "
                        "axis " +
                            Twine(op.getAxis()));
      maps.push_back(*map);
    }
    ScalarKind zpKind = hasZero ? kindOf(op.getYZeroPoint().getType()) : out;
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, inputs,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value scaled = arith::DivFOp::create(b, l, a[0], a[1]);
          Value r = math::RoundEvenOp::create(b, l, scaled);
          if (hasZero)
            r = arith::AddFOp::create(
                b, l, r, convertScalar(b, l, a[2], zpKind, xKind.type, false));
          return saturate(b, l, r, xKind, out);
        },
        maps);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct DequantizeLowering : ONNXLowering<ONNX::DequantizeLinearOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::DequantizeLinearOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = convertType(op.getType());
    ScalarKind xKind = kindOf(op.getX().getType());
    ScalarKind out = kindOf(op.getType());
    if (xKind.isFloat() || !out.isFloat())
      return fail(op, "unsupported dequantization from " +
                          typeString(op.getX().getType()));
    int64_t rank = type.getRank();
    // The axis only matters for per-axis parameters.
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    MLIRContext *ctx = rewriter.getContext();
    int64_t axisSize = axis ? type.getDimSize(*axis) : -1;
    if (!axis)
      axis = 0;
    SmallVector<Value> inputs{x, adaptor.getXScale()};
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank)};
    bool hasZero = !isNoValue(op.getXZeroPoint());
    if (hasZero)
      inputs.push_back(adaptor.getXZeroPoint());
    for (Value p : ArrayRef(inputs).drop_front()) {
      std::optional<AffineMap> map = paramMap(ctx, p, rank, *axis, axisSize);
      if (!map)
        return fail(op, "scale and zero point must be scalars or match "
                        "axis " +
                            Twine(op.getAxis()));
      maps.push_back(*map);
    }
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, inputs,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          // (x - zero_point) in 32-bit integers, then scaled.
          ScalarKind wide{b.getI32Type(), false};
          Value v = convertScalar(b, l, a[0], xKind, wide.type, false);
          if (hasZero)
            v = arith::SubIOp::create(
                b, l, v, convertScalar(b, l, a[2], xKind, wide.type, false));
          Value f = convertScalar(b, l, v, wide, out.type, false);
          return arith::MulFOp::create(b, l, f, a[1]);
        },
        maps);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// DynamicQuantizeLinear: scale = (max(0, max x) - min(0, min x)) / 255,
/// zero_point = saturate(round(-min / scale)), y = saturate(round(x / scale)
/// + zero_point), all uint8.
struct DynamicQuantizeLowering : ONNXLowering<ONNX::DynamicQuantizeLinearOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::DynamicQuantizeLinearOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto type = cast<RankedTensorType>(x.getType());
    ScalarKind kind = kindOf(op.getX().getType());
    ScalarKind out = kindOf(op.getY().getType());
    RankedTensorType yType = convertType(op.getY().getType());
    RankedTensorType scaleType = convertType(op.getYScale().getType());
    RankedTensorType zpType = convertType(op.getYZeroPoint().getType());
    if (scaleType.getRank() != 0 || zpType.getRank() != 0)
      return fail(op, "expected scalar y_scale and y_zero_point");
    if (type.getNumElements() == 0)
      return fail(op, "unsupported zero-size input");
    int64_t rank = type.getRank();
    SmallVector<int64_t> all;
    for (int64_t d = 0; d < rank; ++d)
      all.push_back(d);
    auto reduce = [&](bool isMax) {
      return buildReduction(rewriter, loc, type.getShape(), all, kind.type,
                            createScalar(rewriter, loc, kind.type, 0), x,
                            [&](OpBuilder &b, Location l, ValueRange a) {
                              return isMax ? buildMax(b, l, kind, a[0], a[1])
                                           : buildMin(b, l, kind, a[0], a[1]);
                            });
    };
    // Starting both reductions from 0 includes 0 in the range.
    Value max = reduce(true), min = reduce(false);
    double qmax = 255.0;
    Value scale =
        buildElementwise(rewriter, loc, scaleType, ValueRange{max, min},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           return arith::DivFOp::create(
                               b, l, arith::SubFOp::create(b, l, a[0], a[1]),
                               createScalar(b, l, kind.type, qmax));
                         });
    Value zp =
        buildElementwise(rewriter, loc, zpType, ValueRange{min, scale},
                         [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                           Value v = arith::DivFOp::create(
                               b, l, arith::NegFOp::create(b, l, a[0]), a[1]);
                           return saturate(b, l, v, kind, out);
                         });
    MLIRContext *ctx = rewriter.getContext();
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    Value y = buildElementwise(
        rewriter, loc, yType, ValueRange{x, scale, zp},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value r = math::RoundEvenOp::create(
              b, l, arith::DivFOp::create(b, l, a[0], a[1]));
          r = arith::AddFOp::create(
              b, l, r, convertScalar(b, l, a[2], out, kind.type, false));
          return saturate(b, l, r, kind, out);
        },
        {rewriter.getMultiDimIdentityMap(rank), scalar, scalar});
    rewriter.replaceOp(op, ValueRange{y, scale, zp});
    return success();
  }
};

} // namespace

void zellige::onnx_to_linalg::populateQuantizationPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    ErrorState &errors) {
  patterns.add<QuantizeLowering, DequantizeLowering, DynamicQuantizeLowering>(
      converter, patterns.getContext(), errors);
}
