//===- Indexing.cpp - Lower index-driven onnx ops ---------------*- C++ -*-===//
//
// This file implements the lowering of the onnx operators whose elements are
// chosen by index arithmetic: ArgMax, ArgMin and Hardmax (a max/min
// reduction, then a reduction picking the first or last index of it), Trilu,
// EyeLike, Range and OneHot (generics over linalg.index), GatherElements,
// Tile and Pad's edge and reflect modes (generics reading their source with
// tensor.extract), CumSum (a masked reduction per candidate axis),
// ScatterElements and ScatterND (a reduction over the updates that picks the
// ones naming each output element), GatherND, the Hann, Hamming and
// Blackman windows, ReverseSequence, Resize (a generic over the output that
// maps each element back to its source coordinate), DepthToSpace and
// SpaceToDepth (reshape, transpose, reshape), CastLike and PRelu (with the
// channel broadcast of a 1-D slope).
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

#include <cmath>

using namespace mlir;
using namespace zellige;
using namespace zellige::onnx_to_linalg;

namespace {

/// linalg.index `dim` as an i64.
Value indexI64(OpBuilder &b, Location loc, int64_t dim) {
  Value index = linalg::IndexOp::create(b, loc, dim);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
}

/// The map reading a one-element tensor (rank 0 or 1) from a loop nest of
/// `rank` dims.
AffineMap scalarMap(MLIRContext *ctx, int64_t rank, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  SmallVector<AffineExpr> exprs(type.getRank(), getAffineConstantExpr(0, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Converts an integer scalar of `kind` to i64 (sign- or zero-extending).
Value toI64(OpBuilder &b, Location loc, Value v, ScalarKind kind) {
  return convertScalar(b, loc, v, kind, b.getI64Type(), false);
}

Value compareEq(OpBuilder &b, Location loc, ScalarKind kind, Value x, Value y) {
  if (kind.isFloat())
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, y);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, y);
}

/// The index along `axis` of the first (or last) maximum (or minimum) of
/// `input`, as an i64 tensor without the axis dim.
Value buildArgIndex(OpBuilder &b, Location loc, Value input, ScalarKind kind,
                    int64_t axis, bool isMin, bool last) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> dims{axis};
  Value best = buildReduction(
      b, loc, type.getShape(), dims, kind.type,
      isMin ? createHighest(b, loc, kind) : createLowest(b, loc, kind), input,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        return isMin ? buildMin(nb, l, kind, a[0], a[1])
                     : buildMax(nb, l, kind, a[0], a[1]);
      });
  MLIRContext *ctx = b.getContext();
  Value init =
      createScalar(b, loc, b.getI64Type(),
                   last ? -1.0 : static_cast<double>(type.getDimSize(axis)));
  return buildReduction(
      b, loc, type.getShape(), dims, b.getI64Type(), init,
      ValueRange{input, best},
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value i = indexI64(nb, l, axis);
        Value hit = compareEq(nb, l, kind, a[0], a[1]);
        Value pick = last ? arith::MaxSIOp::create(nb, l, a[2], i).getResult()
                          : arith::MinSIOp::create(nb, l, a[2], i).getResult();
        return arith::SelectOp::create(nb, l, hit, pick, a[2]);
      },
      {b.getMultiDimIdentityMap(rank), getReducedMap(ctx, rank, dims)});
}

template <typename OpTy> struct ArgLowering : ONNXLowering<OpTy> {
  using ONNXLowering<OpTy>::ONNXLowering;
  using Adaptor = typename ONNXLowering<OpTy>::Adaptor;
  static constexpr bool isMin = std::is_same_v<OpTy, ONNX::ArgMinOp>;

  LogicalResult lower(OpTy op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getData();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    if (rank == 0)
      return this->fail(op, "expected an input of rank 1 or more");
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (!axis)
      return this->fail(op, "axis out of range for rank " + Twine(rank));
    if (type.getDimSize(*axis) == 0)
      return this->fail(op, "unsupported empty reduction axis");
    RankedTensorType resultType = this->convertType(op.getType());
    if (resultType.getNumElements() !=
        type.getNumElements() / type.getDimSize(*axis))
      return this->fail(op, "result type " + this->typeString(op.getType()) +
                                " does not match the reduction");
    Value index = buildArgIndex(rewriter, op.getLoc(), input,
                                this->kindOf(op.getData().getType()), *axis,
                                isMin, op.getSelectLastIndex() != 0);
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), index, resultType));
    return success();
  }
};

/// Hardmax (opset 13): 1 at the first maximum along `axis`, 0 elsewhere.
struct HardmaxLowering : ONNXLowering<ONNX::HardmaxOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::HardmaxOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (rank == 0 || !axis)
      return fail(op, "axis out of range for rank " + Twine(rank));
    ScalarKind kind = kindOf(op.getInput().getType());
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, createEmpty(rewriter, loc, type));
      return success();
    }
    Value index =
        buildArgIndex(rewriter, loc, input, kind, *axis, false, false);
    MLIRContext *ctx = rewriter.getContext();
    Value result = buildElementwise(
        rewriter, loc, type, index,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value i = indexI64(b, l, *axis);
          Value hit =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, i, a[0]);
          return arith::SelectOp::create(b, l, hit,
                                         createScalar(b, l, kind.type, 1),
                                         createScalar(b, l, kind.type, 0));
        },
        getReducedMap(ctx, rank, {*axis}));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Trilu: keeps x[..., i, j] where j - i >= k (upper) or j - i <= k (lower).
