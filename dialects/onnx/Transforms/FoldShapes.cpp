//===- FoldShapes.cpp - Fold static shape computations ----------*- C++ -*-===//
//
// This file implements zellige-onnx-fold-shapes: rewrite patterns that
// evaluate shape computations on static shapes and small constants into
// `onnx.Constant`, forward inference no-ops (Identity, Dropout), normalize
// constants to their `value` form and refine Reshape result types. The greedy
// driver erases the operations these folds leave dead.
//
//===----------------------------------------------------------------------===//

#include "dialects/onnx/Transforms/Passes.h"

#include "dialects/onnx/Transforms/ConstantUtils.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/APSInt.h"

#define DEBUG_TYPE "zellige-onnx-fold-shapes"

namespace zellige {
#define GEN_PASS_DEF_ONNXFOLDSHAPES
#include "dialects/onnx/Transforms/Passes.h.inc"
} // namespace zellige

using namespace mlir;
using namespace zellige;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

SmallVector<int64_t> computeStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

RankedTensorType getStaticType(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.hasStaticShape() ? type : RankedTensorType();
}

bool isONNXOp(Operation *op) {
  return isa_and_nonnull<ONNX::ONNXDialect>(op->getDialect());
}

/// Returns true when a use of a value of type `oldType` can take a value of
/// type `newType`: the same type, or (through tensor.cast for users outside
/// the onnx dialect) a more static tensor type of the same element type.
bool canRefine(Type oldType, Type newType) {
  if (oldType == newType)
    return true;
  auto oldTensor = dyn_cast<TensorType>(oldType);
  auto newTensor = dyn_cast<TensorType>(newType);
  return oldTensor && newTensor &&
         tensor::CastOp::areCastCompatible(newTensor, oldTensor);
}

/// Replaces every use of `oldValue` by `newValue`, whose type may be more
/// static. Users in the onnx dialect take `newValue` directly; other users
/// (func.return) get a tensor.cast back to the old type.
void replaceValueWithRefined(PatternRewriter &rewriter, Location loc,
                             Value oldValue, Value newValue) {
  if (oldValue.getType() != newValue.getType() &&
      llvm::any_of(oldValue.getUsers(),
                   [](Operation *user) { return !isONNXOp(user); })) {
    Value cast =
        tensor::CastOp::create(rewriter, loc, oldValue.getType(), newValue);
    rewriter.replaceUsesWithIf(oldValue, cast, [](OpOperand &use) {
      return !isONNXOp(use.getOwner());
    });
  }
  rewriter.replaceAllUsesWith(oldValue, newValue);
}

/// Replaces `op`'s results by `values` (see replaceValueWithRefined) and
/// erases `op`.
void replaceWithRefined(PatternRewriter &rewriter, Operation *op,
                        ValueRange values) {
  for (auto [oldValue, newValue] : llvm::zip(op->getResults(), values))
    replaceValueWithRefined(rewriter, op->getLoc(), oldValue, newValue);
  rewriter.eraseOp(op);
}

/// Replaces single-result `op` by an `onnx.Constant` holding `value`.
LogicalResult replaceWithConstant(PatternRewriter &rewriter, Operation *op,
                                  DenseElementsAttr value) {
  if (!canRefine(op->getResult(0).getType(), value.getType()))
    return rewriter.notifyMatchFailure(op, "folded type is incompatible");
  Value constant = ONNX::ConstantOp::create(
      rewriter, op->getLoc(), TypeRange{value.getType()}, ValueRange{},
      ArrayRef<NamedAttribute>{rewriter.getNamedAttr("value", value)});
  replaceWithRefined(rewriter, op, constant);
  return success();
}

/// The element type a folded result of `op` gets.
Type resultElementType(Operation *op) {
  return cast<ShapedType>(op->getResult(0).getType()).getElementType();
}

