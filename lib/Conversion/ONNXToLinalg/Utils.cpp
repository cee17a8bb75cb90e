//===- Utils.cpp - Shared onnx-to-linalg lowering helpers -------*- C++ -*-===//
//
// This file implements the helpers declared in ONNXToLinalgCommon.h: scalar
// arithmetic by element kind, broadcasting maps, elementwise and reduction
// linalg.generic builders, reshapes, padding and transposes.
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;

namespace zellige::onnx_to_linalg {

bool isStaticTensor(Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  return ranked && ranked.hasStaticShape();
}

bool isUnsignedType(Type type) {
  return getElementTypeOrSelf(type).isUnsignedInteger();
}

Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                   Value value) {
  Value empty = createEmpty(b, loc, type);
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty})
      .getResult(0);
}

Value createScalar(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, FloatAttr::get(floatType, value));
  auto intType = cast<IntegerType>(type);
  if (intType.getWidth() == 1)
    return arith::ConstantOp::create(
        b, loc, IntegerAttr::get(intType, value != 0.0 ? 1 : 0));
  return arith::ConstantOp::create(
      b, loc, IntegerAttr::get(intType, static_cast<int64_t>(value)));
}

static Value createLimit(OpBuilder &b, Location loc, ScalarKind kind,
                         bool lowest) {
  if (auto floatType = dyn_cast<FloatType>(kind.type))
    return arith::ConstantOp::create(
        b, loc,
        FloatAttr::get(floatType,
                       APFloat::getInf(floatType.getFloatSemantics(), lowest)));
  auto intType = cast<IntegerType>(kind.type);
  unsigned width = intType.getWidth();
  APInt value;
  if (kind.isUnsigned || width == 1)
    value = lowest ? APInt::getMinValue(width) : APInt::getMaxValue(width);
  else
    value = lowest ? APInt::getSignedMinValue(width)
                   : APInt::getSignedMaxValue(width);
  return arith::ConstantOp::create(b, loc, IntegerAttr::get(intType, value));
}

Value createLowest(OpBuilder &b, Location loc, ScalarKind kind) {
  return createLimit(b, loc, kind, /*lowest=*/true);
}

Value createHighest(OpBuilder &b, Location loc, ScalarKind kind) {
  return createLimit(b, loc, kind, /*lowest=*/false);
}

