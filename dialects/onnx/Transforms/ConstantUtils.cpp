//===- ConstantUtils.cpp - Reading onnx constants ---------------*- C++ -*-===//
//
// This file implements the helpers that read `onnx.Constant` values in their
// several attribute forms, and dense values of other constant producers.
//
//===----------------------------------------------------------------------===//

#include "dialects/onnx/Transforms/ConstantUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>

using namespace mlir;

/// Returns `resultType` when it is a static tensor with `count` elements,
/// else a 1-D (or 0-D when `scalar`) tensor type of `elementType`.
static RankedTensorType pickConstantType(Type resultType, Type elementType,
                                         int64_t count, bool scalar) {
  auto ranked = dyn_cast<RankedTensorType>(resultType);
  if (ranked && ranked.hasStaticShape() && ranked.getNumElements() == count &&
      ranked.getElementType() == elementType)
    return ranked;
  if (scalar)
    return RankedTensorType::get({}, elementType);
  return RankedTensorType::get({count}, elementType);
}

ElementsAttr zellige::getONNXConstantValue(ONNX::ConstantOp op) {
  if (auto value = op.getValueAttr())
    return value;
  Builder b(op.getContext());
  Type resultType = op.getResult().getType();
  if (auto f = op.getValueFloatAttr()) {
    auto type = pickConstantType(resultType, b.getF32Type(), 1, true);
    return DenseElementsAttr::get(type, f.getValue());
  }
  if (auto floats = op.getValueFloatsAttr()) {
    SmallVector<float> values;
    for (Attribute a : floats)
      values.push_back(cast<FloatAttr>(a).getValue().convertToFloat());
    auto type = pickConstantType(resultType, b.getF32Type(),
                                 static_cast<int64_t>(values.size()), false);
    return DenseElementsAttr::get(type, ArrayRef<float>(values));
  }
  if (auto i = op.getValueIntAttr()) {
    auto type = pickConstantType(resultType, b.getI64Type(), 1, true);
    return DenseElementsAttr::get(type, i.getInt());
  }
  if (auto ints = op.getValueIntsAttr()) {
    SmallVector<int64_t> values;
    for (Attribute a : ints)
      values.push_back(cast<IntegerAttr>(a).getInt());
    auto type = pickConstantType(resultType, b.getI64Type(),
                                 static_cast<int64_t>(values.size()), false);
    return DenseElementsAttr::get(type, ArrayRef<int64_t>(values));
  }
  return nullptr;
}

DenseElementsAttr zellige::getDenseConstant(Value value) {
  if (!value)
    return nullptr;
  if (auto constant = value.getDefiningOp<ONNX::ConstantOp>())
    return dyn_cast_or_null<DenseElementsAttr>(getONNXConstantValue(constant));
  DenseElementsAttr attr;
  if (matchPattern(value, m_Constant(&attr)))
    return attr;
  return nullptr;
}

std::optional<SmallVector<int64_t>> zellige::getConstantInts(Value value) {
  DenseElementsAttr attr = getDenseConstant(value);
  if (!attr)
    return std::nullopt;
  auto intType = dyn_cast<IntegerType>(attr.getElementType());
  if (!intType)
    return std::nullopt;
  SmallVector<int64_t> result;
  result.reserve(attr.getNumElements());
  for (const APInt &v : attr.getValues<APInt>())
    result.push_back(intType.isUnsigned() || intType.getWidth() == 1
                         ? static_cast<int64_t>(v.getZExtValue())
                         : v.getSExtValue());
  return result;
}

bool zellige::isNoValue(Value value) {
  return !value || isa<NoneType>(value.getType()) ||
         value.getDefiningOp<ONNX::NoValueOp>();
}

std::optional<zellige::StaticSlice>
zellige::computeStaticSlice(ArrayRef<int64_t> shape, ArrayRef<int64_t> starts,
                            ArrayRef<int64_t> ends, ArrayRef<int64_t> axes,
                            ArrayRef<int64_t> steps) {
  int64_t rank = static_cast<int64_t>(shape.size());
  if (starts.size() != ends.size() ||
      (!axes.empty() && axes.size() != starts.size()) ||
      (!steps.empty() && steps.size() != starts.size()))
    return std::nullopt;
  StaticSlice slice;
  slice.starts.assign(rank, 0);
  slice.sizes.assign(shape.begin(), shape.end());
  slice.steps.assign(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = axes.empty() ? static_cast<int64_t>(i) : axes[i];
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank || seen[axis])
      return std::nullopt;
    seen[axis] = true;
    int64_t step = steps.empty() ? 1 : steps[i];
    if (step == 0)
      return std::nullopt;
    int64_t dim = shape[axis];
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start = start < -dim ? 0 : start + dim;
    if (end < 0)
      end = end < -dim ? -1 : end + dim;
    int64_t size;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      size = start > end ? (start - end - step - 1) / -step : 0;
    }
    slice.starts[axis] = start;
    slice.sizes[axis] = size;
    slice.steps[axis] = step;
  }
  return slice;
}

std::optional<SmallVector<int64_t>>
zellige::computeReshapeShape(ArrayRef<int64_t> shape, ArrayRef<int64_t> target,
                             bool allowZero) {
  int64_t total = 1;
  for (int64_t d : shape)
    total *= d;
  SmallVector<int64_t> result;
  int64_t known = 1;
  int inferred = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    int64_t d = target[i];
    if (d == 0 && !allowZero) {
      if (i >= shape.size())
        return std::nullopt;
      d = shape[i];
    } else if (d == -1) {
      if (inferred >= 0)
        return std::nullopt;
      inferred = static_cast<int>(i);
      result.push_back(-1);
      continue;
    } else if (d < 0) {
      return std::nullopt;
    }
    known *= d;
    result.push_back(d);
  }
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return std::nullopt;
    result[inferred] = total / known;
  } else if (known != total) {
    return std::nullopt;
  }
  return result;
}

std::optional<SmallVector<int64_t>>
zellige::broadcastShapes(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t a = i < lhs.size() ? lhs[lhs.size() - 1 - i] : 1;
    int64_t b = i < rhs.size() ? rhs[rhs.size() - 1 - i] : 1;
    if (a != b && a != 1 && b != 1)
      return std::nullopt;
    result[rank - 1 - i] = a == 1 ? b : a;
  }
  return result;
}
