//===- Reduction.cpp - Lower onnx reductions and normalizations -*- C++ -*-===//
//
// This file implements the lowering of the onnx Reduce* operators (axes as
// attributes, constants, or run-time values that the result type
// determines), Softmax, LogSoftmax, LayerNormalization,
// InstanceNormalization, MeanVarianceNormalization and LRN to reduction
// linalg.generic ops (result dims dropped, keepdims restored with
// tensor.expand_shape) and elementwise generics that read the reduced
// tensors through projected maps.
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

using namespace mlir;
using namespace zellige;
using namespace zellige::onnx_to_linalg;

namespace {

enum class ReduceKind {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  L1,
  L2,
  SumSquare,
  LogSumExp,
  LogSum
};

int64_t product(ArrayRef<int64_t> shape, ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= shape[d];
  return n;
}

/// Normalizes `axes` against `rank`, sorted and unique; std::nullopt when an
/// axis is out of range.
std::optional<SmallVector<int64_t>> normalizeAxes(ArrayRef<int64_t> axes,
                                                  int64_t rank) {
  SmallVector<int64_t> result;
  for (int64_t axis : axes) {
    std::optional<int64_t> a = normalizeAxis(axis, rank);
    if (!a)
      return std::nullopt;
    result.push_back(*a);
  }
  llvm::sort(result);
  result.erase(llvm::unique(result), result.end());
  return result;
}

/// The reduced dims that turn `in` into `out` when `count` axes are reduced
/// (`count` < 0: unknown), if exactly one choice does; dims of size 1 are
/// never counted as reduced with keepdims, where they make no difference.
std::optional<SmallVector<int64_t>> inferAxes(ArrayRef<int64_t> in,
                                              ArrayRef<int64_t> out,
                                              int64_t count, bool keepdims) {
  int64_t rank = static_cast<int64_t>(in.size());
  if (count == 0)
    return SmallVector<int64_t>();
  if (keepdims) {
    if (static_cast<int64_t>(out.size()) != rank)
      return std::nullopt;
    SmallVector<int64_t> dims;
    for (int64_t d = 0; d < rank; ++d) {
      if (in[d] == out[d])
        continue;
      if (out[d] != 1)
        return std::nullopt;
      dims.push_back(d);
    }
    if (dims.empty())
      return std::nullopt;
    return dims;
  }
  int64_t removed = rank - static_cast<int64_t>(out.size());
  if (removed <= 0 || (count > 0 && count != removed) || rank > 16)
    return std::nullopt;
  std::optional<SmallVector<int64_t>> found;
  for (uint32_t mask = 0; mask < (1u << rank); ++mask) {
    if (llvm::popcount(mask) != removed)
      continue;
    SmallVector<int64_t> kept, dims;
    for (int64_t d = 0; d < rank; ++d) {
      if (mask & (1u << d))
        dims.push_back(d);
      else
        kept.push_back(in[d]);
    }
    if (ArrayRef(kept) != out)
      continue;
    if (found)
      return std::nullopt;
    found = dims;
  }
  return found;
}

template <typename OpTy> struct ReduceLowering : ONNXLowering<OpTy> {
  using Adaptor = typename ONNXLowering<OpTy>::Adaptor;

  ReduceLowering(const TypeConverter &converter, MLIRContext *ctx,
                 ErrorState &errors, ReduceKind reduceKind)
      : ONNXLowering<OpTy>(converter, ctx, errors), reduceKind(reduceKind) {}

  LogicalResult lower(OpTy op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getData();
    auto inputType = cast<RankedTensorType>(input.getType());
    RankedTensorType resultType = this->convertType(op.getType());
    ScalarKind kind = this->kindOf(op.getData().getType());
    int64_t rank = inputType.getRank();

    SmallVector<int64_t> axes;
    bool noopWithEmptyAxes = false;
    if constexpr (std::is_same_v<OpTy, ONNX::ReduceSumOp>) {
      noopWithEmptyAxes = op.getNoopWithEmptyAxes() != 0;
      if (!isNoValue(op.getAxes())) {
        std::optional<SmallVector<int64_t>> values =
            getConstantInts(adaptor.getAxes());
        if (!values) {
          // Axes known only at run time: the static result type determines
          // them when exactly one choice of reduced dims produces it.
          std::optional<SmallVector<int64_t>> inferred =
              inferAxes(inputType.getShape(), resultType.getShape(),
                        cast<RankedTensorType>(adaptor.getAxes().getType())
                            .getNumElements(),
                        op.getKeepdims() != 0);
          if (!inferred)
            return this->fail(op, "unsupported non-constant axes that the "
                                  "result type does not determine");
          if (inferred->empty() && !noopWithEmptyAxes)
            for (int64_t i = 0; i < rank; ++i)
              inferred->push_back(i);
          if (inferred->empty()) {
            rewriter.replaceOp(op, input);
            return success();
          }
          values = inferred;
        }
        axes = *values;
      }
    } else {
      axes = getI64Array(op.getAxes());
    }
    if (axes.empty()) {
      if (noopWithEmptyAxes) {
        rewriter.replaceOp(op, input);
        return success();
      }
      for (int64_t i = 0; i < rank; ++i)
        axes.push_back(i);
    }
    std::optional<SmallVector<int64_t>> dims = normalizeAxes(axes, rank);
    if (!dims)
      return this->fail(op, "axis out of range for rank " + Twine(rank));
    if (resultType.getNumElements() !=
        inputType.getNumElements() /
            std::max<int64_t>(product(inputType.getShape(), *dims), 1))
      return this->fail(op, "result type " + this->typeString(op.getType()) +
                                " does not match the reduction");
    bool needsFloat = reduceKind == ReduceKind::L2 ||
                      reduceKind == ReduceKind::LogSumExp ||
                      reduceKind == ReduceKind::LogSum;
    if (needsFloat && !kind.isFloat())
      return this->fail(op, "unsupported integer element type");

    Value init;
    switch (reduceKind) {
    case ReduceKind::Max:
      init = createLowest(rewriter, loc, kind);
      break;
    case ReduceKind::Min:
      init = createHighest(rewriter, loc, kind);
      break;
    case ReduceKind::Prod:
      init = createScalar(rewriter, loc, kind.type, 1);
      break;
    default:
      init = createScalar(rewriter, loc, kind.type, 0);
      break;
    }
    ReduceKind rk = reduceKind;
    Value reduced;
    Value max;
    SmallVector<AffineMap> maps;
    SmallVector<Value> inputs{input};
    if (rk == ReduceKind::LogSumExp) {
      // log(sum(exp(x - max))) + max, numerically stable.
      max = buildReduction(rewriter, loc, inputType.getShape(), *dims,
                           kind.type, createLowest(rewriter, loc, kind), input,
                           [&](OpBuilder &b, Location l, ValueRange a) {
                             return buildMax(b, l, kind, a[0], a[1]);
                           });
      inputs.push_back(max);
      maps = {rewriter.getMultiDimIdentityMap(rank),
              getReducedMap(rewriter.getContext(), rank, *dims)};
    }
    reduced = buildReduction(
        rewriter, loc, inputType.getShape(), *dims, kind.type, init, inputs,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value x = a[0], acc = a.back();
          switch (rk) {
          case ReduceKind::Max:
            return buildMax(b, l, kind, x, acc);
          case ReduceKind::Min:
            return buildMin(b, l, kind, x, acc);
          case ReduceKind::Prod:
            return buildMul(b, l, kind, x, acc);
          case ReduceKind::L1:
            if (kind.isFloat())
              x = math::AbsFOp::create(b, l, x);
            else if (!kind.isUnsigned)
              x = math::AbsIOp::create(b, l, x);
            return buildAdd(b, l, kind, x, acc);
          case ReduceKind::L2:
          case ReduceKind::SumSquare:
            return buildAdd(b, l, kind, buildMul(b, l, kind, x, x), acc);
          case ReduceKind::LogSumExp:
            return arith::AddFOp::create(
                b, l,
                math::ExpOp::create(b, l, arith::SubFOp::create(b, l, x, a[1])),
                acc);
          default:
            return buildAdd(b, l, kind, x, acc);
          }
        },
        maps);
    int64_t count = product(inputType.getShape(), *dims);
    if (rk == ReduceKind::Mean || rk == ReduceKind::L2 ||
        rk == ReduceKind::LogSumExp || rk == ReduceKind::LogSum) {
      auto type = cast<RankedTensorType>(reduced.getType());
      SmallVector<Value> postInputs{reduced};
      if (max)
        postInputs.push_back(max);
      reduced = buildElementwise(
          rewriter, loc, type, postInputs,
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            if (rk == ReduceKind::Mean)
              return buildDiv(
                  b, l, kind, a[0],
                  createScalar(b, l, kind.type, static_cast<double>(count)));
            if (rk == ReduceKind::L2)
              return math::SqrtOp::create(b, l, a[0]);
            if (rk == ReduceKind::LogSum)
              return math::LogOp::create(b, l, a[0]);
            return arith::AddFOp::create(b, l, math::LogOp::create(b, l, a[0]),
                                         a[1]);
          });
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, reduced, resultType));
    return success();
  }

  ReduceKind reduceKind;
};

