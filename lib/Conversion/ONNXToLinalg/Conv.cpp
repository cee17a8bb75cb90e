//===- Conv.cpp - Lower onnx convolution, pooling, batch norm ---*- C++ -*-===//
//
// This file implements the lowering of onnx.Conv (1-D and 2-D; plain,
// depthwise and grouped) to the linalg convolution named ops with tensor.pad
// for the padding and the bias in the accumulator, of MaxPool/AveragePool to
// linalg pooling ops (AveragePool divides by the per-position window count),
// of the global pools to reductions, and of inference BatchNormalization to
// one affine linalg.generic.
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

using namespace mlir;
using namespace zellige;
using namespace zellige::onnx_to_linalg;

namespace {

/// The static geometry of a convolution or pooling window, per spatial dim.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padLow, padHigh;
};

/// Resolves strides, dilations and padding (explicit or auto_pad) of a
/// window over `inSpatial`. Returns an error message on bad attributes.
std::optional<std::string> resolveWindow(Window &w, ArrayRef<int64_t> inSpatial,
                                         StringRef autoPad,
                                         std::optional<ArrayAttr> strides,
                                         std::optional<ArrayAttr> dils,
                                         std::optional<ArrayAttr> pads) {
  size_t rank = inSpatial.size();
  w.strides = getI64Array(strides, SmallVector<int64_t>(rank, 1));
  w.dilations = getI64Array(dils, SmallVector<int64_t>(rank, 1));
  SmallVector<int64_t> explicitPads =
      getI64Array(pads, SmallVector<int64_t>(2 * rank, 0));
  if (w.kernel.size() != rank || w.strides.size() != rank ||
      w.dilations.size() != rank || explicitPads.size() != 2 * rank)
    return std::string("kernel_shape, strides, dilations or pads do not "
                       "match the spatial rank");
  for (size_t i = 0; i < rank; ++i)
    if (w.strides[i] <= 0 || w.dilations[i] <= 0 || w.kernel[i] <= 0)
      return std::string("non-positive kernel, stride or dilation");
  w.padLow.assign(rank, 0);
  w.padHigh.assign(rank, 0);
  if (autoPad == "NOTSET") {
    for (size_t i = 0; i < rank; ++i) {
      w.padLow[i] = explicitPads[i];
      w.padHigh[i] = explicitPads[rank + i];
      if (w.padLow[i] < 0 || w.padHigh[i] < 0)
        return std::string("negative pads");
    }
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < rank; ++i) {
      int64_t out = (inSpatial[i] + w.strides[i] - 1) / w.strides[i];
      int64_t effective = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total = std::max<int64_t>(
          (out - 1) * w.strides[i] + effective - inSpatial[i], 0);
      int64_t small = total / 2;
      w.padLow[i] = autoPad == "SAME_UPPER" ? small : total - small;
      w.padHigh[i] = total - w.padLow[i];
    }
  } else if (autoPad != "VALID") {
    return ("unsupported auto_pad '" + autoPad + "'").str();
  }
  return std::nullopt;
}

/// Output size of one spatial dim (floor rounding).
int64_t outputSize(const Window &w, ArrayRef<int64_t> in, size_t i) {
  int64_t effective = (w.kernel[i] - 1) * w.dilations[i] + 1;
  return (in[i] + w.padLow[i] + w.padHigh[i] - effective) / w.strides[i] + 1;
}

/// Checks `result` spatial sizes against the window; with `ceilMode`, grows
/// the high padding so that floor rounding yields the ceil-mode size.
std::optional<std::string> matchOutput(Window &w, ArrayRef<int64_t> in,
                                       ArrayRef<int64_t> result,
                                       bool ceilMode) {
  for (size_t i = 0; i < in.size(); ++i) {
    int64_t floorSize = outputSize(w, in, i);
    if (result[i] == floorSize)
      continue;
    if (ceilMode && result[i] == floorSize + 1) {
      int64_t effective = (w.kernel[i] - 1) * w.dilations[i] + 1;
      w.padHigh[i] += (result[i] - 1) * w.strides[i] + effective -
                      (in[i] + w.padLow[i] + w.padHigh[i]);
      continue;
    }
    return ("result spatial size " + Twine(result[i]) +
            " differs from the "
            "computed size " +
            Twine(floorSize))
        .str();
  }
  return std::nullopt;
}