/// Converts one constant element from `from` to `to` with ONNX Cast rules
/// (float to int truncates toward zero, anything to bool tests for non-zero).
Attribute castElement(Attribute value, Type from, Type to) {
  auto toInt = dyn_cast<IntegerType>(to);
  auto toFloat = dyn_cast<FloatType>(to);
  if (auto intAttr = dyn_cast<IntegerAttr>(value)) {
    APInt v = intAttr.getValue();
    bool isSigned = !(from.isUnsignedInteger() || from.isInteger(1));
    if (toInt) {
      if (toInt.getWidth() == 1)
        return IntegerAttr::get(to, APInt(1, v.isZero() ? 0 : 1));
      return IntegerAttr::get(to, isSigned ? v.sextOrTrunc(toInt.getWidth())
                                           : v.zextOrTrunc(toInt.getWidth()));
    }
    if (toFloat) {
      APFloat f(toFloat.getFloatSemantics());
      f.convertFromAPInt(v, isSigned, APFloat::rmNearestTiesToEven);
      return FloatAttr::get(to, f);
    }
    return nullptr;
  }
  if (auto floatAttr = dyn_cast<FloatAttr>(value)) {
    APFloat f = floatAttr.getValue();
    if (toFloat) {
      bool lost;
      f.convert(toFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      return FloatAttr::get(to, f);
    }
    if (toInt) {
      if (toInt.getWidth() == 1)
        return IntegerAttr::get(to, APInt(1, f.isZero() ? 0 : 1));
      llvm::APSInt result(toInt.getWidth(), toInt.isUnsigned());
      bool exact;
      f.convertToInteger(result, APFloat::rmTowardZero, &exact);
      return IntegerAttr::get(to, result);
    }
  }
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Constants and no-ops
//===----------------------------------------------------------------------===//

/// Moves `value_float(s)` / `value_int(s)` into `value`.
struct NormalizeConstant : OpRewritePattern<ONNX::ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNX::ConstantOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getValueAttr())
      return failure();
    ElementsAttr value = getONNXConstantValue(op);
    auto dense = dyn_cast_or_null<DenseElementsAttr>(value);
    if (!dense)
      return failure();
    return replaceWithConstant(rewriter, op, dense);
  }
};

struct ForwardIdentity : OpRewritePattern<ONNX::IdentityOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNX::IdentityOp op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    if (!canRefine(op.getType(), input.getType()))
      return failure();
    replaceWithRefined(rewriter, op, input);
    return success();
  }
};

/// Dropout in inference mode is the identity; its mask is all true.
struct ForwardDropout : OpRewritePattern<ONNX::DropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNX::DropoutOp op,
                                PatternRewriter &rewriter) const override {
    Value training = op.getTrainingMode();
    if (!isNoValue(training)) {
      std::optional<SmallVector<int64_t>> mode = getConstantInts(training);
      if (!mode || mode->size() != 1 || (*mode)[0] != 0)
        return rewriter.notifyMatchFailure(op, "not in inference mode");
    }
    Value data = op.getData();
    if (!canRefine(op.getOutput().getType(), data.getType()))
      return failure();
    Value mask = op.getMask();
    if (!mask.use_empty()) {
      RankedTensorType maskType = getStaticType(mask);
      if (!maskType)
        return rewriter.notifyMatchFailure(op, "mask shape is not static");
      auto value = DenseElementsAttr::get(maskType, true);
      Value ones = ONNX::ConstantOp::create(
          rewriter, op.getLoc(), TypeRange{maskType}, ValueRange{},
          ArrayRef<NamedAttribute>{rewriter.getNamedAttr("value", value)});
      rewriter.replaceAllUsesWith(mask, ones);
    }
    replaceValueWithRefined(rewriter, op.getLoc(), op.getOutput(), data);
    rewriter.eraseOp(op);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Shape queries
//===----------------------------------------------------------------------===//

struct FoldShape : OpRewritePattern<ONNX::ShapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNX::ShapeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getData().getType());
    if (!type)
      return failure();
    int64_t rank = type.getRank();
    auto normalize = [&](int64_t i) {
      if (i < 0)
        i += rank;
      return std::clamp<int64_t>(i, 0, rank);
    };
    int64_t start = normalize(static_cast<int64_t>(op.getStart()));
    int64_t end =
        normalize(op.getEnd() ? static_cast<int64_t>(*op.getEnd()) : rank);
    SmallVector<int64_t> dims;
    for (int64_t i = start; i < end; ++i) {
      if (type.isDynamicDim(i))
        return rewriter.notifyMatchFailure(op, "dimension is dynamic");
      dims.push_back(type.getDimSize(i));
    }
    auto resultType = RankedTensorType::get({static_cast<int64_t>(dims.size())},
                                            rewriter.getI64Type());
    return replaceWithConstant(
        rewriter, op, DenseElementsAttr::get(resultType, ArrayRef(dims)));
  }
};

