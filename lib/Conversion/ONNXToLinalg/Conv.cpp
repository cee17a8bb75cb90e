//===- Conv.cpp - Lower onnx convolution, pooling, batch norm ---*- C++ -*-===//
//
// This file implements the lowering of onnx.Conv (1-D and 2-D; plain,
// depthwise and grouped) to the linalg convolution named ops with tensor.pad
// for the padding and the bias in the accumulator (three or more spatial dims:
// one grouped linalg.generic), of ConvTranspose to a convolution of the
// stride-dilated input with the flipped filter, of MaxPool/AveragePool to
// linalg pooling ops or generics (AveragePool divides by the per-position
// window count; MaxPool's Indices come from a second reduction), of the
// global pools to reductions, and of BatchNormalization (inference: one
// affine linalg.generic; training: batch statistics and running averages).
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

#include <limits>

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

/// A grouped convolution of any spatial rank S as one linalg.generic:
///   y[n, g, mg, o...] += x[n, g * Cg + c, o * s + k * d] * f[g, mg, c, k...]
/// with `x` already padded, `f` of shape (G, Mg, Cg, K...) and `init` of
/// shape (N, G, Mg, O...).
Value buildGroupedConv(OpBuilder &b, Location loc, Value x, Value f, Value init,
                       ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
                       ScalarKind kind) {
  MLIRContext *ctx = b.getContext();
  auto fType = cast<RankedTensorType>(f.getType());
  int64_t spatial = fType.getRank() - 3;
  int64_t cg = fType.getDimSize(2);
  int64_t loops = 4 + 2 * spatial;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  int64_t cDim = 3 + spatial, kDim = 4 + spatial;
  SmallVector<AffineExpr> xExprs{dim(0), dim(1) * cg + dim(cDim)};
  SmallVector<AffineExpr> fExprs{dim(1), dim(2), dim(cDim)};
  SmallVector<AffineExpr> yExprs{dim(0), dim(1), dim(2)};
  for (int64_t i = 0; i < spatial; ++i) {
    xExprs.push_back(dim(3 + i) * strides[i] + dim(kDim + i) * dilations[i]);
    fExprs.push_back(dim(kDim + i));
    yExprs.push_back(dim(3 + i));
  }
  SmallVector<AffineMap> maps{AffineMap::get(loops, 0, xExprs, ctx),
                              AffineMap::get(loops, 0, fExprs, ctx),
                              AffineMap::get(loops, 0, yExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(3 + spatial,
                                             utils::IteratorType::parallel);
  iterators.append(1 + spatial, utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{x, f},
             ValueRange{init}, maps, iterators,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value r = buildAdd(nb, l, kind, a[2],
                                  buildMul(nb, l, kind, a[0], a[1]));
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

/// The accumulator of a grouped convolution producing `outType` (N, M, O...),
/// built directly in its (N, G, M / G, O...) form: the bias broadcast along
/// the channels, or zeros.
Value groupedConvInit(OpBuilder &b, Location loc, RankedTensorType outType,
                      int64_t group, Value bias) {
  SmallVector<int64_t> shape{outType.getDimSize(0), group,
                             outType.getDimSize(1) / group};
  llvm::append_range(shape, outType.getShape().drop_front(2));
  auto type = RankedTensorType::get(shape, outType.getElementType());
  if (!bias)
    return createFilled(b, loc, type,
                        createScalar(b, loc, outType.getElementType(), 0));
  MLIRContext *ctx = b.getContext();
  AffineMap channel = AffineMap::get(type.getRank(), 0,
                                     getAffineDimExpr(1, ctx) * shape[2] +
                                         getAffineDimExpr(2, ctx));
  return buildElementwise(
      b, loc, type, bias,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; }, channel);
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
    if (rank < 3)
      return fail(op, "expected an input of rank 3 or more");
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

    // Three or more spatial dims: one grouped generic.
    if (rank > 4) {
      Value x = padSpatial(rewriter, loc, adaptor.getX(), w,
                           createScalar(rewriter, loc, elementType, 0));
      SmallVector<int64_t> fShape{group, m / group, c / group};
      llvm::append_range(fShape, wType.getShape().drop_front(2));
      Value f = reshapeTo(rewriter, loc, adaptor.getW(),
                          RankedTensorType::get(fShape, elementType));
      Value init = groupedConvInit(rewriter, loc, resultType, group, bias);
      Value y = buildGroupedConv(rewriter, loc, x, f, init, w.strides,
                                 w.dilations, kindOf(op.getX().getType()));
      rewriter.replaceOp(op, reshapeTo(rewriter, loc, y, resultType));
      return success();
    }

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

/// ConvTranspose as a convolution: the input is dilated by the strides
/// (zeros inserted with a strided tensor.insert_slice), padded by
/// d * (K - 1) - pad on each side, and convolved (stride 1, the same
/// dilations) with the spatially flipped filter regrouped to
/// (G, M / G, C / G, K...).
struct ConvTransposeLowering : ONNXLowering<ONNX::ConvTransposeOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ConvTransposeOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(adaptor.getX().getType());
    auto wType = cast<RankedTensorType>(adaptor.getW().getType());
    RankedTensorType resultType = convertType(op.getType());
    Type elementType = resultType.getElementType();
    ScalarKind kind = kindOf(op.getX().getType());
    int64_t rank = xType.getRank();
    if (rank < 3 || wType.getRank() != rank || resultType.getRank() != rank)
      return fail(op, "X, W and Y must have the same rank of 3 or more");
    int64_t spatial = rank - 2;
    int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
    int64_t group = static_cast<int64_t>(op.getGroup());
    if (group <= 0 || c % group != 0 || wType.getDimSize(0) != c)
      return fail(op, "group " + Twine(group) + " does not divide the " +
                          Twine(c) + " input channels consistently with W");
    int64_t mg = wType.getDimSize(1), m = mg * group;
    if (resultType.getDimSize(0) != n || resultType.getDimSize(1) != m)
      return fail(op, "result type " + typeString(op.getType()) +
                          " does not match the operands");
    SmallVector<int64_t> kernel(wType.getShape().drop_front(2));
    if (auto kernelShape = op.getKernelShape())
      if (getI64Array(kernelShape) != kernel)
        return fail(op, "kernel_shape does not match W");
    SmallVector<int64_t> strides =
        getI64Array(op.getStrides(), SmallVector<int64_t>(spatial, 1));
    SmallVector<int64_t> dils =
        getI64Array(op.getDilations(), SmallVector<int64_t>(spatial, 1));
    SmallVector<int64_t> outPad =
        getI64Array(op.getOutputPadding(), SmallVector<int64_t>(spatial, 0));
    SmallVector<int64_t> pads =
        getI64Array(op.getPads(), SmallVector<int64_t>(2 * spatial, 0));
    if (static_cast<int64_t>(strides.size()) != spatial ||
        static_cast<int64_t>(dils.size()) != spatial ||
        static_cast<int64_t>(outPad.size()) != spatial ||
        static_cast<int64_t>(pads.size()) != 2 * spatial)
      return fail(op, "strides, dilations, output_padding or pads do not "
                      "match the spatial rank");
    StringRef autoPad = op.getAutoPad();
    if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
        autoPad != "SAME_LOWER")
      return fail(op, "unsupported auto_pad '" + autoPad + "'");

    // The transposed output before cropping has (I - 1) * s + reach + 1
    // elements (reach = (K - 1) * d); pads crop it, output_padding (or a
    // larger output_shape) extends it at the end. The convolution pads the
    // dilated input by reach - padLow before and whatever completes the
    // result after.
    SmallVector<int64_t> convLow(spatial), convHigh(spatial);
    for (int64_t i = 0; i < spatial; ++i) {
      if (strides[i] <= 0 || dils[i] <= 0)
        return fail(op, "non-positive stride or dilation");
      int64_t in = xType.getDimSize(2 + i);
      int64_t out = resultType.getDimSize(2 + i);
      int64_t reach = (kernel[i] - 1) * dils[i];
      int64_t full = strides[i] * (in - 1) + reach + 1;
      int64_t total = full + outPad[i] - out;
      int64_t padLow;
      if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
        int64_t half = total / 2;
        padLow = autoPad == "SAME_UPPER" ? half : total - half;
      } else if (autoPad == "VALID") {
        padLow = 0;
      } else {
        padLow = pads[i];
        if (op.getOutputShape() == std::nullopt &&
            total - padLow != pads[spatial + i])
          return fail(op, "result type " + typeString(op.getType()) +
                              " does not match pads and output_padding");
      }
      convLow[i] = reach - padLow;
      convHigh[i] = out + reach - convLow[i] - ((in - 1) * strides[i] + 1);
      if (convLow[i] < 0 || convHigh[i] < 0)
        return fail(op, "unsupported padding larger than the kernel reach");
    }

    // Dilate the input by the strides.
    Value x = adaptor.getX();
    SmallVector<int64_t> dilatedShape{n, c};
    bool strided = false;
    for (int64_t i = 0; i < spatial; ++i) {
      dilatedShape.push_back((xType.getDimSize(2 + i) - 1) * strides[i] + 1);
      strided |= strides[i] != 1;
    }
    if (strided) {
      auto dilatedType = RankedTensorType::get(dilatedShape, elementType);
      Value zeros = createFilled(rewriter, loc, dilatedType,
                                 createScalar(rewriter, loc, elementType, 0));
      SmallVector<OpFoldResult> offsets, sizes, steps;
      for (int64_t d = 0; d < rank; ++d) {
        offsets.push_back(rewriter.getIndexAttr(0));
        sizes.push_back(rewriter.getIndexAttr(xType.getDimSize(d)));
        steps.push_back(rewriter.getIndexAttr(d < 2 ? 1 : strides[d - 2]));
      }
      x = tensor::InsertSliceOp::create(rewriter, loc, x, zeros, offsets, sizes,
                                        steps);
    }
    SmallVector<int64_t> low{0, 0}, high{0, 0};
    llvm::append_range(low, convLow);
    llvm::append_range(high, convHigh);
    x = padTensor(rewriter, loc, x, low, high,
                  createScalar(rewriter, loc, elementType, 0));

    // f[g, mg, cg, k] = W[g * Cg + cg, mg, K - 1 - k], read with
    // tensor.extract: a reversing indexing map would be folded into the
    // convolution by elementwise fusion, whose shape inference rejects it.
    int64_t cg = c / group;
    SmallVector<int64_t> fShape{group, mg, cg};
    llvm::append_range(fShape, kernel);
    auto fType = RankedTensorType::get(fShape, elementType);
    Value weights = adaptor.getW();
    Value f = buildElementwise(
        rewriter, loc, fType, ValueRange{},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          Value g = linalg::IndexOp::create(b, l, 0);
          Value channel = arith::AddIOp::create(
              b, l,
              arith::MulIOp::create(b, l, g,
                                    arith::ConstantIndexOp::create(b, l, cg)),
              linalg::IndexOp::create(b, l, 2));
          SmallVector<Value> coords{channel, linalg::IndexOp::create(b, l, 1)};
          for (int64_t i = 0; i < spatial; ++i)
            coords.push_back(arith::SubIOp::create(
                b, l, arith::ConstantIndexOp::create(b, l, kernel[i] - 1),
                linalg::IndexOp::create(b, l, 3 + i)));
          return tensor::ExtractOp::create(b, l, weights, coords);
        });

    Value bias = isNoValue(op.getB()) ? Value() : adaptor.getB();
    if (bias && cast<RankedTensorType>(bias.getType()).getShape() !=
                    ArrayRef<int64_t>{m})
      return fail(op, "bias must have shape [" + Twine(m) + "]");
    Value init = groupedConvInit(rewriter, loc, resultType, group, bias);
    Value y = buildGroupedConv(rewriter, loc, x, f, init,
                               SmallVector<int64_t>(spatial, 1), dils, kind);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, y, resultType));
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
    if (rank < 3)
      return this->fail(op, "expected an input of rank 3 or more");
    if (resultType.getRank() != rank ||
        resultType.getShape().take_front(2) != xType.getShape().take_front(2))
      return this->fail(op, "result type " +
                                this->typeString(op.getY().getType()) +
                                " does not match the input");
    std::optional<ArrayAttr> dilations;
    bool wantIndices = false;
    if constexpr (isMax) {
      wantIndices = !isNoValue(op.getIndices()) && !op.getIndices().use_empty();
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

    // The named pooling ops compare as signed: unsigned inputs, Indices and
    // three or more spatial dims take the generic form.
    if (rank > 4 || wantIndices || kind.isUnsigned) {
      Value padValue = isMax ? createLowest(rewriter, loc, kind)
                             : createScalar(rewriter, loc, elementType, 0);
      Value x = padSpatial(rewriter, loc, adaptor.getX(), w, padValue);
      Value result =
          buildGenericPool(rewriter, loc, x, resultType, w, kind, padValue);
      if constexpr (!isMax)
        result = divideByCount(rewriter, loc, op, result, w, declaredHigh,
                               inSpatial, kind);
      if (wantIndices) {
        RankedTensorType indicesType =
            this->convertType(op->getResult(1).getType());
        if (!indicesType || indicesType.getShape() != resultType.getShape())
          return this->fail(op, "Indices type does not match Y");
        bool columnMajor = false;
        if constexpr (isMax)
          columnMajor = op.getStorageOrder() != 0;
        Value indices = buildPoolIndices(rewriter, loc, x, result, w,
                                         xType.getShape(), kind, columnMajor);
        rewriter.replaceOp(op, ValueRange{result, indices});
        return success();
      }
      replaceLeadingResults(rewriter, op, result);
      return success();
    }

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

  /// Max or sum pooling of any spatial rank as one linalg.generic over
  /// (n, c, o..., k...), the window dims bound by an empty kernel tensor.
  static Value buildGenericPool(OpBuilder &b, Location loc, Value x,
                                RankedTensorType outType, const Window &w,
                                ScalarKind kind, Value init) {
    MLIRContext *ctx = b.getContext();
    int64_t spatial = static_cast<int64_t>(w.kernel.size());
    int64_t loops = 2 + 2 * spatial;
    auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> xExprs{dim(0), dim(1)}, kExprs,
        yExprs{dim(0), dim(1)};
    for (int64_t i = 0; i < spatial; ++i) {
      xExprs.push_back(dim(2 + i) * w.strides[i] +
                       dim(2 + spatial + i) * w.dilations[i]);
      kExprs.push_back(dim(2 + spatial + i));
      yExprs.push_back(dim(2 + i));
    }
    Value window =
        createEmpty(b, loc, RankedTensorType::get(w.kernel, kind.type));
    SmallVector<AffineMap> maps{AffineMap::get(loops, 0, xExprs, ctx),
                                AffineMap::get(loops, 0, kExprs, ctx),
                                AffineMap::get(loops, 0, yExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(2 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(spatial, utils::IteratorType::reduction);
    Value filled = createFilled(b, loc, outType, init);
    return linalg::GenericOp::create(
               b, loc, TypeRange{outType}, ValueRange{x, window},
               ValueRange{filled}, maps, iterators,
               [&](OpBuilder &nb, Location l, ValueRange a) {
                 Value r = isMax ? buildMax(nb, l, kind, a[0], a[2])
                                 : buildAdd(nb, l, kind, a[0], a[2]);
                 linalg::YieldOp::create(nb, l, r);
               })
        .getResult(0);
  }

  /// MaxPool's Indices: per window, the smallest flat index (over the whole
  /// unpadded input; spatial dims row-major, or column-major with
  /// storage_order = 1) of an input element equal to the maximum.
  static Value buildPoolIndices(OpBuilder &b, Location loc, Value x, Value max,
                                const Window &w, ArrayRef<int64_t> inShape,
                                ScalarKind kind, bool columnMajor) {
    MLIRContext *ctx = b.getContext();
    auto maxType = cast<RankedTensorType>(max.getType());
    int64_t spatial = static_cast<int64_t>(w.kernel.size());
    int64_t loops = 2 + 2 * spatial;
    auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> xExprs{dim(0), dim(1)}, kExprs,
        yExprs{dim(0), dim(1)};
    for (int64_t i = 0; i < spatial; ++i) {
      xExprs.push_back(dim(2 + i) * w.strides[i] +
                       dim(2 + spatial + i) * w.dilations[i]);
      kExprs.push_back(dim(2 + spatial + i));
      yExprs.push_back(dim(2 + i));
    }
    Value window =
        createEmpty(b, loc, RankedTensorType::get(w.kernel, kind.type));
    AffineMap yMap = AffineMap::get(loops, 0, yExprs, ctx);
    SmallVector<AffineMap> maps{AffineMap::get(loops, 0, xExprs, ctx),
                                AffineMap::get(loops, 0, kExprs, ctx), yMap,
                                yMap};
    SmallVector<utils::IteratorType> iterators(2 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(spatial, utils::IteratorType::reduction);
    auto outType = RankedTensorType::get(maxType.getShape(), b.getI64Type());
    Value init = createFilled(
        b, loc, outType,
        arith::ConstantOp::create(
            b, loc, b.getI64IntegerAttr(std::numeric_limits<int64_t>::max())));
    return linalg::GenericOp::create(
               b, loc, TypeRange{outType}, ValueRange{x, window, max},
               ValueRange{init}, maps, iterators,
               [&](OpBuilder &nb, Location l, ValueRange a) {
                 Type i64 = nb.getI64Type();
                 auto c64 = [&](int64_t v) {
                   return arith::ConstantOp::create(nb, l,
                                                    nb.getI64IntegerAttr(v));
                 };
                 auto idx = [&](int64_t d) -> Value {
                   return arith::IndexCastOp::create(
                       nb, l, i64, linalg::IndexOp::create(nb, l, d));
                 };
                 Value inside = createScalar(nb, l, nb.getI1Type(), 1);
                 Value flat = arith::AddIOp::create(
                     nb, l,
                     arith::MulIOp::create(nb, l, idx(0), c64(inShape[1])),
                     idx(1));
                 SmallVector<Value> positions;
                 for (int64_t i = 0; i < spatial; ++i) {
                   // pos = o * stride + k * dilation - padLow
                   Value pos = arith::AddIOp::create(
                       nb, l,
                       arith::MulIOp::create(nb, l, idx(2 + i),
                                             c64(w.strides[i])),
                       arith::MulIOp::create(nb, l, idx(2 + spatial + i),
                                             c64(w.dilations[i])));
                   pos = arith::SubIOp::create(nb, l, pos, c64(w.padLow[i]));
                   int64_t size = inShape[2 + i];
                   inside = arith::AndIOp::create(
                       nb, l, inside,
                       arith::AndIOp::create(
                           nb, l,
                           arith::CmpIOp::create(
                               nb, l, arith::CmpIPredicate::sge, pos, c64(0)),
                           arith::CmpIOp::create(nb, l,
                                                 arith::CmpIPredicate::slt, pos,
                                                 c64(size))));
                   positions.push_back(pos);
                 }
                 for (int64_t j = 0; j < spatial; ++j) {
                   int64_t i = columnMajor ? spatial - 1 - j : j;
                   flat = arith::AddIOp::create(
                       nb, l,
                       arith::MulIOp::create(nb, l, flat, c64(inShape[2 + i])),
                       positions[i]);
                 }
                 Value equal =
                     kind.isFloat()
                         ? arith::CmpFOp::create(
                               nb, l, arith::CmpFPredicate::OEQ, a[0], a[2])
                               .getResult()
                         : arith::CmpIOp::create(
                               nb, l, arith::CmpIPredicate::eq, a[0], a[2])
                               .getResult();
                 Value take = arith::AndIOp::create(nb, l, inside, equal);
                 Value r = arith::SelectOp::create(
                     nb, l, take, arith::MinSIOp::create(nb, l, a[3], flat),
                     a[3]);
                 linalg::YieldOp::create(nb, l, r);
               })
        .getResult(0);
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
    size_t spatialRank = spatial.size();
    SmallVector<SmallVector<int64_t>> counts(spatialRank);
    for (size_t d = 0; d < spatialRank; ++d) {
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
    bool uniform = llvm::all_of(counts, [](const SmallVector<int64_t> &c) {
      return llvm::all_equal(c);
    });
    if (uniform) {
      double divisor = 1;
      for (const SmallVector<int64_t> &c : counts)
        divisor *= static_cast<double>(c.empty() ? 1 : c[0]);
      return buildElementwise(
          b, loc, sumType, sum, [&](OpBuilder &nb, Location l, ValueRange a) {
            return arith::DivFOp::create(
                nb, l, a[0], createScalar(nb, l, kind.type, divisor));
          });
    }
    // The divisor of every output position, row-major over the spatial dims.
    SmallVector<double> divisors{1.0};
    for (size_t d = 0; d < spatialRank; ++d) {
      SmallVector<double> next;
      for (double prefix : divisors)
        for (int64_t c : counts[d])
          next.push_back(prefix * static_cast<double>(c));
      divisors = std::move(next);
    }
    auto divType = RankedTensorType::get(spatial, kind.type);
    SmallVector<Attribute> values;
    for (double d : divisors)
      values.push_back(FloatAttr::get(kind.type, d));
    Value divTensor = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(divType, values));
    MLIRContext *ctx = b.getContext();
    int64_t rank = sumType.getRank();
    SmallVector<AffineExpr> spatialExprs;
    for (int64_t d = 2; d < rank; ++d)
      spatialExprs.push_back(getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank),
                                AffineMap::get(rank, 0, spatialExprs, ctx)};
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
      return lowerTraining(op, adaptor, rewriter);
    if (!op.getRunningMean().use_empty() || !op.getRunningVar().use_empty())
      return fail(op, "unsupported running_mean/running_var outputs outside "
                      "training mode");
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

  /// Training mode: normalize with the batch statistics (over every dim but
  /// the channels, biased variance) and blend them into the running ones:
  /// running = input * momentum + batch * (1 - momentum).
  LogicalResult lowerTraining(ONNX::BatchNormalizationOp op, OpAdaptor adaptor,
                              ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    Value x = adaptor.getX();
    auto xType = cast<RankedTensorType>(x.getType());
    ScalarKind kind = kindOf(op.getX().getType());
    int64_t rank = xType.getRank();
    if (rank < 2)
      return fail(op, "expected an input of rank 2 or more");
    int64_t c = xType.getDimSize(1);
    SmallVector<Value> params{adaptor.getScale(), adaptor.getB(),
                              adaptor.getInputMean(), adaptor.getInputVar()};
    for (Value p : params)
      if (cast<RankedTensorType>(p.getType()).getShape() !=
          ArrayRef<int64_t>{c})
        return fail(op, "scale, B, mean and var must have shape [" + Twine(c) +
                            "]");
    SmallVector<int64_t> dims{0};
    for (int64_t d = 2; d < rank; ++d)
      dims.push_back(d);
    double count = static_cast<double>(xType.getNumElements() / c);
    MLIRContext *ctx = rewriter.getContext();
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    auto paramType = RankedTensorType::get({c}, kind.type);
    Value sum =
        buildReduction(rewriter, loc, xType.getShape(), dims, kind.type,
                       createScalar(rewriter, loc, kind.type, 0), x,
                       [](OpBuilder &b, Location l, ValueRange a) -> Value {
                         return arith::AddFOp::create(b, l, a[0], a[1]);
                       });
    Value mean = buildElementwise(
        rewriter, loc, paramType, sum,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(b, l, a[0],
                                       createScalar(b, l, kind.type, count));
        });
    Value squares = buildReduction(
        rewriter, loc, xType.getShape(), dims, kind.type,
        createScalar(rewriter, loc, kind.type, 0), ValueRange{x, mean},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value d = arith::SubFOp::create(b, l, a[0], a[1]);
          return arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, d, d),
                                       a[2]);
        },
        {id, channel});
    Value var = buildElementwise(
        rewriter, loc, paramType, squares,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(b, l, a[0],
                                       createScalar(b, l, kind.type, count));
        });
    double epsilon = toDouble(op.getEpsilon());
    Value y = buildElementwise(
        rewriter, loc, cast<RankedTensorType>(x.getType()),
        ValueRange{x, mean, var, params[0], params[1]},
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
        {id, channel, channel, channel, channel});
    double momentum = toDouble(op.getMomentum());
    auto blend = [&](Value running, Value batch) {
      return buildElementwise(
          rewriter, loc, paramType, ValueRange{running, batch},
          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
            return arith::AddFOp::create(
                b, l,
                arith::MulFOp::create(b, l, a[0],
                                      createScalar(b, l, kind.type, momentum)),
                arith::MulFOp::create(
                    b, l, a[1], createScalar(b, l, kind.type, 1 - momentum)));
          });
    };
    SmallVector<Value> results{y};
    if (!op.getRunningMean().use_empty() || !op.getRunningVar().use_empty()) {
      results.push_back(blend(params[2], mean));
      results.push_back(blend(params[3], var));
      rewriter.replaceOp(op, results);
    } else {
      replaceLeadingResults(rewriter, op, y);
    }
    return success();
  }
};

} // namespace

void zellige::onnx_to_linalg::populateConvPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    ErrorState &errors) {
  patterns.add<ConvLowering, ConvTransposeLowering,
               PoolLowering<ONNX::MaxPoolOp>, PoolLowering<ONNX::AveragePoolOp>,
               GlobalPoolLowering<ONNX::GlobalAveragePoolOp>,
               GlobalPoolLowering<ONNX::GlobalMaxPoolOp>, BatchNormLowering>(
      converter, patterns.getContext(), errors);
}