/// Expands a 1-D (N, C, W) tensor to 2-D (N, C, 1, W) form; 2-D unchanged.
Value liftTo2D(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 4)
    return value;
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + 2, 1);
  return reshapeTo(b, loc, value,
                   RankedTensorType::get(shape, type.getElementType()));
}

/// Lifts a 1-D window to 2-D with a unit leading spatial dim.
void liftWindowTo2D(Window &w) {
  if (w.kernel.size() == 2)
    return;
  w.kernel.insert(w.kernel.begin(), 1);
  w.strides.insert(w.strides.begin(), 1);
  w.dilations.insert(w.dilations.begin(), 1);
  w.padLow.insert(w.padLow.begin(), 0);
  w.padHigh.insert(w.padHigh.begin(), 0);
}

Value padSpatial(OpBuilder &b, Location loc, Value value, const Window &w,
                 Value padValue) {
  SmallVector<int64_t> low{0, 0}, high{0, 0};
  llvm::append_range(low, w.padLow);
  llvm::append_range(high, w.padHigh);
  return padTensor(b, loc, value, low, high, padValue);
}

struct ConvLowering : ONNXLowering<ONNX::ConvOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ConvOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(adaptor.getX().getType());
    auto wType = cast<RankedTensorType>(adaptor.getW().getType());
    RankedTensorType resultType = convertType(op.getType());
    Type elementType = resultType.getElementType();
    int64_t rank = xType.getRank();
    if (rank != 3 && rank != 4)
      return fail(op, "unsupported Conv with " + Twine(rank - 2) +
                          " spatial dimensions (1-D and 2-D are supported)");
    if (wType.getRank() != rank || resultType.getRank() != rank)
      return fail(op, "X, W and Y ranks differ");
    int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
    int64_t m = wType.getDimSize(0);
    int64_t group = static_cast<int64_t>(op.getGroup());
    if (group <= 0 || c % group != 0 || m % group != 0 ||
        wType.getDimSize(1) != c / group)
      return fail(op, "group " + Twine(group) + " does not divide the " +
                          Twine(c) + " input and " + Twine(m) +
                          " output channels consistently with W");
    if (resultType.getDimSize(0) != n || resultType.getDimSize(1) != m)
      return fail(op, "result type " + typeString(op.getType()) +
                          " does not match the operands");
    Window w;
    w.kernel.assign(wType.getShape().begin() + 2, wType.getShape().end());
    if (auto kernelShape = op.getKernelShape())
      if (getI64Array(kernelShape) != w.kernel)
        return fail(op, "kernel_shape does not match W");
    ArrayRef<int64_t> inSpatial = xType.getShape().drop_front(2);
    if (auto error =
            resolveWindow(w, inSpatial, op.getAutoPad(), op.getStrides(),
                          op.getDilations(), op.getPads()))
      return fail(op, *error);
    if (auto error = matchOutput(w, inSpatial,
                                 resultType.getShape().drop_front(2), false))
      return fail(op, *error);
    Value bias = isNoValue(op.getB()) ? Value() : adaptor.getB();
    if (bias && cast<RankedTensorType>(bias.getType()).getShape() !=
                    ArrayRef<int64_t>{m})
      return fail(op, "bias must have shape [" + Twine(m) + "]");

    // Work in 2-D: 1-D convolutions get a unit height.
    Value x = liftTo2D(rewriter, loc, adaptor.getX());
    Value filter = liftTo2D(rewriter, loc, adaptor.getW());
    liftWindowTo2D(w);
    SmallVector<int64_t> outShape{n, m};
    if (rank == 3)
      outShape.push_back(1);
    outShape.append(resultType.getShape().begin() + 2,
                    resultType.getShape().end());
    auto outType = RankedTensorType::get(outShape, elementType);
    x = padSpatial(rewriter, loc, x, w,
                   createScalar(rewriter, loc, elementType, 0));

    // The accumulator starts from the bias (or zero).
    Value init;
    if (bias) {
      MLIRContext *ctx = rewriter.getContext();
      AffineMap channel = AffineMap::get(4, 0, getAffineDimExpr(1, ctx));
      init = buildElementwise(
          rewriter, loc, outType, bias,
          [](OpBuilder &, Location, ValueRange args) { return args[0]; },
          channel);
    } else {
      init = createFilled(rewriter, loc, outType,
                          createScalar(rewriter, loc, elementType, 0));
    }
    Attribute strides = rewriter.getI64VectorAttr(w.strides);
    Attribute dilations = rewriter.getI64VectorAttr(w.dilations);
    auto filterType = cast<RankedTensorType>(filter.getType());
    Value result;
    if (group == 1) {
      result = linalg::Conv2DNchwFchwOp::create(
                   rewriter, loc, TypeRange{outType}, ValueRange{x, filter},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
    } else if (group == c && m == c) {
      // Depthwise: one output channel per input channel.
      auto dwType = RankedTensorType::get(
          {c, filterType.getDimSize(2), filterType.getDimSize(3)}, elementType);
      Value dwFilter = reshapeTo(rewriter, loc, filter, dwType);
      result = linalg::DepthwiseConv2DNchwChwOp::create(
                   rewriter, loc, TypeRange{outType}, ValueRange{x, dwFilter},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
    } else {
      // Grouped: split the channel dims into (group, channels per group).
      auto xPadded = cast<RankedTensorType>(x.getType());
      auto gx = RankedTensorType::get(
          {n, group, c / group, xPadded.getDimSize(2), xPadded.getDimSize(3)},
          elementType);
      auto gw = RankedTensorType::get({group, m / group, c / group,
                                       filterType.getDimSize(2),
                                       filterType.getDimSize(3)},
                                      elementType);
      auto gy = RankedTensorType::get(
          {n, group, m / group, outShape[2], outShape[3]}, elementType);
      Value groupedX = tensor::ExpandShapeOp::create(
          rewriter, loc, gx, x,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
      Value groupedW = tensor::ExpandShapeOp::create(
          rewriter, loc, gw, filter,
          SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
      Value groupedInit = tensor::ExpandShapeOp::create(
          rewriter, loc, gy, init,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
      Value grouped =
          linalg::Conv2DNgchwGfchwOp::create(
              rewriter, loc, TypeRange{gy}, ValueRange{groupedX, groupedW},
              ValueRange{groupedInit}, strides, dilations)
              .getResult(0);
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, outType, grouped,
          SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, result, resultType));
    return success();
  }
};

/// Shared lowering of MaxPool and AveragePool.
template <typename OpTy> struct PoolLowering : ONNXLowering<OpTy> {
  using ONNXLowering<OpTy>::ONNXLowering;
  using Adaptor = typename ONNXLowering<OpTy>::Adaptor;
  static constexpr bool isMax = std::is_same_v<OpTy, ONNX::MaxPoolOp>;

  LogicalResult lower(OpTy op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(adaptor.getX().getType());
    RankedTensorType resultType = this->convertType(op.getY().getType());
    ScalarKind kind = this->kindOf(op.getX().getType());
    Type elementType = resultType.getElementType();
    int64_t rank = xType.getRank();
    if (rank != 3 && rank != 4)
      return this->fail(op, "unsupported pooling with " + Twine(rank - 2) +
                                " spatial dimensions (1-D and 2-D are "
                                "supported)");
    if (resultType.getRank() != rank ||
        resultType.getShape().take_front(2) != xType.getShape().take_front(2))
      return this->fail(op, "result type " +
                                this->typeString(op.getY().getType()) +
                                " does not match the input");
    std::optional<ArrayAttr> dilations;
    if constexpr (isMax) {
      if (!isNoValue(op.getIndices()) && !op.getIndices().use_empty())
        return this->fail(op, "unsupported Indices output");
      if (kind.isUnsigned)
        return this->fail(op, "unsupported unsigned element type");
      dilations = op.getDilations();
    }
    Window w;
    w.kernel = getI64Array(op.getKernelShape());
    ArrayRef<int64_t> inSpatial = xType.getShape().drop_front(2);
    if (auto error = resolveWindow(w, inSpatial, op.getAutoPad(),
                                   op.getStrides(), dilations, op.getPads()))
      return this->fail(op, *error);
    // The window count of AveragePool excludes ceil-mode's extra padding, so
    // remember the padding before matchOutput grows it.
    SmallVector<int64_t> declaredHigh = w.padHigh;
    if (auto error =
            matchOutput(w, inSpatial, resultType.getShape().drop_front(2),
                        op.getCeilMode() != 0))
      return this->fail(op, *error);

    Value x = liftTo2D(rewriter, loc, adaptor.getX());
    bool lifted = rank == 3;
    liftWindowTo2D(w);
    SmallVector<int64_t> spatial(resultType.getShape().drop_front(2));
    if (lifted) {
      spatial.insert(spatial.begin(), 1);
      declaredHigh.insert(declaredHigh.begin(), 0);
    }
    SmallVector<int64_t> outShape{resultType.getDimSize(0),
                                  resultType.getDimSize(1)};
    outShape.append(spatial);
    auto outType = RankedTensorType::get(outShape, elementType);
    Value padValue = isMax ? createLowest(rewriter, loc, kind)
                           : createScalar(rewriter, loc, elementType, 0);
    x = padSpatial(rewriter, loc, x, w, padValue);
    Value init = createFilled(rewriter, loc, outType, padValue);
    Value window = createEmpty(rewriter, loc,
                               RankedTensorType::get(w.kernel, elementType));
    Attribute strides = rewriter.getI64VectorAttr(w.strides);
    Attribute dils = rewriter.getI64VectorAttr(w.dilations);
    Value result;
    if constexpr (isMax) {
      result = linalg::PoolingNchwMaxOp::create(
                   rewriter, loc, TypeRange{outType}, ValueRange{x, window},
                   ValueRange{init}, strides, dils)
                   .getResult(0);
    } else {
      Value sum = linalg::PoolingNchwSumOp::create(
                      rewriter, loc, TypeRange{outType}, ValueRange{x, window},
                      ValueRange{init}, strides, dils)
                      .getResult(0);
      result = divideByCount(rewriter, loc, op, sum, w, declaredHigh,
                             lifted ? SmallVector<int64_t>{1, inSpatial[0]}
                                    : SmallVector<int64_t>(inSpatial),
                             kind);
    }
    replaceLeadingResults(rewriter, op,
                          reshapeTo(rewriter, loc, result, resultType));
    return success();
  }

  /// Divides the window sums by the number of elements each window counts:
  /// the input elements, plus the declared padding with count_include_pad.
  Value divideByCount(OpBuilder &b, Location loc, OpTy op, Value sum,
                      const Window &w, ArrayRef<int64_t> declaredHigh,
                      ArrayRef<int64_t> in, ScalarKind kind) const {
    bool includePad = false;
    if constexpr (!isMax)
      includePad = op.getCountIncludePad() != 0;
    auto sumType = cast<RankedTensorType>(sum.getType());
    ArrayRef<int64_t> spatial = sumType.getShape().drop_front(2);
    // counts[d][o]: elements of window o along dim d that are counted.
    SmallVector<SmallVector<int64_t>> counts(2);
    for (size_t d = 0; d < 2; ++d) {
      int64_t lo = includePad ? -w.padLow[d] : 0;
      int64_t hi = includePad ? in[d] + declaredHigh[d] : in[d];
      for (int64_t o = 0; o < spatial[d]; ++o) {
        int64_t start = o * w.strides[d] - w.padLow[d], count = 0;
        for (int64_t j = 0; j < w.kernel[d]; ++j) {
          int64_t pos = start + j * w.dilations[d];
          count += pos >= lo && pos < hi;
        }
        counts[d].push_back(std::max<int64_t>(count, 1));
      }
    }
    bool uniform = llvm::all_equal(counts[0]) && llvm::all_equal(counts[1]);
    if (uniform) {
      double divisor = static_cast<double>(counts[0][0] * counts[1][0]);
      return buildElementwise(
          b, loc, sumType, sum, [&](OpBuilder &nb, Location l, ValueRange a) {
            return arith::DivFOp::create(
                nb, l, a[0], createScalar(nb, l, kind.type, divisor));
          });
    }
    SmallVector<double> divisors;
    for (int64_t c0 : counts[0])
      for (int64_t c1 : counts[1])
        divisors.push_back(static_cast<double>(c0 * c1));
    auto divType = RankedTensorType::get(spatial, kind.type);
    SmallVector<Attribute> values;
    for (double d : divisors)
      values.push_back(FloatAttr::get(kind.type, d));
    Value divTensor = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(divType, values));
    MLIRContext *ctx = b.getContext();
    SmallVector<AffineMap> maps{
        b.getMultiDimIdentityMap(4),
        AffineMap::get(
            4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx)};
    return buildElementwise(
        b, loc, sumType, ValueRange{sum, divTensor},
        [](OpBuilder &nb, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(nb, l, a[0], a[1]);
        },
        maps);
  }
};

/// GlobalAveragePool / GlobalMaxPool: reduce all spatial dims.
template <typename OpTy> struct GlobalPoolLowering : ONNXLowering<OpTy> {
  using ONNXLowering<OpTy>::ONNXLowering;
  using Adaptor = typename ONNXLowering<OpTy>::Adaptor;
  static constexpr bool isMax = std::is_same_v<OpTy, ONNX::GlobalMaxPoolOp>;

  LogicalResult lower(OpTy op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(adaptor.getX().getType());
    RankedTensorType resultType = this->convertType(op.getY().getType());
    ScalarKind kind = this->kindOf(op.getX().getType());
    int64_t rank = xType.getRank();
    if (rank < 3)
      return this->fail(op, "expected an input of rank 3 or more");
    SmallVector<int64_t> dims;
    int64_t count = 1;
    for (int64_t d = 2; d < rank; ++d) {
      dims.push_back(d);
      count *= xType.getDimSize(d);
    }
    Value init = isMax ? createLowest(rewriter, loc, kind)
                       : createScalar(rewriter, loc, kind.type, 0);
    Value reduced = buildReduction(
        rewriter, loc, xType.getShape(), dims, kind.type, init, adaptor.getX(),
        [&](OpBuilder &b, Location l, ValueRange a) {
          return isMax ? buildMax(b, l, kind, a[0], a[1])
                       : buildAdd(b, l, kind, a[0], a[1]);
        });
    if (!isMax) {
      auto type = cast<RankedTensorType>(reduced.getType());
      reduced = buildElementwise(
          rewriter, loc, type, reduced,
          [&](OpBuilder &b, Location l, ValueRange a) {
            return buildDiv(
                b, l, kind, a[0],
                createScalar(b, l, kind.type, static_cast<double>(count)));
          });
    }
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, reduced, resultType));
    return success();
  }
};