struct FoldSize : OpRewritePattern<ONNX::SizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNX::SizeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = getStaticType(op.getData());
    if (!type)
      return failure();
    auto resultType = RankedTensorType::get({}, rewriter.getI64Type());
    return replaceWithConstant(
        rewriter, op,
        DenseElementsAttr::get(resultType, type.getNumElements()));
  }
};

struct FoldConstantOfShape : OpRewritePattern<ONNX::ConstantOfShapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNX::ConstantOfShapeOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<SmallVector<int64_t>> shape = getConstantInts(op.getInput());
    if (!shape || llvm::any_of(*shape, [](int64_t d) { return d < 0; }))
      return failure();
    Attribute element;
    if (auto value = op.getValueAttr()) {
      if (value.getNumElements() != 1)
        return failure();
      element = *value.getValues<Attribute>().begin();
    } else {
      element = rewriter.getF32FloatAttr(0.0f);
    }
    auto typed = dyn_cast<TypedAttr>(element);
    if (!typed)
      return failure();
    auto resultType = RankedTensorType::get(*shape, typed.getType());
    return replaceWithConstant(rewriter, op,
                               DenseElementsAttr::get(resultType, element));
  }
};

//===----------------------------------------------------------------------===//
// Data-producing folds on constants
//===----------------------------------------------------------------------===//

/// Base of the patterns that compute a new constant, bounded in size.
template <typename OpTy> struct ConstantFold : OpRewritePattern<OpTy> {
  ConstantFold(MLIRContext *ctx, int64_t maxElements)
      : OpRewritePattern<OpTy>(ctx), maxElements(maxElements) {}
  int64_t maxElements;
};

struct FoldRange : ConstantFold<ONNX::RangeOp> {
  using ConstantFold::ConstantFold;
  LogicalResult matchAndRewrite(ONNX::RangeOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr start = getDenseConstant(op.getStart());
    DenseElementsAttr limit = getDenseConstant(op.getLimit());
    DenseElementsAttr delta = getDenseConstant(op.getDelta());
    if (!start || !limit || !delta || start.getNumElements() != 1 ||
        limit.getNumElements() != 1 || delta.getNumElements() != 1)
      return failure();
    Type elementType = start.getElementType();
    SmallVector<Attribute> values;
    if (isa<IntegerType>(elementType)) {
      int64_t s = (*start.getValues<APInt>().begin()).getSExtValue();
      int64_t l = (*limit.getValues<APInt>().begin()).getSExtValue();
      int64_t d = (*delta.getValues<APInt>().begin()).getSExtValue();
      if (d == 0)
        return failure();
      int64_t n = d > 0 ? (l - s + d - 1) / d : (s - l - d - 1) / -d;
      n = std::max<int64_t>(n, 0);
      if (n > maxElements)
        return failure();
      for (int64_t i = 0; i < n; ++i)
        values.push_back(IntegerAttr::get(elementType, s + i * d));
    } else if (isa<FloatType>(elementType)) {
      double s = (*start.getValues<APFloat>().begin()).convertToDouble();
      double l = (*limit.getValues<APFloat>().begin()).convertToDouble();
      double d = (*delta.getValues<APFloat>().begin()).convertToDouble();
      if (d == 0.0)
        return failure();
      double count = std::ceil((l - s) / d);
      if (!(count < static_cast<double>(maxElements)))
        return failure();
      int64_t n = std::max<int64_t>(static_cast<int64_t>(count), 0);
      for (int64_t i = 0; i < n; ++i)
        values.push_back(FloatAttr::get(elementType, s + i * d));
    } else {
      return failure();
    }
    auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                      elementType);
    return replaceWithConstant(rewriter, op,
                               DenseElementsAttr::get(type, values));
  }
};