Value buildAdd(OpBuilder &b, Location loc, ScalarKind kind, Value x, Value y) {
  if (kind.isFloat())
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

Value buildSub(OpBuilder &b, Location loc, ScalarKind kind, Value x, Value y) {
  if (kind.isFloat())
    return arith::SubFOp::create(b, loc, x, y);
  return arith::SubIOp::create(b, loc, x, y);
}

Value buildMul(OpBuilder &b, Location loc, ScalarKind kind, Value x, Value y) {
  if (kind.isFloat())
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

Value buildDiv(OpBuilder &b, Location loc, ScalarKind kind, Value x, Value y) {
  if (kind.isFloat())
    return arith::DivFOp::create(b, loc, x, y);
  if (kind.isUnsigned)
    return arith::DivUIOp::create(b, loc, x, y);
  return arith::DivSIOp::create(b, loc, x, y);
}

Value buildMax(OpBuilder &b, Location loc, ScalarKind kind, Value x, Value y) {
  if (kind.isFloat())
    return arith::MaximumFOp::create(b, loc, x, y);
  if (kind.isUnsigned)
    return arith::MaxUIOp::create(b, loc, x, y);
  return arith::MaxSIOp::create(b, loc, x, y);
}

Value buildMin(OpBuilder &b, Location loc, ScalarKind kind, Value x, Value y) {
  if (kind.isFloat())
    return arith::MinimumFOp::create(b, loc, x, y);
  if (kind.isUnsigned)
    return arith::MinUIOp::create(b, loc, x, y);
  return arith::MinSIOp::create(b, loc, x, y);
}

/// Rounds the f32 `value` to bf16 (nearest even, NaN kept quiet) with
/// integer arithmetic: a truncf to bf16 needs a runtime helper on CPUs
/// without native bf16 conversions.
static Value truncToBF16(OpBuilder &b, Location loc, Value value) {
  Type i32 = b.getI32Type(), i16 = b.getI16Type();
  auto c32 = [&](int64_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  Value bits = arith::BitcastOp::create(b, loc, i32, value);
  Value high = arith::ShRUIOp::create(b, loc, bits, c32(16));
  Value lsb = arith::AndIOp::create(b, loc, high, c32(1));
  Value rounded = arith::AddIOp::create(
      b, loc, bits, arith::AddIOp::create(b, loc, lsb, c32(0x7FFF)));
  Value top = arith::ShRUIOp::create(b, loc, rounded, c32(16));
  Value quiet = arith::OrIOp::create(b, loc, high, c32(0x40));
  Value isNaN =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, value, value);
  Value result = arith::SelectOp::create(b, loc, isNaN, quiet, top);
  return arith::BitcastOp::create(b, loc, b.getBF16Type(),
                                  arith::TruncIOp::create(b, loc, i16, result));
}

Value convertScalar(OpBuilder &b, Location loc, Value value, ScalarKind from,
                    Type to, bool toUnsigned) {
  if (isa<BFloat16Type>(to) && !isa<BFloat16Type>(value.getType())) {
    Value f32 = convertScalar(b, loc, value, from, b.getF32Type(), false);
    return truncToBF16(b, loc, f32);
  }
  Type fromType = value.getType();
  if (fromType == to)
    return value;
  auto toFloat = dyn_cast<FloatType>(to);
  auto toInt = dyn_cast<IntegerType>(to);
  if (auto fromFloat = dyn_cast<FloatType>(fromType)) {
    if (toFloat) {
      if (fromFloat.getWidth() < toFloat.getWidth())
        return arith::ExtFOp::create(b, loc, to, value);
      if (fromFloat.getWidth() > toFloat.getWidth())
        return arith::TruncFOp::create(b, loc, to, value);
      // Same width, different formats (f16 and bf16): go through f32.
      Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
      return arith::TruncFOp::create(b, loc, to, wide);
    }
    if (toInt.getWidth() == 1) {
      Value zero = createScalar(b, loc, fromType, 0.0);
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, value,
                                   zero);
    }
    if (toUnsigned)
      return arith::FPToUIOp::create(b, loc, to, value);
    return arith::FPToSIOp::create(b, loc, to, value);
  }
  auto fromInt = cast<IntegerType>(fromType);
  bool fromUnsigned = from.isUnsigned || fromInt.getWidth() == 1;
  if (toFloat) {
    if (fromUnsigned)
      return arith::UIToFPOp::create(b, loc, to, value);
    return arith::SIToFPOp::create(b, loc, to, value);
  }
  if (toInt.getWidth() == 1) {
    Value zero = createScalar(b, loc, fromType, 0.0);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, value, zero);
  }
  if (fromInt.getWidth() < toInt.getWidth()) {
    if (fromUnsigned)
      return arith::ExtUIOp::create(b, loc, to, value);
    return arith::ExtSIOp::create(b, loc, to, value);
  }
  if (fromInt.getWidth() > toInt.getWidth())
    return arith::TruncIOp::create(b, loc, to, value);
  return value;
}

