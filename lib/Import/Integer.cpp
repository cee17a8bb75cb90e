//===- Integer.cpp - Integer and quantized MatMul and Conv ----------------===//
//
// MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv become the
// arithmetic their definitions spell out, in ONNX operations that every
// target compiles:
//
//   MatMulInteger  int32 MatMul of (A - a_zero_point) and (B - b_zero_point)
//   ConvInteger    f64 Conv of the shifted operands, cast to int32 (sums of
//                  int8 products are exact in f64 far past any real size)
//   QLinear*       the integer result (+ the int32 bias B of QLinearConv)
//                  times the f32 multiplier scale_a * scale_b / scale_y,
//                  in f64 as the reference computes it, then Round (half to
//                  even), + y_zero_point, Clip to the output type, Cast.
//
// Zero points and scales of one element are per tensor; a 1-D one of more
// is per row of A / per column of B, or per output channel of a Conv.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/BuiltinTypes.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace zellige::import_detail;

bool GraphImporter::isIntegerLinearOperator(llvm::StringRef opType) {
  return opType == "MatMulInteger" || opType == "ConvInteger" ||
         opType == "QLinearMatMul" || opType == "QLinearConv";
}

LogicalResult GraphImporter::importIntegerLinearNode(
    const onnx::NodeProto &node, Location loc, const std::string &prefix) {
  auto fail = [&](const llvm::Twine &message) {
    return nodeError(loc, prefix, message);
  };
  const std::string &opType = node.op_type();
  bool isConv = StringRef(opType).contains("Conv");
  bool quantized = StringRef(opType).starts_with("QLinear");
  if (node.output_size() != 1 || node.output(0).empty())
    return fail("needs one output");
  auto typeIt = valueTypes.find(node.output(0));
  if (typeIt == valueTypes.end())
    return fail("the type of output '" + node.output(0) + "' is unknown");
  auto resultType = dyn_cast_or_null<RankedTensorType>(
      convertType(*typeIt->second, loc, prefix + "output"));
  if (!resultType || !resultType.hasStaticShape())
    return fail("needs an output of static shape");

  auto input = [&](int index) { return staticInput(node, index, loc, prefix); };
  // Operand positions: (x, zero point, scale) for the two operands, then the
  // output's scale and zero point, and QLinearConv's bias.
  int a = 0, b = quantized ? 3 : 1;
  int aZero = 2, bZero = quantized ? 5 : 3;
  int aScale = 1, bScale = 4, yScale = 6, yZero = 7, bias = 8;
  FailureOr<Value> lhs = input(a), rhs = input(b), lhsZero = input(aZero),
                   rhsZero = input(bZero);
  if (failed(lhs) || failed(rhs) || failed(lhsZero) || failed(rhsZero) ||
      !*lhs || !*rhs)
    return failed(lhs) || failed(rhs) || failed(lhsZero) || failed(rhsZero)
               ? failure()
               : fail("needs both operands");

  Type f64 = builder.getF64Type(), i32 = builder.getI32Type();
  Type computeType = isConv ? f64 : i32;
  auto castTo = [&](Value v, Type element) -> Value {
    if (!v || cast<RankedTensorType>(v.getType()).getElementType() == element)
      return v;
    int64_t to = element.isF64()   ? onnx::TensorProto::DOUBLE
                 : element.isF32() ? onnx::TensorProto::FLOAT
                                   : onnx::TensorProto::INT32;
    return createOp("Cast", v,
                    cast<RankedTensorType>(v.getType()).clone(element),
                    {builder.getNamedAttr("to", builder.getI64IntegerAttr(to))},
                    loc, prefix);
  };
  auto reshape = [&](Value v, ArrayRef<int64_t> shape) -> Value {
    if (!v)
      return {};
    return createOp("Reshape", {v, createI64Constant(shape, false, loc)},
                    cast<RankedTensorType>(v.getType()).clone(shape), {}, loc,
                    prefix);
  };
  // A per-tensor or per-axis parameter shaped to broadcast against a tensor
  // of `rank`: its elements along dimension `axis`.
  auto alongAxis = [&](Value param, int64_t rank, int64_t axis) -> Value {
    auto type = cast<RankedTensorType>(param.getType());
    if (type.getNumElements() == 1)
      return reshape(param, {});
    SmallVector<int64_t> shape(rank, 1);
    shape[axis] = type.getNumElements();
    return reshape(param, shape);
  };
  // operand - zero point, in the compute type.
  auto shifted = [&](Value x, Value zero, int64_t axis) -> Value {
    Value wide = castTo(x, computeType);
    if (!zero)
      return wide;
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    return createBinary("Sub", wide,
                        alongAxis(castTo(zero, computeType), rank,
                                  axis < 0 ? axis + rank : axis),
                        loc, prefix);
  };
  int64_t lhsRank = cast<RankedTensorType>((*lhs).getType()).getRank();
  Value x = shifted(*lhs, *lhsZero, isConv ? 0 : (lhsRank >= 2 ? -2 : 0));
  // B's zero point is per column (its last dimension); W's per output
  // channel (its first).
  Value w = shifted(*rhs, *rhsZero, isConv ? 0 : -1);
  if (!x || !w)
    return failure();

  Value acc;
  if (isConv) {
    SmallVector<NamedAttribute> attrs;
    if (failed(convertAttributes(node, loc, prefix, attrs)))
      return failure();
    acc = createOp("Conv", {x, w, getNoValue()}, resultType.clone(f64), attrs,
                   loc, prefix);
  } else {
    acc = createOp("MatMul", {x, w}, resultType.clone(i32), {}, loc, prefix);
  }
  if (!acc)
    return failure();
  if (!quantized) {
    // MatMul accumulates in int32 already.
    Value result = isConv ? castTo(acc, i32) : acc;
    if (!result)
      return failure();
    values[node.output(0)] = result;
    return success();
  }

  // Requantization.
  FailureOr<Value> sa = input(aScale), sb = input(bScale), sy = input(yScale),
                   zy = input(yZero), b32 = input(bias);
  if (failed(sa) || failed(sb) || failed(sy) || failed(zy) || failed(b32))
    return failure();
  if (!*sa || !*sb || !*sy)
    return fail("needs the scales of both operands and of the output");
  int64_t rank = resultType.getRank();
  // Per output channel for Conv (dimension 1), per row / column for MatMul.
  Value scaleA = alongAxis(*sa, rank, isConv ? 1 : rank - 2);
  Value scaleB = alongAxis(*sb, rank, isConv ? 1 : rank - 1);
  Value multiplier =
      createBinary("Div", createBinary("Mul", scaleA, scaleB, loc, prefix),
                   alongAxis(*sy, rank, 0), loc, prefix);
  Value total = castTo(acc, f64);
  if (*b32)
    total = createBinary("Add", total,
                         alongAxis(castTo(*b32, f64), rank, isConv ? 1 : 0),
                         loc, prefix);
  Value scaled =
      createBinary("Mul", total, castTo(multiplier, f64), loc, prefix);
  if (!scaled)
    return failure();
  Value rounded = createOp("Round", scaled, scaled.getType(), {}, loc, prefix);
  if (*zy)
    rounded = createBinary("Add", rounded, alongAxis(castTo(*zy, f64), rank, 0),
                           loc, prefix);
  Type outElement = resultType.getElementType();
  bool isUnsigned = outElement.isUnsignedInteger();
  unsigned width = outElement.getIntOrFloatBitWidth();
  double lo = isUnsigned ? 0.0 : -double(int64_t(1) << (width - 1));
  double hi = isUnsigned ? double((uint64_t(1) << width) - 1)
                         : double((int64_t(1) << (width - 1)) - 1);
  auto f64Scalar = [&](double v) {
    return createSplat(RankedTensorType::get({}, f64), v, loc);
  };
  Value clipped =
      rounded ? createOp("Clip", {rounded, f64Scalar(lo), f64Scalar(hi)},
                         rounded.getType(), {}, loc, prefix)
              : Value();
  if (!clipped)
    return failure();
  int64_t to = isUnsigned ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
  Value result = createOp(
      "Cast", clipped, resultType,
      {builder.getNamedAttr("to", builder.getI64IntegerAttr(to))}, loc, prefix);
  return bindOutput(node, 0, result);
}