struct TriluLowering : ONNXLowering<ONNX::TriluOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::TriluOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    if (rank < 2)
      return fail(op, "expected an input of rank 2 or more");
    if (type.getNumElements() == 0)
      return fail(op, "unsupported zero-size tensor " +
                          typeString(op.getInput().getType()));
    ScalarKind kind = kindOf(op.getInput().getType());
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<Value> inputs{input};
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank)};
    bool hasK = !isNoValue(op.getK());
    ScalarKind kKind;
    if (hasK) {
      if (cast<RankedTensorType>(adaptor.getK().getType()).getNumElements() !=
          1)
        return fail(op, "k must have one element");
      inputs.push_back(adaptor.getK());
      maps.push_back(scalarMap(ctx, rank, adaptor.getK()));
      kKind = kindOf(op.getK().getType());
    }
    bool upper = op.getUpper() != 0;
    Value result = buildElementwise(
        rewriter, loc, type, inputs,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value k = hasK ? toI64(b, l, a[1], kKind)
                         : createScalar(b, l, b.getI64Type(), 0);
          Value d = arith::SubIOp::create(b, l, indexI64(b, l, rank - 1),
                                          indexI64(b, l, rank - 2));
          Value keep = arith::CmpIOp::create(b, l,
                                             upper ? arith::CmpIPredicate::sge
                                                   : arith::CmpIPredicate::sle,
                                             d, k);
          return arith::SelectOp::create(b, l, keep, a[0],
                                         createScalar(b, l, kind.type, 0));
        },
        maps);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// EyeLike: ones on the k-th diagonal of a 2-D result.
struct EyeLikeLowering : ONNXLowering<ONNX::EyeLikeOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::EyeLikeOp op, Adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = convertType(op.getType());
    if (resultType.getRank() != 2)
      return fail(op, "expected a 2-D input");
    Type element = resultType.getElementType();
    int64_t k = static_cast<int64_t>(op.getK());
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, ValueRange{},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          Value d =
              arith::SubIOp::create(b, l, indexI64(b, l, 1), indexI64(b, l, 0));
          Value hit = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, d,
              createScalar(b, l, b.getI64Type(), static_cast<double>(k)));
          return arith::SelectOp::create(b, l, hit,
                                         createScalar(b, l, element, 1),
                                         createScalar(b, l, element, 0));
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Range: output[i] = start + i * delta; the result type fixes the length.
struct RangeLowering : ONNXLowering<ONNX::RangeOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::RangeOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = convertType(op.getType());
    if (resultType.getRank() != 1)
      return fail(op, "expected a 1-D result");
    for (Value v : {adaptor.getStart(), adaptor.getDelta()})
      if (cast<RankedTensorType>(v.getType()).getNumElements() != 1)
        return fail(op, "start and delta must be scalars");
    ScalarKind kind = kindOf(op.getStart().getType());
    MLIRContext *ctx = rewriter.getContext();
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType,
        ValueRange{adaptor.getStart(), adaptor.getDelta()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value i = convertScalar(b, l, indexI64(b, l, 0),
                                  ScalarKind{b.getI64Type(), false}, kind.type,
                                  false);
          return buildAdd(b, l, kind, a[0], buildMul(b, l, kind, i, a[1]));
        },
        {scalarMap(ctx, 1, adaptor.getStart()),
         scalarMap(ctx, 1, adaptor.getDelta())});
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// OneHot: the depth comes from the result type; values = [off, on].
struct OneHotLowering : ONNXLowering<ONNX::OneHotOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::OneHotOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = convertType(op.getType());
    int64_t rank = resultType.getRank();
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (!axis)
      return fail(op, "axis out of range for rank " + Twine(rank));
    auto indicesType = cast<RankedTensorType>(adaptor.getIndices().getType());
    if (indicesType.getRank() != rank - 1)
      return fail(op, "result rank must be the indices' rank plus one");
    if (cast<RankedTensorType>(adaptor.getValues().getType())
            .getNumElements() != 2)
      return fail(op, "values must have two elements");
    int64_t depth = resultType.getDimSize(*axis);
    ScalarKind indexKind = kindOf(op.getIndices().getType());
    MLIRContext *ctx = rewriter.getContext();
    Value values = adaptor.getValues();
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getIndices(),
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value idx = toI64(b, l, a[0], indexKind);
          Value d =
              createScalar(b, l, b.getI64Type(), static_cast<double>(depth));
          Value zero = createScalar(b, l, b.getI64Type(), 0);
          Value negative =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, idx, zero);
          idx = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, idx, d), idx);
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, idx,
                                            indexI64(b, l, *axis));
          Value off = tensor::ExtractOp::create(
              b, l, values,
              ValueRange{arith::ConstantIndexOp::create(b, l, 0)});
          Value on = tensor::ExtractOp::create(
              b, l, values,
              ValueRange{arith::ConstantIndexOp::create(b, l, 1)});
          return arith::SelectOp::create(b, l, hit, on, off);
        },
        getReducedMap(ctx, rank, {*axis}));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Wraps a negative index and clamps it into [0, size).
Value wrapIndex(OpBuilder &b, Location l, Value idx, int64_t size) {
  Value zero = arith::ConstantIndexOp::create(b, l, 0);
  Value dim = arith::ConstantIndexOp::create(b, l, size);
  Value negative =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, idx, zero);
  Value wrapped = arith::SelectOp::create(
      b, l, negative, arith::AddIOp::create(b, l, idx, dim), idx);
  Value last =
      arith::ConstantIndexOp::create(b, l, std::max<int64_t>(size - 1, 0));
  return arith::MinSIOp::create(
      b, l, arith::MaxSIOp::create(b, l, wrapped, zero), last);
}