/// Softmax and LogSoftmax over one axis (opset 13), or over every dim from
/// `axis` on when the importer marked the op `onnx.legacy_softmax` (the
/// opset < 13 semantics on the input coerced to 2-D).
template <typename OpTy> struct SoftmaxLowering : ONNXLowering<OpTy> {
  using ONNXLowering<OpTy>::ONNXLowering;
  using Adaptor = typename ONNXLowering<OpTy>::Adaptor;
  static constexpr bool isLog = std::is_same_v<OpTy, ONNX::LogSoftmaxOp>;

  LogicalResult lower(OpTy op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    ScalarKind kind = this->kindOf(op.getInput().getType());
    int64_t rank = type.getRank();
    if (rank == 0)
      return this->fail(op, "expected an input of rank 1 or more");
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (!axis)
      return this->fail(op, "axis out of range for rank " + Twine(rank));
    SmallVector<int64_t> dims{*axis};
    if (op->hasAttr("onnx.legacy_softmax"))
      for (int64_t d = *axis + 1; d < rank; ++d)
        dims.push_back(d);

    MLIRContext *ctx = rewriter.getContext();
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reducedMap = getReducedMap(ctx, rank, dims);
    Value max = buildReduction(rewriter, loc, type.getShape(), dims, kind.type,
                               createLowest(rewriter, loc, kind), input,
                               [&](OpBuilder &b, Location l, ValueRange a) {
                                 return buildMax(b, l, kind, a[0], a[1]);
                               });
    Value result;
    if constexpr (isLog) {
      // sum(exp(x - max)) in one reduction, then (x - max) - log(sum).
      Value sum = buildReduction(
          rewriter, loc, type.getShape(), dims, kind.type,
          createScalar(rewriter, loc, kind.type, 0), ValueRange{input, max},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value e = math::ExpOp::create(
                b, l, arith::SubFOp::create(b, l, a[0], a[1]));
            return arith::AddFOp::create(b, l, e, a[2]);
          },
          {id, reducedMap});
      result = buildElementwise(
          rewriter, loc, type, ValueRange{input, max, sum},
          [](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value shifted = arith::SubFOp::create(b, l, a[0], a[1]);
            return arith::SubFOp::create(b, l, shifted,
                                         math::LogOp::create(b, l, a[2]));
          },
          {id, reducedMap, reducedMap});
    } else {
      // e = exp(x - max), then e / sum(e).
      Value exps =
          buildElementwise(rewriter, loc, type, ValueRange{input, max},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return math::ExpOp::create(
                                 b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                           },
                           {id, reducedMap});
      Value sum =
          buildReduction(rewriter, loc, type.getShape(), dims, kind.type,
                         createScalar(rewriter, loc, kind.type, 0), exps,
                         [&](OpBuilder &b, Location l, ValueRange a) {
                           return buildAdd(b, l, kind, a[0], a[1]);
                         });
      result =
          buildElementwise(rewriter, loc, type, ValueRange{exps, sum},
                           [](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return arith::DivFOp::create(b, l, a[0], a[1]);
                           },
                           {id, reducedMap});
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// LayerNormalization over the dims from `axis` on: two reductions (sum and
/// centered sum of squares) and one normalizing generic.
struct LayerNormLowering : ONNXLowering<ONNX::LayerNormalizationOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::LayerNormalizationOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto type = cast<RankedTensorType>(x.getType());
    RankedTensorType resultType = convertType(op.getY().getType());
    ScalarKind kind = kindOf(op.getX().getType());
    int64_t rank = type.getRank();
    std::optional<int64_t> axis =
        normalizeAxis(static_cast<int64_t>(op.getAxis()), rank);
    if (!axis)
      return fail(op, "axis out of range for rank " + Twine(rank));
    SmallVector<int64_t> dims;
    for (int64_t d = *axis; d < rank; ++d)
      dims.push_back(d);
    int64_t count = product(type.getShape(), dims);
    double epsilon = toDouble(op.getEpsilon());
    Value scale = adaptor.getScale();
    Value bias = isNoValue(op.getB()) ? Value() : adaptor.getB();
    for (Value v : {scale, bias}) {
      if (!v)
        continue;
      auto shape = broadcastShapes(
          cast<RankedTensorType>(v.getType()).getShape(), type.getShape());
      if (!shape || ArrayRef(*shape) != type.getShape())
        return fail(op, "Scale and B must broadcast to X");
    }

    // Statistics are computed in f32 for 16-bit inputs when stash_type is 1.
    ScalarKind acc = kind;
    if (op.getStashType() == 1 && kind.type.getIntOrFloatBitWidth() < 32)
      acc.type = rewriter.getF32Type();
    auto widen = [&](OpBuilder &b, Location l, Value v) {
      return convertScalar(b, l, v, kind, acc.type, false);
    };
    MLIRContext *ctx = rewriter.getContext();
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reducedMap = getReducedMap(ctx, rank, dims);
    auto invCount = [&](OpBuilder &b, Location l) {
      return createScalar(b, l, acc.type, 1.0 / static_cast<double>(count));
    };

    Value sum = buildReduction(
        rewriter, loc, type.getShape(), dims, acc.type,
        createScalar(rewriter, loc, acc.type, 0), x,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::AddFOp::create(b, l, widen(b, l, a[0]), a[1]);
        });
    Value squares = buildReduction(
        rewriter, loc, type.getShape(), dims, acc.type,
        createScalar(rewriter, loc, acc.type, 0), ValueRange{x, sum},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value mean = arith::MulFOp::create(b, l, a[1], invCount(b, l));
          Value d = arith::SubFOp::create(b, l, widen(b, l, a[0]), mean);
          return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, d, d),
                                       a[2]);
        },
        {id, reducedMap});
    auto invStdDev = [&](OpBuilder &b, Location l, Value sq) -> Value {
      Value var = arith::MulFOp::create(b, l, sq, invCount(b, l));
      Value eps = createScalar(b, l, acc.type, epsilon);
      // 1 / sqrt rather than math.rsqrt: upstream lowers rsqrt to an x86
      // intrinsic op on some paths, which host LLVM translation rejects.
      Value root =
          math::SqrtOp::create(b, l, arith::AddFOp::create(b, l, var, eps));
      return arith::DivFOp::create(b, l, createScalar(b, l, acc.type, 1.0),
                                   root);
    };

    SmallVector<Value> inputs{x, sum, squares, scale};
    SmallVector<AffineMap> maps{
        id, reducedMap, reducedMap,
        getBroadcastMap(ctx, cast<RankedTensorType>(scale.getType()).getShape(),
                        type.getShape())};
    if (bias) {
      inputs.push_back(bias);
      maps.push_back(getBroadcastMap(
          ctx, cast<RankedTensorType>(bias.getType()).getShape(),
          type.getShape()));
    }
    Value y = buildElementwise(
        rewriter, loc, resultType, inputs,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value mean = arith::MulFOp::create(b, l, a[1], invCount(b, l));
          Value centered = arith::SubFOp::create(b, l, widen(b, l, a[0]), mean);
          Value normalized =
              arith::MulFOp::create(b, l, centered, invStdDev(b, l, a[2]));
          Value r = arith::MulFOp::create(b, l, normalized, widen(b, l, a[3]));
          if (bias)
            r = arith::AddFOp::create(b, l, r, widen(b, l, a[4]));
          return convertScalar(b, l, r, acc, kind.type, false);
        },
        maps);

    // The optional Mean and InvStdDev outputs, with the reduced dims kept.
    SmallVector<Value> results{y};
    for (auto [index, output] :
         llvm::enumerate(op->getResults().drop_front())) {
      if (output.use_empty()) {
        results.push_back(Value());
        continue;
      }
      RankedTensorType outType = convertType(output.getType());
      auto reducedType = RankedTensorType::get(
          cast<RankedTensorType>(sum.getType()).getShape(),
          outType.getElementType());
      bool isMean = index == 0;
      Value stat = buildElementwise(
          rewriter, loc, reducedType, isMean ? sum : squares,
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value v = isMean ? arith::MulFOp::create(b, l, a[0], invCount(b, l))
                             : invStdDev(b, l, a[0]);
            return convertScalar(b, l, v, acc, outType.getElementType(), false);
          });
      results.push_back(reshapeTo(rewriter, loc, stat, outType));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// Mean and variance of `x` over `dims` (sorted): returns the mean and the