/// Inference BatchNormalization: y = x * s[c] + t[c] with
/// s = scale / sqrt(var + eps) and t = B - mean * s, folded to constants when
/// the parameters are constant.
struct BatchNormLowering : ONNXLowering<ONNX::BatchNormalizationOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::BatchNormalizationOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (op.getTrainingMode() != 0)
      return fail(op, "unsupported training_mode");
    if (!op.getRunningMean().use_empty() || !op.getRunningVar().use_empty())
      return fail(op, "unsupported running_mean/running_var outputs");
    auto xType = cast<RankedTensorType>(adaptor.getX().getType());
    RankedTensorType resultType = convertType(op.getY().getType());
    ScalarKind kind = kindOf(op.getX().getType());
    if (xType.getRank() < 2)
      return fail(op, "expected an input of rank 2 or more");
    int64_t c = xType.getDimSize(1);
    SmallVector<Value> params{adaptor.getScale(), adaptor.getB(),
                              adaptor.getInputMean(), adaptor.getInputVar()};
    for (Value p : params)
      if (cast<RankedTensorType>(p.getType()).getShape() !=
          ArrayRef<int64_t>{c})
        return fail(op, "scale, B, mean and var must have shape [" + Twine(c) +
                            "]");
    double epsilon = toDouble(op.getEpsilon());
    auto paramType = RankedTensorType::get({c}, kind.type);

    Value scale, shift;
    SmallVector<DenseElementsAttr> constants;
    for (Value p : params)
      if (DenseElementsAttr attr = getDenseConstant(p))
        constants.push_back(attr);
    if (constants.size() == params.size()) {
      SmallVector<SmallVector<double>> values;
      for (DenseElementsAttr attr : constants) {
        SmallVector<double> v;
        for (const APFloat &f : attr.getValues<APFloat>())
          v.push_back(toDouble(f));
        values.push_back(std::move(v));
      }
      SmallVector<Attribute> s, t;
      for (int64_t i = 0; i < c; ++i) {
        double si = values[0][i] / std::sqrt(values[3][i] + epsilon);
        s.push_back(FloatAttr::get(kind.type, si));
        t.push_back(
            FloatAttr::get(kind.type, values[1][i] - values[2][i] * si));
      }
      scale = arith::ConstantOp::create(rewriter, loc,
                                        DenseElementsAttr::get(paramType, s));
      shift = arith::ConstantOp::create(rewriter, loc,
                                        DenseElementsAttr::get(paramType, t));
    } else {
      scale = buildElementwise(
          rewriter, loc, paramType, ValueRange{params[0], params[3]},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            Value var = arith::AddFOp::create(
                b, l, a[1], createScalar(b, l, kind.type, epsilon));
            return arith::DivFOp::create(b, l, a[0],
                                         math::SqrtOp::create(b, l, var));
          });
      shift = buildElementwise(
          rewriter, loc, paramType, ValueRange{params[1], params[2], scale},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::SubFOp::create(
                b, l, a[0], arith::MulFOp::create(b, l, a[1], a[2]));
          });
    }
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = xType.getRank();
    AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    SmallVector<AffineMap> maps{rewriter.getMultiDimIdentityMap(rank), channel,
                                channel};
    Value result = buildElementwise(
        rewriter, loc, resultType, ValueRange{adaptor.getX(), scale, shift},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, a[0], a[1]), a[2]);
        },
        maps);
    replaceLeadingResults(rewriter, op, result);
    return success();
  }
};

} // namespace

void zellige::onnx_to_linalg::populateConvPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    ErrorState &errors) {
  patterns.add<ConvLowering, PoolLowering<ONNX::MaxPoolOp>,
               PoolLowering<ONNX::AveragePoolOp>,
               GlobalPoolLowering<ONNX::GlobalAveragePoolOp>,
               GlobalPoolLowering<ONNX::GlobalMaxPoolOp>, BatchNormLowering>(
      converter, patterns.getContext(), errors);
}