/// GatherElements: out[i] = data[i with i[axis] replaced by indices[i]].
struct GatherElementsLowering : ONNXLowering<ONNX::GatherElementsOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::GatherElementsOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData();
    auto dataType = cast<RankedTensorType>(data.getType());
    RankedTensorType resultType = convertType(op.getType());
    int64_t rank = dataType.getRank();
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (!axis)
      return fail(op, "axis out of range for rank " + Twine(rank));
    if (resultType.getRank() != rank ||
        resultType.getShape() !=
            cast<RankedTensorType>(adaptor.getIndices().getType()).getShape())
      return fail(op, "result type " + typeString(op.getType()) +
                          " does not match the indices");
    int64_t axisDim = dataType.getDimSize(*axis);
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getIndices(),
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value idx = arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(d == *axis ? wrapIndex(b, l, idx, axisDim)
                                        : linalg::IndexOp::create(b, l, d));
          return tensor::ExtractOp::create(b, l, data, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Tile: out[i] = x[i mod shape(x)]; the repeats follow from the result type.
struct TileLowering : ONNXLowering<ONNX::TileOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::TileOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    RankedTensorType resultType = convertType(op.getType());
    int64_t rank = type.getRank();
    if (resultType.getRank() != rank)
      return fail(op, "result rank differs from the input's");
    auto repeats = getConstantInts(adaptor.getRepeats());
    for (int64_t d = 0; d < rank; ++d) {
      int64_t in = type.getDimSize(d), out = resultType.getDimSize(d);
      bool ok = in == 0 ? out == 0 : out % in == 0;
      if (ok && repeats)
        ok = static_cast<int64_t>(repeats->size()) == rank &&
             in * (*repeats)[d] == out;
      if (!ok)
        return fail(op, "result type " + typeString(op.getType()) +
                            " does not match the repeats");
    }
    if (resultType.getNumElements() == 0) {
      rewriter.replaceOp(op, createEmpty(rewriter, op.getLoc(), resultType));
      return success();
    }
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, ValueRange{},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            if (type.getDimSize(d) != resultType.getDimSize(d))
              i = arith::RemUIOp::create(
                  b, l, i,
                  arith::ConstantIndexOp::create(b, l, type.getDimSize(d)));
            coords.push_back(i);
          }
          return tensor::ExtractOp::create(b, l, input, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// CumSum along `axis` (static) as a masked reduction over a second index of
/// that axis.
Value buildCumSum(OpBuilder &b, Location loc, Value input, ScalarKind kind,
                  int64_t axis, bool exclusive, bool reverse) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> loopShape(type.getShape());
  loopShape.push_back(type.getDimSize(axis));
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d)
    exprs.push_back(getAffineDimExpr(d == axis ? rank : d, ctx));
  AffineMap inputMap = AffineMap::get(rank + 1, 0, exprs, ctx);
  arith::CmpIPredicate pred =
      reverse
          ? (exclusive ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::sge)
          : (exclusive ? arith::CmpIPredicate::slt : arith::CmpIPredicate::sle);
  return buildReduction(
      b, loc, loopShape, {rank}, kind.type, createScalar(b, loc, kind.type, 0),
      input,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value j = linalg::IndexOp::create(nb, l, rank);
        Value i = linalg::IndexOp::create(nb, l, axis);
        Value take = arith::CmpIOp::create(nb, l, pred, j, i);
        Value sum = buildAdd(nb, l, kind, a[1], a[0]);
        return arith::SelectOp::create(nb, l, take, sum, a[1]);
      },
      inputMap);
}

/// CumSum: with a constant axis one masked reduction; with an axis known
/// only at run time, one per candidate axis and a select.
struct CumSumLowering : ONNXLowering<ONNX::CumSumOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::CumSumOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getX();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    if (rank == 0)
      return fail(op, "expected an input of rank 1 or more");
    if (cast<RankedTensorType>(adaptor.getAxis().getType()).getNumElements() !=
        1)
      return fail(op, "axis must have one element");
    ScalarKind kind = kindOf(op.getX().getType());
    bool exclusive = op.getExclusive() != 0, reverse = op.getReverse() != 0;
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, input);
      return success();
    }
    if (auto axes = getConstantInts(adaptor.getAxis())) {
      std::optional<int64_t> axis = normalizeAxis((*axes)[0], rank);
      if (!axis)
        return fail(op, "axis out of range for rank " + Twine(rank));
      rewriter.replaceOp(op, buildCumSum(rewriter, loc, input, kind, *axis,
                                         exclusive, reverse));
      return success();
    }
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    for (int64_t d = 0; d < rank; ++d) {
      inputs.push_back(
          buildCumSum(rewriter, loc, input, kind, d, exclusive, reverse));
      maps.push_back(rewriter.getMultiDimIdentityMap(rank));
    }
    MLIRContext *ctx = rewriter.getContext();
    inputs.push_back(adaptor.getAxis());
    maps.push_back(scalarMap(ctx, rank, adaptor.getAxis()));
    ScalarKind axisKind = kindOf(op.getAxis().getType());
    Value result = buildElementwise(
        rewriter, loc, type, inputs,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value axis = toI64(b, l, a[rank], axisKind);
          Value zero = createScalar(b, l, b.getI64Type(), 0);
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, axis, zero);
          axis = arith::SelectOp::create(
              b, l, negative,
              arith::AddIOp::create(b, l, axis,
                                    createScalar(b, l, b.getI64Type(),
                                                 static_cast<double>(rank))),
              axis);
          Value r = a[0];
          for (int64_t d = 1; d < rank; ++d) {
            Value is = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::eq, axis,
                createScalar(b, l, b.getI64Type(), static_cast<double>(d)));
            r = arith::SelectOp::create(b, l, is, a[d], r);
          }
          return r;
        },
        maps);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// DepthToSpace (DCR and CRD) and SpaceToDepth on NCHW: reshape to 6-D,
/// transpose, reshape back to 4-D.
template <typename OpTy> struct SpaceDepthLowering : ONNXLowering<OpTy> {
  using ONNXLowering<OpTy>::ONNXLowering;
  using Adaptor = typename ONNXLowering<OpTy>::Adaptor;
  static constexpr bool toSpace = std::is_same_v<OpTy, ONNX::DepthToSpaceOp>;

  LogicalResult lower(OpTy op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    RankedTensorType resultType = this->convertType(op.getType());
    if (type.getRank() != 4)
      return this->fail(op, "expected a 4-D input");
    int64_t bs = static_cast<int64_t>(op.getBlocksize());
    int64_t n = type.getDimSize(0), c = type.getDimSize(1),
            h = type.getDimSize(2), w = type.getDimSize(3);
    SmallVector<int64_t> shape6, perm;
    if constexpr (toSpace) {
      if (bs <= 0 || c % (bs * bs) != 0)
        return this->fail(op, "blocksize does not divide the channels");
      int64_t c2 = c / (bs * bs);
      if (op.getMode() == "CRD") {
        shape6 = {n, c2, bs, bs, h, w};
        perm = {0, 1, 4, 2, 5, 3};
      } else {
        shape6 = {n, bs, bs, c2, h, w};
        perm = {0, 3, 4, 1, 5, 2};
      }
    } else {
      if (bs <= 0 || h % bs != 0 || w % bs != 0)
        return this->fail(op, "blocksize does not divide the spatial dims");
      shape6 = {n, c, h / bs, bs, w / bs, bs};
      perm = {0, 3, 5, 1, 2, 4};
    }
    Type element = type.getElementType();
    Value x =
        reshapeTo(rewriter, loc, input, RankedTensorType::get(shape6, element));
    Value t = transposeTensor(rewriter, loc, x, perm);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, t, resultType));
    return success();
  }
};