struct FoldGather : ConstantFold<ONNX::GatherOp> {
  using ConstantFold::ConstantFold;
  LogicalResult matchAndRewrite(ONNX::GatherOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr data = getDenseConstant(op.getData());
    std::optional<SmallVector<int64_t>> indices =
        getConstantInts(op.getIndices());
    auto indicesType = dyn_cast<RankedTensorType>(op.getIndices().getType());
    if (!data || !indices || !indicesType || !indicesType.hasStaticShape())
      return failure();
    ArrayRef<int64_t> dataShape = data.getType().getShape();
    int64_t rank = static_cast<int64_t>(dataShape.size());
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return failure();
    int64_t axisDim = dataShape[axis];
    SmallVector<int64_t> normalized;
    for (int64_t i : *indices) {
      if (i < 0)
        i += axisDim;
      if (i < 0 || i >= axisDim)
        return rewriter.notifyMatchFailure(op, "index out of range");
      normalized.push_back(i);
    }
    SmallVector<int64_t> shape(dataShape.begin(), dataShape.begin() + axis);
    llvm::append_range(shape, indicesType.getShape());
    shape.append(dataShape.begin() + axis + 1, dataShape.end());
    if (numElements(shape) > maxElements)
      return failure();
    // out[outer, idx, inner] = data[outer, indices[idx], inner].
    int64_t outer = numElements(dataShape.take_front(axis));
    int64_t inner = numElements(dataShape.drop_front(axis + 1));
    SmallVector<Attribute> source =
        llvm::to_vector(data.getValues<Attribute>());
    SmallVector<Attribute> values;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t idx : normalized)
        for (int64_t in = 0; in < inner; ++in)
          values.push_back(source[(o * axisDim + idx) * inner + in]);
    auto type = RankedTensorType::get(shape, data.getElementType());
    return replaceWithConstant(rewriter, op,
                               DenseElementsAttr::get(type, values));
  }
};

struct FoldConcat : ConstantFold<ONNX::ConcatOp> {
  using ConstantFold::ConstantFold;
  LogicalResult matchAndRewrite(ONNX::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<DenseElementsAttr> inputs;
    for (Value input : op.getInputs()) {
      DenseElementsAttr attr = getDenseConstant(input);
      if (!attr)
        return failure();
      inputs.push_back(attr);
    }
    if (inputs.empty())
      return failure();
    ArrayRef<int64_t> firstShape = inputs[0].getType().getShape();
    int64_t rank = static_cast<int64_t>(firstShape.size());
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return failure();
    SmallVector<int64_t> shape(firstShape);
    shape[axis] = 0;
    for (DenseElementsAttr input : inputs) {
      ArrayRef<int64_t> s = input.getType().getShape();
      if (static_cast<int64_t>(s.size()) != rank ||
          input.getElementType() != inputs[0].getElementType())
        return failure();
      for (int64_t d = 0; d < rank; ++d)
        if (d != axis && s[d] != firstShape[d])
          return failure();
      shape[axis] += s[axis];
    }
    if (numElements(shape) > maxElements)
      return failure();
    int64_t outer = numElements(ArrayRef(shape).take_front(axis));
    SmallVector<SmallVector<Attribute>> sources;
    for (DenseElementsAttr input : inputs)
      sources.push_back(llvm::to_vector(input.getValues<Attribute>()));
    SmallVector<Attribute> values;
    for (int64_t o = 0; o < outer; ++o) {
      for (auto [input, source] : llvm::zip(inputs, sources)) {
        int64_t chunk =
            numElements(input.getType().getShape().drop_front(axis));
        values.append(source.begin() + o * chunk,
                      source.begin() + (o + 1) * chunk);
      }
    }
    auto type = RankedTensorType::get(shape, inputs[0].getElementType());
    return replaceWithConstant(rewriter, op,
                               DenseElementsAttr::get(type, values));
  }
};