/// (biased) variance as tensors without those dims.
std::pair<Value, Value> buildMoments(OpBuilder &b, Location loc, Value x,
                                     ArrayRef<int64_t> dims, ScalarKind kind) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  double inv = 1.0 / static_cast<double>(
                         std::max<int64_t>(product(type.getShape(), dims), 1));
  AffineMap id = b.getMultiDimIdentityMap(rank);
  AffineMap reducedMap = getReducedMap(ctx, rank, dims);
  Value sum = buildReduction(b, loc, type.getShape(), dims, kind.type,
                             createScalar(b, loc, kind.type, 0), x,
                             [&](OpBuilder &nb, Location l, ValueRange a) {
                               return arith::AddFOp::create(nb, l, a[0], a[1]);
                             });
  auto reducedType = cast<RankedTensorType>(sum.getType());
  Value mean = buildElementwise(
      b, loc, reducedType, sum, [&](OpBuilder &nb, Location l, ValueRange a) {
        return arith::MulFOp::create(nb, l, a[0],
                                     createScalar(nb, l, kind.type, inv));
      });
  Value squares =
      buildReduction(b, loc, type.getShape(), dims, kind.type,
                     createScalar(b, loc, kind.type, 0), ValueRange{x, mean},
                     [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                       Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
                       return arith::AddFOp::create(
                           nb, l, arith::MulFOp::create(nb, l, d, d), a[2]);
                     },
                     {id, reducedMap});
  Value var =
      buildElementwise(b, loc, reducedType, squares,
                       [&](OpBuilder &nb, Location l, ValueRange a) {
                         return arith::MulFOp::create(
                             nb, l, a[0], createScalar(nb, l, kind.type, inv));
                       });
  return {mean, var};
}