/// CastLike: Cast to the element type of `target_type`.
struct CastLikeLowering : ONNXLowering<ONNX::CastLikeOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::CastLikeOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = convertType(op.getType());
    ScalarKind from = kindOf(op.getInput().getType());
    ScalarKind to = kindOf(op.getType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getInput(),
        [&](OpBuilder &b, Location l, ValueRange a) {
          return convertScalar(b, l, a[0], from, to.type, to.isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// PRelu: numpy broadcasting of the slope, or a 1-D slope of the channel
/// count applied along dim 1 (what PyTorch exports).
struct PReluLowering : ONNXLowering<ONNX::PReluOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::PReluOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = convertType(op.getType());
    auto slopeType = cast<RankedTensorType>(adaptor.getSlope().getType());
    ScalarKind kind = kindOf(op.getX().getType());
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = resultType.getRank();
    AffineMap slopeMap;
    auto shape = broadcastShapes(slopeType.getShape(), resultType.getShape());
    if (shape && ArrayRef(*shape) == resultType.getShape()) {
      slopeMap =
          getBroadcastMap(ctx, slopeType.getShape(), resultType.getShape());
    } else if (slopeType.getRank() == 1 && rank >= 2 &&
               slopeType.getDimSize(0) == resultType.getDimSize(1)) {
      slopeMap = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    } else {
      return fail(op, "slope type " + typeString(op.getSlope().getType()) +
                          " does not broadcast to " + typeString(op.getType()));
    }
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType,
        ValueRange{adaptor.getX(), adaptor.getSlope()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (kind.isUnsigned)
            return a[0];
          Value zero = createScalar(b, l, kind.type, 0);
          Value negative =
              kind.isFloat()
                  ? arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, a[0],
                                          zero)
                        .getResult()
                  : arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, a[0],
                                          zero)
                        .getResult();
          return arith::SelectOp::create(
              b, l, negative, buildMul(b, l, kind, a[1], a[0]), a[0]);
        },
        {getBroadcastMap(
             ctx, cast<RankedTensorType>(adaptor.getX().getType()).getShape(),
             resultType.getShape()),
         slopeMap});
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Combines a scatter's current value with an update per `reduction`.
Value combineScatter(OpBuilder &b, Location l, StringRef reduction,
                     ScalarKind kind, Value acc, Value update) {
  if (reduction == "add")
    return buildAdd(b, l, kind, acc, update);
  if (reduction == "mul")
    return buildMul(b, l, kind, acc, update);
  if (reduction == "max")
    return buildMax(b, l, kind, acc, update);
  if (reduction == "min")
    return buildMin(b, l, kind, acc, update);
  return update;
}

bool isScatterReduction(StringRef reduction) {
  return reduction == "none" || reduction == "add" || reduction == "mul" ||
         reduction == "max" || reduction == "min";
}

/// A generic producing `data` updated by a scatter: the loops are the
/// output dims (parallel) then `searchShape` (reduction, bound by an empty
/// tensor); `body` gets the current value and returns the new one, in
/// search order (so the last matching update wins).
Value buildScatter(OpBuilder &b, Location loc, Value data,
                   ArrayRef<int64_t> searchShape,
                   function_ref<Value(OpBuilder &, Location, Value)> body) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(data.getType());
  int64_t rank = type.getRank();
  int64_t loops = rank + static_cast<int64_t>(searchShape.size());
  SmallVector<AffineExpr> searchExprs, outExprs;
  for (int64_t d = 0; d < rank; ++d)
    outExprs.push_back(getAffineDimExpr(d, ctx));
  for (int64_t d = rank; d < loops; ++d)
    searchExprs.push_back(getAffineDimExpr(d, ctx));
  Value search = createEmpty(
      b, loc, RankedTensorType::get(searchShape, type.getElementType()));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.append(searchShape.size(), utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{search}, ValueRange{data},
             {AffineMap::get(loops, 0, searchExprs, ctx),
              AffineMap::get(loops, 0, outExprs, ctx)},
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, body(nb, l, a[1]));
             })
      .getResult(0);
}

/// ScatterElements (and the deprecated Scatter, imported as it): for each
/// output position, the updates along `axis` whose index names it.
struct ScatterElementsLowering : ONNXLowering<ONNX::ScatterElementsOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ScatterElementsOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto type = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t rank = type.getRank();
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (!axis)
      return fail(op, "axis out of range for rank " + Twine(rank));
    StringRef reduction = op.getReduction();
    if (!isScatterReduction(reduction))
      return fail(op, "unsupported reduction '" + reduction + "'");
    if (indicesType.getRank() != rank ||
        cast<RankedTensorType>(updates.getType()).getShape() !=
            indicesType.getShape())
      return fail(op, "indices and updates must have the same shape and "
                      "the data's rank");
    for (int64_t d = 0; d < rank; ++d)
      if (indicesType.getDimSize(d) > type.getDimSize(d) && d != *axis)
        return fail(op, "indices larger than the data outside the axis");
    if (indicesType.getNumElements() == 0) {
      rewriter.replaceOp(op, data);
      return success();
    }
    ScalarKind kind = kindOf(op.getData().getType());
    int64_t axisDim = type.getDimSize(*axis);
    Value result = buildScatter(
        rewriter, op.getLoc(), data, {indicesType.getDimSize(*axis)},
        [&](OpBuilder &b, Location l, Value acc) -> Value {
          Value inRange = createScalar(b, l, b.getI1Type(), 1);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d) {
            if (d == *axis) {
              coords.push_back(linalg::IndexOp::create(b, l, rank));
              continue;
            }
            Value i = linalg::IndexOp::create(b, l, d);
            int64_t size = indicesType.getDimSize(d);
            if (size < type.getDimSize(d)) {
              Value bound = arith::ConstantIndexOp::create(b, l, size);
              inRange = arith::AndIOp::create(
                  b, l, inRange,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i,
                                        bound));
              i = arith::MinSIOp::create(
                  b, l, i, arith::ConstantIndexOp::create(b, l, size - 1));
            }
            coords.push_back(i);
          }
          Value idx = tensor::ExtractOp::create(b, l, indices, coords);
          idx = arith::IndexCastOp::create(b, l, b.getIndexType(), idx);
          Value target = wrapIndex(b, l, idx, axisDim);
          Value match = arith::AndIOp::create(
              b, l, inRange,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, target,
                                    linalg::IndexOp::create(b, l, *axis)));
          Value update = tensor::ExtractOp::create(b, l, updates, coords);
          return arith::SelectOp::create(
              b, l, match, combineScatter(b, l, reduction, kind, acc, update),
              acc);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// ScatterND: for each output position, the index tuples (over the batch