/// Reshape-like folds of constants (Reshape, Squeeze, Unsqueeze): the data
/// is unchanged, only the type is, so no size bound applies.
LogicalResult foldReshapeOfConstant(PatternRewriter &rewriter, Operation *op,
                                    DenseElementsAttr data,
                                    ArrayRef<int64_t> shape) {
  if (numElements(shape) != data.getNumElements())
    return failure();
  auto type = RankedTensorType::get(shape, data.getElementType());
  return replaceWithConstant(rewriter, op, data.reshape(type));
}

/// Returns the shape ONNX Squeeze or Unsqueeze produces from `shape`.
std::optional<SmallVector<int64_t>>
squeezeShape(ArrayRef<int64_t> shape, std::optional<SmallVector<int64_t>> axes,
             bool unsqueeze) {
  int64_t rank = static_cast<int64_t>(shape.size());
  if (unsqueeze) {
    if (!axes)
      return std::nullopt;
    int64_t outRank = rank + static_cast<int64_t>(axes->size());
    SmallVector<bool> isNew(outRank, false);
    for (int64_t a : *axes) {
      if (a < 0)
        a += outRank;
      if (a < 0 || a >= outRank || isNew[a])
        return std::nullopt;
      isNew[a] = true;
    }
    SmallVector<int64_t> result;
    size_t next = 0;
    for (int64_t i = 0; i < outRank; ++i)
      result.push_back(isNew[i] ? 1 : shape[next++]);
    return result;
  }
  SmallVector<bool> drop(rank, false);
  if (!axes) {
    for (int64_t i = 0; i < rank; ++i)
      drop[i] = shape[i] == 1;
  } else {
    for (int64_t a : *axes) {
      if (a < 0)
        a += rank;
      if (a < 0 || a >= rank || shape[a] != 1)
        return std::nullopt;
      drop[a] = true;
    }
  }
  SmallVector<int64_t> result;
  for (int64_t i = 0; i < rank; ++i)
    if (!drop[i])
      result.push_back(shape[i]);
  return result;
}

struct FoldSqueeze : OpRewritePattern<ONNX::SqueezeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNX::SqueezeOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr data = getDenseConstant(op.getData());
    if (!data)
      return failure();
    std::optional<SmallVector<int64_t>> axes;
    if (!isNoValue(op.getAxes())) {
      axes = getConstantInts(op.getAxes());
      if (!axes)
        return failure();
    }
    auto shape = squeezeShape(data.getType().getShape(), axes, false);
    if (!shape)
      return failure();
    return foldReshapeOfConstant(rewriter, op, data, *shape);
  }
};

struct FoldUnsqueeze : OpRewritePattern<ONNX::UnsqueezeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNX::UnsqueezeOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr data = getDenseConstant(op.getData());
    if (!data)
      return failure();
    auto shape = squeezeShape(data.getType().getShape(),
                              getConstantInts(op.getAxes()), true);
    if (!shape)
      return failure();
    return foldReshapeOfConstant(rewriter, op, data, *shape);
  }
};

/// Folds Reshape of a constant, and otherwise refines the result type of a
/// Reshape whose shape is constant (0 and -1 entries resolved).
struct FoldReshape : OpRewritePattern<ONNX::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNX::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType dataType = getStaticType(op.getData());
    std::optional<SmallVector<int64_t>> target = getConstantInts(op.getShape());
    if (!dataType || !target)
      return failure();
    auto shape = computeReshapeShape(dataType.getShape(), *target,
                                     op.getAllowzero() != 0);
    if (!shape)
      return rewriter.notifyMatchFailure(op, "invalid reshape");
    if (DenseElementsAttr data = getDenseConstant(op.getData()))
      return foldReshapeOfConstant(rewriter, op, data, *shape);
    auto refined = RankedTensorType::get(*shape, dataType.getElementType());
    Type oldType = op.getType();
    if (oldType == refined || !canRefine(oldType, refined))
      return failure();
    rewriter.setInsertionPointAfter(op);
    bool foreignUser = llvm::any_of(
        op->getUsers(), [](Operation *user) { return !isONNXOp(user); });
    rewriter.modifyOpInPlace(op, [&] { op.getResult().setType(refined); });
    if (foreignUser) {
      Value cast = tensor::CastOp::create(rewriter, op.getLoc(), oldType,
                                          op.getResult());
      rewriter.replaceUsesWithIf(op.getResult(), cast, [&](OpOperand &use) {
        return use.getOwner() != cast.getDefiningOp() &&
               !isONNXOp(use.getOwner());
      });
    }
    return success();
  }
};