AffineMap getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                          ArrayRef<int64_t> resultShape) {
  int64_t rank = static_cast<int64_t>(resultShape.size());
  int64_t offset = rank - static_cast<int64_t>(operandShape.size());
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0, e = static_cast<int64_t>(operandShape.size()); i < e;
       ++i) {
    if (operandShape[i] == 1 && resultShape[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

AffineMap getReducedMap(MLIRContext *ctx, int64_t rank,
                        ArrayRef<int64_t> reducedDims) {
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i)
    if (!llvm::is_contained(reducedDims, i))
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, const BodyBuilder &body,
                       ArrayRef<AffineMap> maps) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> indexingMaps;
  if (maps.empty()) {
    for (Value input : inputs)
      indexingMaps.push_back(getBroadcastMap(
          ctx, cast<RankedTensorType>(input.getType()).getShape(),
          resultType.getShape()));
  } else {
    indexingMaps.append(maps.begin(), maps.end());
  }
  indexingMaps.push_back(b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value init = createEmpty(b, loc, resultType);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, indexingMaps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value buildReduction(OpBuilder &b, Location loc, ArrayRef<int64_t> loopShape,
                     ArrayRef<int64_t> reducedDims, Type accType, Value init,
                     ValueRange inputs, const BodyBuilder &body,
                     ArrayRef<AffineMap> maps) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = static_cast<int64_t>(loopShape.size());
  SmallVector<int64_t> resultShape;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < rank; ++i) {
    if (llvm::is_contained(reducedDims, i)) {
      iterators.push_back(utils::IteratorType::reduction);
    } else {
      iterators.push_back(utils::IteratorType::parallel);
      resultShape.push_back(loopShape[i]);
    }
  }
  SmallVector<AffineMap> indexingMaps;
  if (maps.empty())
    indexingMaps.assign(inputs.size(), b.getMultiDimIdentityMap(rank));
  else
    indexingMaps.append(maps.begin(), maps.end());
  indexingMaps.push_back(getReducedMap(ctx, rank, reducedDims));
  auto resultType = RankedTensorType::get(resultShape, accType);
  Value filled = createFilled(b, loc, resultType, init);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{filled}, indexingMaps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value result = body(nested, nestedLoc, args);
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value reshapeTo(OpBuilder &b, Location loc, Value value,
                RankedTensorType type) {
  auto source = cast<RankedTensorType>(value.getType());
  if (source.getShape() == type.getShape())
    return value;
  if (source.getRank() > type.getRank()) {
    if (auto reassociation = getReassociationIndicesForCollapse(
            source.getShape(), type.getShape()))
      return tensor::CollapseShapeOp::create(b, loc, type, value,
                                             *reassociation);
  } else if (source.getRank() < type.getRank()) {
    if (auto reassociation = getReassociationIndicesForCollapse(
            type.getShape(), source.getShape()))
      return tensor::ExpandShapeOp::create(b, loc, type, value, *reassociation);
  }
  auto shapeType =
      RankedTensorType::get({type.getRank()}, b.getIntegerType(64));
  Value shape = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(shapeType, type.getShape()));
  return tensor::ReshapeOp::create(b, loc, type, value, shape);
}

Value padTensor(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> low,
                ArrayRef<int64_t> high, Value padValue) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return value;
  auto source = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(source.getShape());
  SmallVector<OpFoldResult> lowSizes, highSizes;
  for (size_t i = 0; i < shape.size(); ++i) {
    shape[i] += low[i] + high[i];
    lowSizes.push_back(b.getIndexAttr(low[i]));
    highSizes.push_back(b.getIndexAttr(high[i]));
  }
  auto type = RankedTensorType::get(shape, source.getElementType());
  return tensor::PadOp::create(b, loc, type, value, lowSizes, highSizes,
                               padValue);
}

Value transposeTensor(OpBuilder &b, Location loc, Value value,
                      ArrayRef<int64_t> perm) {
  auto source = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(source.getDimSize(p));
  Value init = createEmpty(
      b, loc, RankedTensorType::get(shape, source.getElementType()));
  return linalg::TransposeOp::create(b, loc, value, init, perm)->getResult(0);
}

SmallVector<int64_t> getI64Array(std::optional<ArrayAttr> attr,
                                 ArrayRef<int64_t> fallback) {
  if (!attr || !*attr)
    return SmallVector<int64_t>(fallback);
  SmallVector<int64_t> values;
  for (Attribute a : *attr)
    values.push_back(cast<IntegerAttr>(a).getInt());
  return values;
}

void replaceLeadingResults(ConversionPatternRewriter &rewriter, Operation *op,
                           ValueRange values) {
  SmallVector<Value> replacements(values);
  replacements.resize(op->getNumResults(), Value());
  rewriter.replaceOp(op, replacements);
}

double toDouble(const APFloat &value) {
  APFloat copy = value;
  bool lost;
  copy.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  return copy.convertToDouble();
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  return axis;
}

} // namespace zellige::onnx_to_linalg