/// dims of `indices`) equal to its leading coordinates.
struct ScatterNDLowering : ONNXLowering<ONNX::ScatterNDOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ScatterNDOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto type = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    int64_t rank = type.getRank(), q = indicesType.getRank();
    StringRef reduction = op.getReduction();
    if (!isScatterReduction(reduction))
      return fail(op, "unsupported reduction '" + reduction + "'");
    if (q < 1)
      return fail(op, "indices must have rank 1 or more");
    int64_t k = indicesType.getDimSize(q - 1);
    if (k > rank)
      return fail(op, "index tuples longer than the data's rank");
    ArrayRef<int64_t> batch = indicesType.getShape().drop_back();
    SmallVector<int64_t> updatesShape(batch);
    llvm::append_range(updatesShape, type.getShape().drop_front(k));
    if (cast<RankedTensorType>(updates.getType()).getShape() !=
        ArrayRef(updatesShape))
      return fail(op, "updates shape does not match data and indices");
    if (indicesType.getNumElements() == 0) {
      rewriter.replaceOp(op, data);
      return success();
    }
    ScalarKind kind = kindOf(op.getData().getType());
    int64_t nb = static_cast<int64_t>(batch.size());
    Value result = buildScatter(
        rewriter, op.getLoc(), data, batch,
        [&](OpBuilder &b, Location l, Value acc) -> Value {
          SmallVector<Value> batchCoords;
          for (int64_t d = 0; d < nb; ++d)
            batchCoords.push_back(linalg::IndexOp::create(b, l, rank + d));
          Value match = createScalar(b, l, b.getI1Type(), 1);
          for (int64_t j = 0; j < k; ++j) {
            SmallVector<Value> coords(batchCoords);
            coords.push_back(arith::ConstantIndexOp::create(b, l, j));
            Value idx = tensor::ExtractOp::create(b, l, indices, coords);
            idx = arith::IndexCastOp::create(b, l, b.getIndexType(), idx);
            Value target = wrapIndex(b, l, idx, type.getDimSize(j));
            match = arith::AndIOp::create(
                b, l, match,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, target,
                                      linalg::IndexOp::create(b, l, j)));
          }
          SmallVector<Value> updateCoords(batchCoords);
          for (int64_t d = k; d < rank; ++d)
            updateCoords.push_back(linalg::IndexOp::create(b, l, d));
          Value update = tensor::ExtractOp::create(b, l, updates, updateCoords);
          return arith::SelectOp::create(
              b, l, match, combineScatter(b, l, reduction, kind, acc, update),
              acc);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// GatherND: out[b..., i..., r...] = data[b..., indices[b..., i..., :],
/// r...].
struct GatherNDLowering : ONNXLowering<ONNX::GatherNDOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::GatherNDOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    auto type = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(indices.getType());
    RankedTensorType resultType = convertType(op.getType());
    int64_t rank = type.getRank(), q = indicesType.getRank();
    int64_t batchDims = static_cast<int64_t>(op.getBatchDims());
    if (q < 1 || batchDims < 0 || batchDims >= std::min(q, rank))
      return fail(op, "invalid batch_dims " + Twine(batchDims));
    int64_t k = indicesType.getDimSize(q - 1);
    if (batchDims + k > rank)
      return fail(op, "index tuples longer than the data's rank");
    SmallVector<int64_t> shape(indicesType.getShape().drop_back());
    llvm::append_range(shape, type.getShape().drop_front(batchDims + k));
    if (ArrayRef(shape) != resultType.getShape())
      return fail(op, "result type " + typeString(op.getType()) +
                          " does not match data and indices");
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, ValueRange{},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> prefix;
          for (int64_t d = 0; d < q - 1; ++d)
            prefix.push_back(linalg::IndexOp::create(b, l, d));
          SmallVector<Value> coords(prefix.begin(), prefix.begin() + batchDims);
          for (int64_t j = 0; j < k; ++j) {
            SmallVector<Value> at(prefix);
            at.push_back(arith::ConstantIndexOp::create(b, l, j));
            Value idx = tensor::ExtractOp::create(b, l, indices, at);
            idx = arith::IndexCastOp::create(b, l, b.getIndexType(), idx);
            coords.push_back(
                wrapIndex(b, l, idx, type.getDimSize(batchDims + j)));
          }
          for (int64_t d = batchDims + k; d < rank; ++d)
            coords.push_back(
                linalg::IndexOp::create(b, l, q - 1 + d - batchDims - k));
          return tensor::ExtractOp::create(b, l, data, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Hann, Hamming and Blackman windows:
///   w[n] = a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N),
/// N = size (periodic) or size - 1 (symmetric); the size is the result's.
template <typename OpTy> struct WindowLowering : ONNXLowering<OpTy> {
  using ONNXLowering<OpTy>::ONNXLowering;
  using Adaptor = typename ONNXLowering<OpTy>::Adaptor;
  LogicalResult lower(OpTy op, Adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = this->convertType(op.getType());
    ScalarKind out = this->kindOf(op.getType());
    if (resultType.getRank() != 1)
      return this->fail(op, "expected a 1-D result");
    double a0 = 0.5, a1 = 0.5, a2 = 0.0;
    if constexpr (std::is_same_v<OpTy, ONNX::HammingWindowOp>) {
      a0 = 25.0 / 46.0;
      a1 = 1.0 - a0;
    } else if constexpr (std::is_same_v<OpTy, ONNX::BlackmanWindowOp>) {
      a0 = 0.42;
      a1 = 0.5;
      a2 = 0.08;
    }
    int64_t size = resultType.getDimSize(0);
    double n = static_cast<double>(op.getPeriodic() != 0 ? size : size - 1);
    double step = n > 0 ? 2.0 * M_PI / n : 0.0;
    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, ValueRange{},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          // f64 only for f64 results: some GPU targets lack f64 math.
          ScalarKind f64{out.type.isF64() ? b.getF64Type() : b.getF32Type(),
                         false};
          Value i =
              convertScalar(b, l, indexI64(b, l, 0),
                            ScalarKind{b.getI64Type(), false}, f64.type, false);
          Value angle = arith::MulFOp::create(
              b, l, i, createScalar(b, l, f64.type, step));
          Value w = arith::SubFOp::create(
              b, l, createScalar(b, l, f64.type, a0),
              arith::MulFOp::create(b, l, createScalar(b, l, f64.type, a1),
                                    math::CosOp::create(b, l, angle)));
          if (a2 != 0.0)
            w = arith::AddFOp::create(
                b, l, w,
                arith::MulFOp::create(
                    b, l, createScalar(b, l, f64.type, a2),
                    math::CosOp::create(
                        b, l, arith::AddFOp::create(b, l, angle, angle))));
          return convertScalar(b, l, w, f64, out.type, out.isUnsigned);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// ReverseSequence: along the time axis, the first sequence_lens[b] elements
/// of batch b are reversed, the rest copied.
struct ReverseSequenceLowering : ONNXLowering<ONNX::ReverseSequenceOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ReverseSequenceOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    int64_t batchAxis = static_cast<int64_t>(op.getBatchAxis());
    int64_t timeAxis = static_cast<int64_t>(op.getTimeAxis());
    if (rank < 2 || batchAxis == timeAxis || batchAxis < 0 || timeAxis < 0 ||
        batchAxis > 1 || timeAxis > 1)
      return fail(op, "batch_axis and time_axis must be 0 and 1");
    Value lens = adaptor.getSequenceLens();
    if (cast<RankedTensorType>(lens.getType()).getShape() !=
        ArrayRef<int64_t>{type.getDimSize(batchAxis)})
      return fail(op, "sequence_lens must have one entry per batch");
    int64_t steps = type.getDimSize(timeAxis);
    MLIRContext *ctx = rewriter.getContext();
    Value result = buildElementwise(
        rewriter, op.getLoc(), type, lens,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value len = arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          len = arith::MinSIOp::create(
              b, l, arith::MaxSIOp::create(b, l, len, zero),
              arith::ConstantIndexOp::create(b, l, steps));
          Value t = linalg::IndexOp::create(b, l, timeAxis);
          Value inside =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, t, len);
          Value reversed = arith::SubIOp::create(
              b, l,
              arith::SubIOp::create(b, l, len,
                                    arith::ConstantIndexOp::create(b, l, 1)),
              t);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(
                d == timeAxis
                    ? arith::SelectOp::create(b, l, inside, reversed, t)
                          .getResult()
                    : linalg::IndexOp::create(b, l, d).getResult());
          return tensor::ExtractOp::create(b, l, x, coords);
        },
        AffineMap::get(rank, 0, getAffineDimExpr(batchAxis, ctx)));
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Resize (nearest, linear, cubic) on every dim whose size changes; dims of
/// unchanged size are copied. Each output element maps back to a source
/// coordinate (per coordinate_transformation_mode, with the run-time scales
/// when given, else the size ratio), then reads the nearest element or
/// blends 2 (linear) or 4 (cubic) clamped neighbours per resized dim.
struct ResizeLowering : ONNXLowering<ONNX::ResizeOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ResizeOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Value x = adaptor.getX();
    auto type = cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = convertType(op.getType());
    int64_t rank = type.getRank();
    if (resultType.getRank() != rank)
      return fail(op, "result rank differs from the input's");
    StringRef mode = op.getMode(), ctm = op.getCoordinateTransformationMode(),
              nearestMode = op.getNearestMode();
    if (mode != "nearest" && mode != "linear" && mode != "cubic")
      return fail(op, "unsupported mode '" + mode + "'");
    if (ctm != "half_pixel" && ctm != "pytorch_half_pixel" &&
        ctm != "align_corners" && ctm != "asymmetric" &&
        ctm != "tf_half_pixel_for_nn" && ctm != "tf_crop_and_resize")
      return fail(op,
                  "unsupported coordinate_transformation_mode '" + ctm + "'");
    if (nearestMode != "round_prefer_floor" &&
        nearestMode != "round_prefer_ceil" && nearestMode != "floor" &&
        nearestMode != "ceil")
      return fail(op, "unsupported nearest_mode '" + nearestMode + "'");
    ScalarKind kind = kindOf(op.getX().getType());
    if (mode != "nearest" && !kind.isFloat())
      return fail(op, "unsupported " + mode + " mode on integers");
    if (type.getNumElements() == 0 || resultType.getNumElements() == 0)
      return fail(op, "unsupported zero-size tensor");
    Value scales;
    if (!isNoValue(op.getScales()) &&
        cast<RankedTensorType>(adaptor.getScales().getType())
                .getNumElements() == rank)
      scales = adaptor.getScales();
    Value roi;
    if (ctm == "tf_crop_and_resize") {
      if (isNoValue(op.getRoi()) ||
          cast<RankedTensorType>(adaptor.getRoi().getType()).getNumElements() !=
              2 * rank)
        return fail(op, "tf_crop_and_resize needs a roi of 2 * rank values");
      roi = adaptor.getRoi();
    }
    SmallVector<int64_t> resized;
    for (int64_t d = 0; d < rank; ++d)
      if (type.getDimSize(d) != resultType.getDimSize(d) || roi)
        resized.push_back(d);
    double a = toDouble(op.getCubicCoeffA());
    bool excludeOutside = op.getExcludeOutside() != 0;
    double extrapolation = toDouble(op.getExtrapolationValue());

    Value result = buildElementwise(
        rewriter, op.getLoc(), resultType, ValueRange{},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          Type f32 = b.getF32Type();
          auto cst = [&](double v) { return createScalar(b, l, f32, v); };
          auto extract1 = [&](Value t, int64_t i) -> Value {
            Value v = tensor::ExtractOp::create(
                b, l, t, ValueRange{arith::ConstantIndexOp::create(b, l, i)});
            auto ft = cast<FloatType>(v.getType());
            if (ft.getWidth() < 32)
              return arith::ExtFOp::create(b, l, f32, v);
            if (ft.getWidth() > 32)
              return arith::TruncFOp::create(b, l, f32, v);
            return v;
          };
          auto toIndex = [&](Value f) -> Value {
            Value i = arith::FPToSIOp::create(b, l, b.getI64Type(), f);
            return arith::IndexCastOp::create(b, l, b.getIndexType(), i);
          };
          auto clampIndex = [&](Value i, int64_t size) -> Value {
            Value zero = arith::ConstantIndexOp::create(b, l, 0);
            Value last = arith::ConstantIndexOp::create(b, l, size - 1);
            return arith::MinSIOp::create(
                b, l, arith::MaxSIOp::create(b, l, i, zero), last);
          };

          // Source coordinate of every resized dim.
          Value outside = createScalar(b, l, b.getI1Type(), 0);
          SmallVector<Value> coords(rank);
          SmallVector<Value> sourceX(rank);
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            if (!llvm::is_contained(resized, d)) {
              coords[d] = i;
              continue;
            }
            int64_t in = type.getDimSize(d), out = resultType.getDimSize(d);
            Value xr = arith::SIToFPOp::create(
                b, l, f32, arith::IndexCastOp::create(b, l, b.getI64Type(), i));
            Value scale =
                scales
                    ? extract1(scales, d)
                    : cst(static_cast<double>(out) / static_cast<double>(in));
            Value xo;
            if (ctm == "half_pixel" || ctm == "pytorch_half_pixel") {
              xo = arith::SubFOp::create(
                  b, l,
                  arith::DivFOp::create(
                      b, l, arith::AddFOp::create(b, l, xr, cst(0.5)), scale),
                  cst(0.5));
              if (ctm == "pytorch_half_pixel" && out <= 1)
                xo = cst(0.0);
            } else if (ctm == "align_corners" && scales) {
              // The resized length is in * scale, not the rounded size.
              Value len = arith::MulFOp::create(
                  b, l, cst(static_cast<double>(in)), scale);
              Value denom = arith::SubFOp::create(b, l, len, cst(1.0));
              Value single = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OEQ, denom, cst(0.0));
              Value ratio = arith::DivFOp::create(
                  b, l, cst(static_cast<double>(in - 1)), denom);
              xo = arith::SelectOp::create(
                  b, l, single, cst(0.0),
                  arith::MulFOp::create(b, l, xr, ratio));
            } else if (ctm == "align_corners") {
              xo = out <= 1 ? cst(0.0)
                            : arith::MulFOp::create(
                                  b, l, xr,
                                  cst(static_cast<double>(in - 1) /
                                      static_cast<double>(out - 1)));
            } else if (ctm == "asymmetric") {
              xo = arith::DivFOp::create(b, l, xr, scale);
            } else if (ctm == "tf_half_pixel_for_nn") {
              xo = arith::DivFOp::create(
                  b, l, arith::AddFOp::create(b, l, xr, cst(0.5)), scale);
            } else {
              Value start = extract1(roi, d), end = extract1(roi, rank + d);
              Value span = cst(static_cast<double>(in - 1));
              if (out > 1) {
                Value step = arith::DivFOp::create(
                    b, l,
                    arith::MulFOp::create(
                        b, l, arith::SubFOp::create(b, l, end, start), span),
                    cst(static_cast<double>(out - 1)));
                xo = arith::AddFOp::create(
                    b, l, arith::MulFOp::create(b, l, start, span),
                    arith::MulFOp::create(b, l, xr, step));
              } else {
                xo = arith::MulFOp::create(
                    b, l,
                    arith::MulFOp::create(
                        b, l, arith::AddFOp::create(b, l, start, end),
                        cst(0.5)),
                    span);
              }
              Value below = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OLT, xo, cst(0.0));
              Value above =
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, xo,
                                        cst(static_cast<double>(in - 1)));
              outside = arith::OrIOp::create(
                  b, l, outside, arith::OrIOp::create(b, l, below, above));
            }
            sourceX[d] = xo;
            if (mode == "nearest") {
              Value r;
              if (nearestMode == "floor") {
                r = math::FloorOp::create(b, l, xo);
              } else if (nearestMode == "ceil") {
                r = math::CeilOp::create(b, l, xo);
              } else {
                // Round half down (prefer floor) or half up (prefer ceil).
                Value fl = math::FloorOp::create(b, l, xo);
                Value frac = arith::SubFOp::create(b, l, xo, fl);
                Value up =
                    arith::CmpFOp::create(b, l,
                                          nearestMode == "round_prefer_floor"
                                              ? arith::CmpFPredicate::OGT
                                              : arith::CmpFPredicate::OGE,
                                          frac, cst(0.5));
                r = arith::SelectOp::create(
                    b, l, up, arith::AddFOp::create(b, l, fl, cst(1.0)), fl);
              }
              coords[d] = clampIndex(toIndex(r), in);
            }
          }

          Value value;
          if (mode == "nearest") {
            value = tensor::ExtractOp::create(b, l, x, coords);
          } else {
            // Taps and weights per resized dim.
            int64_t taps = mode == "linear" ? 2 : 4;
            SmallVector<SmallVector<Value>> tapIndex, tapWeight;
            for (int64_t d : resized) {
              int64_t in = type.getDimSize(d);
              Value fl = math::FloorOp::create(b, l, sourceX[d]);
              Value t = arith::SubFOp::create(b, l, sourceX[d], fl);
              Value base = toIndex(fl);
              SmallVector<Value> idx, w;
              SmallVector<int64_t> offsets =
                  taps == 2 ? SmallVector<int64_t>{0, 1}
                            : SmallVector<int64_t>{-1, 0, 1, 2};
              if (taps == 2) {
                w = {arith::SubFOp::create(b, l, cst(1.0), t), t};
              } else {
                // Keys' cubic convolution with coefficient a at distances
                // 1 + t, t, 1 - t, 2 - t.
                auto near = [&](Value s) -> Value {
                  // ((a + 2) s - (a + 3)) s^2 + 1
                  Value p = arith::SubFOp::create(
                      b, l, arith::MulFOp::create(b, l, cst(a + 2), s),
                      cst(a + 3));
                  return arith::AddFOp::create(
                      b, l,
                      arith::MulFOp::create(b, l, p,
                                            arith::MulFOp::create(b, l, s, s)),
                      cst(1.0));
                };
                auto far = [&](Value s) -> Value {
                  // ((a s - 5 a) s + 8 a) s - 4 a
                  Value p = arith::SubFOp::create(
                      b, l, arith::MulFOp::create(b, l, cst(a), s), cst(5 * a));
                  p = arith::AddFOp::create(
                      b, l, arith::MulFOp::create(b, l, p, s), cst(8 * a));
                  return arith::SubFOp::create(
                      b, l, arith::MulFOp::create(b, l, p, s), cst(4 * a));
                };
                Value oneMinus = arith::SubFOp::create(b, l, cst(1.0), t);
                w = {far(arith::AddFOp::create(b, l, t, cst(1.0))), near(t),
                     near(oneMinus),
                     far(arith::AddFOp::create(b, l, oneMinus, cst(1.0)))};
              }
              Value sum = cst(0.0);
              for (int64_t k = 0; k < taps; ++k) {
                Value raw = arith::AddIOp::create(
                    b, l, base,
                    arith::ConstantIndexOp::create(b, l, offsets[k]));
                if (excludeOutside) {
                  Value zero = arith::ConstantIndexOp::create(b, l, 0);
                  Value last = arith::ConstantIndexOp::create(b, l, in - 1);
                  Value inside = arith::AndIOp::create(
                      b, l,
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                            raw, zero),
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::sle,
                                            raw, last));
                  w[k] = arith::SelectOp::create(b, l, inside, w[k], cst(0.0));
                  sum = arith::AddFOp::create(b, l, sum, w[k]);
                }
                idx.push_back(clampIndex(raw, in));
              }
              if (excludeOutside)
                for (Value &wk : w)
                  wk = arith::DivFOp::create(b, l, wk, sum);
              tapIndex.push_back(idx);
              tapWeight.push_back(w);
            }
            // Sum over every combination of taps.
            Value acc = cst(0.0);
            int64_t combos = 1;
            for (size_t r = 0; r < resized.size(); ++r)
              combos *= taps;
            for (int64_t c = 0; c < combos; ++c) {
              SmallVector<Value> at(coords);
              Value weight = cst(1.0);
              int64_t rest = c;
              for (size_t r = 0; r < resized.size(); ++r) {
                int64_t k = rest % taps;
                rest /= taps;
                at[resized[r]] = tapIndex[r][k];
                weight = arith::MulFOp::create(b, l, weight, tapWeight[r][k]);
              }
              Value v = tensor::ExtractOp::create(b, l, x, at);
              v = convertScalar(b, l, v, kind, f32, false);
              acc = arith::AddFOp::create(
                  b, l, acc, arith::MulFOp::create(b, l, v, weight));
            }
            value = convertScalar(b, l, acc, ScalarKind{f32, false}, kind.type,
                                  false);
          }
          if (roi)
            value = arith::SelectOp::create(
                b, l, outside, createScalar(b, l, kind.type, extrapolation),
                value);
          return value;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