struct FoldSlice : ConstantFold<ONNX::SliceOp> {
  using ConstantFold::ConstantFold;
  LogicalResult matchAndRewrite(ONNX::SliceOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr data = getDenseConstant(op.getData());
    auto starts = getConstantInts(op.getStarts());
    auto ends = getConstantInts(op.getEnds());
    if (!data || !starts || !ends)
      return failure();
    SmallVector<int64_t> axes, steps;
    if (!isNoValue(op.getAxes())) {
      auto values = getConstantInts(op.getAxes());
      if (!values)
        return failure();
      axes = *values;
    }
    if (!isNoValue(op.getSteps())) {
      auto values = getConstantInts(op.getSteps());
      if (!values)
        return failure();
      steps = *values;
    }
    ArrayRef<int64_t> shape = data.getType().getShape();
    auto slice = computeStaticSlice(shape, *starts, *ends, axes, steps);
    if (!slice || numElements(slice->sizes) > maxElements)
      return failure();
    SmallVector<Attribute> source =
        llvm::to_vector(data.getValues<Attribute>());
    SmallVector<int64_t> strides = computeStrides(shape);
    int64_t count = numElements(slice->sizes);
    int64_t rank = static_cast<int64_t>(shape.size());
    SmallVector<Attribute> values;
    values.reserve(count);
    SmallVector<int64_t> index(rank, 0);
    for (int64_t n = 0; n < count; ++n) {
      int64_t linear = 0;
      for (int64_t d = 0; d < rank; ++d)
        linear += (slice->starts[d] + index[d] * slice->steps[d]) * strides[d];
      values.push_back(source[linear]);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < slice->sizes[d])
          break;
        index[d] = 0;
      }
    }
    auto type = RankedTensorType::get(slice->sizes, data.getElementType());
    return replaceWithConstant(rewriter, op,
                               DenseElementsAttr::get(type, values));
  }
};

struct FoldCast : ConstantFold<ONNX::CastOp> {
  using ConstantFold::ConstantFold;
  LogicalResult matchAndRewrite(ONNX::CastOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr data = getDenseConstant(op.getInput());
    if (!data || data.getNumElements() > maxElements)
      return failure();
    Type from = data.getElementType();
    Type to = resultElementType(op);
    if (!from.isIntOrFloat() || !to.isIntOrFloat())
      return failure();
    SmallVector<Attribute> values;
    for (Attribute element : data.getValues<Attribute>()) {
      Attribute converted = castElement(element, from, to);
      if (!converted)
        return failure();
      values.push_back(converted);
    }
    auto type = RankedTensorType::get(data.getType().getShape(), to);
    return replaceWithConstant(rewriter, op,
                               DenseElementsAttr::get(type, values));
  }
};