/// InstanceNormalization: per (n, c) statistics over the spatial dims, then
/// scale[c] and B[c].
struct InstanceNormLowering : ONNXLowering<ONNX::InstanceNormalizationOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::InstanceNormalizationOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    ScalarKind kind = kindOf(op.getInput().getType());
    if (rank < 3)
      return fail(op, "expected an input of rank 3 or more");
    int64_t c = type.getDimSize(1);
    for (Value v : {adaptor.getScale(), adaptor.getB()})
      if (cast<RankedTensorType>(v.getType()).getShape() !=
          ArrayRef<int64_t>{c})
        return fail(op, "scale and B must have shape [" + Twine(c) + "]");
    SmallVector<int64_t> dims;
    for (int64_t d = 2; d < rank; ++d)
      dims.push_back(d);
    auto [mean, var] = buildMoments(rewriter, loc, x, dims, kind);
    MLIRContext *ctx = rewriter.getContext();
    AffineMap reducedMap = getReducedMap(ctx, rank, dims);
    AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    double epsilon = toDouble(op.getEpsilon());
    Value y = buildElementwise(
        rewriter, loc, type,
        ValueRange{x, mean, var, adaptor.getScale(), adaptor.getB()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value root = math::SqrtOp::create(
              b, l,
              arith::AddFOp::create(b, l, a[2],
                                    createScalar(b, l, kind.type, epsilon)));
          Value norm = arith::DivFOp::create(
              b, l, arith::SubFOp::create(b, l, a[0], a[1]), root);
          return arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, norm, a[3]), a[4]);
        },
        {rewriter.getMultiDimIdentityMap(rank), reducedMap, reducedMap, channel,
         channel});
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// MeanVarianceNormalization: (x - mean) / (sqrt(var) + 1e-9) over `axes`.
struct MVNLowering : ONNXLowering<ONNX::MeanVarianceNormalizationOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::MeanVarianceNormalizationOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    ScalarKind kind = kindOf(op.getX().getType());
    std::optional<SmallVector<int64_t>> dims =
        normalizeAxes(getI64Array(op.getAxes()), rank);
    if (!dims || dims->empty())
      return fail(op, "axes out of range for rank " + Twine(rank));
    auto [mean, var] = buildMoments(rewriter, loc, x, *dims, kind);
    AffineMap reducedMap = getReducedMap(rewriter.getContext(), rank, *dims);
    Value y = buildElementwise(
        rewriter, loc, type, ValueRange{x, mean, var},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value root =
              arith::AddFOp::create(b, l, math::SqrtOp::create(b, l, a[2]),
                                    createScalar(b, l, kind.type, 1e-9));
          return arith::DivFOp::create(
              b, l, arith::SubFOp::create(b, l, a[0], a[1]), root);
        },
        {rewriter.getMultiDimIdentityMap(rank), reducedMap, reducedMap});
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// LRN: y = x / (bias + alpha / size * sum of x^2 over a channel window)^beta,
/// the window sum a reduction over the zero-padded squares.
struct LRNLowering : ONNXLowering<ONNX::LRNOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::LRNOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto type = cast<RankedTensorType>(x.getType());
    int64_t rank = type.getRank();
    ScalarKind kind = kindOf(op.getX().getType());
    int64_t size = static_cast<int64_t>(op.getSize());
    if (rank < 3 || size <= 0)
      return fail(op, "expected an input of rank 3 or more and a positive "
                      "size");
    Value squares = buildElementwise(
        rewriter, loc, type, x, [](OpBuilder &b, Location l, ValueRange a) {
          return arith::MulFOp::create(b, l, a[0], a[0]);
        });
    SmallVector<int64_t> low(rank, 0), high(rank, 0);
    low[1] = (size - 1) / 2;
    high[1] = size - 1 - low[1];
    Value padded = padTensor(rewriter, loc, squares, low, high,
                             createScalar(rewriter, loc, kind.type, 0));
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<int64_t> loopShape(type.getShape());
    loopShape.push_back(size);
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      exprs.push_back(d == 1 ? getAffineDimExpr(1, ctx) +
                                   getAffineDimExpr(rank, ctx)
                             : getAffineDimExpr(d, ctx));
    Value window =
        createEmpty(rewriter, loc, RankedTensorType::get({size}, kind.type));
    Value sum = buildReduction(
        rewriter, loc, loopShape, {rank}, kind.type,
        createScalar(rewriter, loc, kind.type, 0), ValueRange{padded, window},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::AddFOp::create(b, l, a[0], a[2]);
        },
        {AffineMap::get(rank + 1, 0, exprs, ctx),
         AffineMap::get(rank + 1, 0, getAffineDimExpr(rank, ctx))});
    double alpha = toDouble(op.getAlpha()), beta = toDouble(op.getBeta()),
           bias = toDouble(op.getBias());
    Value y = buildElementwise(
        rewriter, loc, type, ValueRange{x, sum},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value scaled = arith::MulFOp::create(
              b, l, a[1],
              createScalar(b, l, kind.type, alpha / static_cast<double>(size)));
          Value base = arith::AddFOp::create(
              b, l, scaled, createScalar(b, l, kind.type, bias));
          Value denom = math::PowFOp::create(
              b, l, base, createScalar(b, l, kind.type, beta));
          return arith::DivFOp::create(b, l, a[0], denom);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

template <typename OpTy>
void addReduce(RewritePatternSet &patterns, const TypeConverter &converter,
               ErrorState &errors, ReduceKind kind) {
  patterns.add<ReduceLowering<OpTy>>(converter, patterns.getContext(), errors,
                                     kind);
}

} // namespace