/// Pad in edge or reflect mode: every output element reads its mirrored or
/// clamped source element.
Value zellige::onnx_to_linalg::buildIndexPad(OpBuilder &b, Location loc,
                                             Value input, ArrayRef<int64_t> low,
                                             RankedTensorType resultType,
                                             bool reflect) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  return buildElementwise(
      b, loc, resultType, ValueRange{},
      [&](OpBuilder &nb, Location l, ValueRange) -> Value {
        SmallVector<Value> coords;
        for (int64_t d = 0; d < rank; ++d) {
          int64_t n = type.getDimSize(d);
          Value i = linalg::IndexOp::create(nb, l, d);
          if (low[d] == 0 && n == resultType.getDimSize(d)) {
            coords.push_back(i);
            continue;
          }
          Value p = arith::SubIOp::create(
              nb, l, i, arith::ConstantIndexOp::create(nb, l, low[d]));
          Value zero = arith::ConstantIndexOp::create(nb, l, 0);
          Value last = arith::ConstantIndexOp::create(nb, l, n - 1);
          if (reflect && n > 1) {
            // Reflect around 0 and n - 1 (one bounce: pads are below n).
            Value negative = arith::CmpIOp::create(
                nb, l, arith::CmpIPredicate::slt, p, zero);
            p = arith::SelectOp::create(
                nb, l, negative, arith::SubIOp::create(nb, l, zero, p), p);
            Value over = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sgt,
                                               p, last);
            Value twice = arith::ConstantIndexOp::create(nb, l, 2 * (n - 1));
            p = arith::SelectOp::create(
                nb, l, over, arith::SubIOp::create(nb, l, twice, p), p);
          }
          p = arith::MinSIOp::create(
              nb, l, arith::MaxSIOp::create(nb, l, p, zero), last);
          coords.push_back(p);
        }
        return tensor::ExtractOp::create(nb, l, input, coords);
      });
}

void zellige::onnx_to_linalg::populateIndexingPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    ErrorState &errors) {
  using namespace ONNX;
  patterns.add<
      ArgLowering<ArgMaxOp>, ArgLowering<ArgMinOp>, HardmaxLowering,
      TriluLowering, EyeLikeLowering, RangeLowering, OneHotLowering,
      GatherElementsLowering, TileLowering, CumSumLowering,
      SpaceDepthLowering<DepthToSpaceOp>, SpaceDepthLowering<SpaceToDepthOp>,
      CastLikeLowering, PReluLowering, ScatterElementsLowering,
      ScatterNDLowering, GatherNDLowering, WindowLowering<HannWindowOp>,
      WindowLowering<HammingWindowOp>, WindowLowering<BlackmanWindowOp>,
      ResizeLowering, ReverseSequenceLowering>(converter, patterns.getContext(),
                                               errors);
}