/// Integer Add/Sub/Mul/Div on constants, with numpy broadcasting.
template <typename OpTy> struct FoldIntArithmetic : ConstantFold<OpTy> {
  using ConstantFold<OpTy>::ConstantFold;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr lhs = getDenseConstant(op.getA());
    DenseElementsAttr rhs = getDenseConstant(op.getB());
    if (!lhs || !rhs || lhs.getElementType() != rhs.getElementType())
      return failure();
    auto intType = dyn_cast<IntegerType>(lhs.getElementType());
    if (!intType || intType.getWidth() == 1)
      return failure();
    ArrayRef<int64_t> lhsShape = lhs.getType().getShape();
    ArrayRef<int64_t> rhsShape = rhs.getType().getShape();
    auto shape = broadcastShapes(lhsShape, rhsShape);
    if (!shape || numElements(*shape) > this->maxElements)
      return failure();
    SmallVector<APInt> a = llvm::to_vector(lhs.getValues<APInt>());
    SmallVector<APInt> b = llvm::to_vector(rhs.getValues<APInt>());
    int64_t rank = static_cast<int64_t>(shape->size());
    auto stridesFor = [&](ArrayRef<int64_t> s) {
      // Broadcast strides: 0 for size-1 (or missing) dimensions.
      SmallVector<int64_t> own = computeStrides(s);
      SmallVector<int64_t> result(rank, 0);
      int64_t offset = rank - static_cast<int64_t>(s.size());
      for (int64_t d = 0; d < static_cast<int64_t>(s.size()); ++d)
        result[offset + d] = s[d] == 1 ? 0 : own[d];
      return result;
    };
    SmallVector<int64_t> aStrides = stridesFor(lhsShape);
    SmallVector<int64_t> bStrides = stridesFor(rhsShape);
    bool isUnsigned = intType.isUnsigned();
    int64_t count = numElements(*shape);
    SmallVector<APInt> values;
    values.reserve(count);
    SmallVector<int64_t> index(rank, 0);
    for (int64_t n = 0; n < count; ++n) {
      int64_t ai = 0, bi = 0;
      for (int64_t d = 0; d < rank; ++d) {
        ai += index[d] * aStrides[d];
        bi += index[d] * bStrides[d];
      }
      const APInt &x = a[ai];
      const APInt &y = b[bi];
      if constexpr (std::is_same_v<OpTy, ONNX::AddOp>) {
        values.push_back(x + y);
      } else if constexpr (std::is_same_v<OpTy, ONNX::SubOp>) {
        values.push_back(x - y);
      } else if constexpr (std::is_same_v<OpTy, ONNX::MulOp>) {
        values.push_back(x * y);
      } else {
        if (y.isZero())
          return rewriter.notifyMatchFailure(op, "division by zero");
        values.push_back(isUnsigned ? x.udiv(y) : x.sdiv(y));
      }
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < (*shape)[d])
          break;
        index[d] = 0;
      }
    }
    auto type = RankedTensorType::get(*shape, intType);
    return replaceWithConstant(rewriter, op,
                               DenseElementsAttr::get(type, values));
  }
};

/// Integer Neg on a constant (shape arithmetic such as -rank).
struct FoldIntNeg : ConstantFold<ONNX::NegOp> {
  using ConstantFold::ConstantFold;
  LogicalResult matchAndRewrite(ONNX::NegOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr value = getDenseConstant(op.getX());
    if (!value || value.getNumElements() > maxElements)
      return failure();
    auto intType = dyn_cast<IntegerType>(value.getElementType());
    if (!intType || intType.getWidth() == 1 || intType.isUnsigned())
      return failure();
    SmallVector<APInt> values;
    for (const APInt &v : value.getValues<APInt>())
      values.push_back(-v);
    return replaceWithConstant(rewriter, op,
                               DenseElementsAttr::get(value.getType(), values));
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

struct ONNXFoldShapesPass
    : zellige::impl::ONNXFoldShapesBase<ONNXFoldShapesPass> {
  using ONNXFoldShapesBase::ONNXFoldShapesBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<NormalizeConstant, ForwardIdentity, ForwardDropout, FoldShape,
                 FoldSize, FoldConstantOfShape, FoldSqueeze, FoldUnsqueeze,
                 FoldReshape>(ctx);
    int64_t limit = maxElements;
    patterns.add<FoldRange, FoldGather, FoldConcat, FoldSlice, FoldCast,
                 FoldIntArithmetic<ONNX::AddOp>, FoldIntArithmetic<ONNX::SubOp>,
                 FoldIntArithmetic<ONNX::MulOp>, FoldIntArithmetic<ONNX::DivOp>,
                 FoldIntNeg>(ctx, limit);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void zellige::registerONNXTransformsPasses() { registerZelligeONNXPasses(); }