void zellige::onnx_to_linalg::populateReductionPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    ErrorState &errors) {
  using namespace ONNX;
  addReduce<ReduceSumOp>(patterns, converter, errors, ReduceKind::Sum);
  addReduce<ReduceMeanOp>(patterns, converter, errors, ReduceKind::Mean);
  addReduce<ReduceMaxOp>(patterns, converter, errors, ReduceKind::Max);
  addReduce<ReduceMinOp>(patterns, converter, errors, ReduceKind::Min);
  addReduce<ReduceProdOp>(patterns, converter, errors, ReduceKind::Prod);
  addReduce<ReduceL1Op>(patterns, converter, errors, ReduceKind::L1);
  addReduce<ReduceL2Op>(patterns, converter, errors, ReduceKind::L2);
  addReduce<ReduceSumSquareOp>(patterns, converter, errors,
                               ReduceKind::SumSquare);
  addReduce<ReduceLogSumExpOp>(patterns, converter, errors,
                               ReduceKind::LogSumExp);
  addReduce<ReduceLogSumOp>(patterns, converter, errors, ReduceKind::LogSum);
  patterns
      .add<SoftmaxLowering<SoftmaxOp>, SoftmaxLowering<LogSoftmaxOp>,
           LayerNormLowering, InstanceNormLowering, MVNLowering, LRNLowering>(
          converter, patterns.getContext(), errors);
}
