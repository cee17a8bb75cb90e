//===- Training.cpp - The training domain's optimizers --------------------===//
//
// Adagrad, Adam and Momentum from ai.onnx.preview.training update several
// tensors at once: inputs R (learning rate) and T (update count), then one
// group per optimized tensor X (X..., G..., and the optimizer's state).
// Each becomes elementwise ONNX operations per tensor, following the
// operator definitions:
//
//   G' = norm_coefficient * X + G                        (all three)
//   Adagrad:  r = R / (1 + T * decay_factor)
//             H_new = H + G' * G'
//             X_new = X - r * G' / (sqrt(H_new) + epsilon)
//   Momentum: V_new = alpha * V + (T > 0 ? beta : 1) * G'
//             X_new = X - R * V_new                       (standard)
//             X_new = X - R * (G' + alpha * V_new)        (nesterov)
//   Adam:     V_new = alpha * V + (1 - alpha) * G'
//             H_new = beta * H + (1 - beta) * G' * G'
//             R' = T > 0 ? R * sqrt(1 - beta^T) / (1 - alpha^T) : R
//             X_new = (1 - norm_coefficient_post) *
//                     (X - R' * V_new / (sqrt(H_new) + epsilon))
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/BuiltinTypes.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace zellige::import_detail;

bool GraphImporter::isOptimizerOperator(llvm::StringRef opType) {
  return opType == "Adagrad" || opType == "Adam" || opType == "Momentum";
}

LogicalResult GraphImporter::importOptimizerNode(const onnx::NodeProto &node,
                                                 Location loc,
                                                 const std::string &prefix) {
  auto fail = [&](const llvm::Twine &message) {
    return nodeError(loc, prefix, message);
  };
  const std::string &opType = node.op_type();
  // Tensors of state per optimized tensor, besides X and G.
  int state = opType == "Adam" ? 2 : 1;
  int groups = (node.input_size() - 2) / (2 + state);
  if (node.input_size() < 2 || groups < 1 ||
      node.input_size() != 2 + groups * (2 + state))
    return fail("expects R, T, then " + llvm::Twine(2 + state) +
                " inputs per optimized tensor");
  if (node.output_size() != groups * (1 + state))
    return fail("expects " + llvm::Twine(groups * (1 + state)) + " outputs");

  auto floatAttr = [&](llvm::StringRef name, double defaultValue) {
    for (const onnx::AttributeProto &attr : node.attribute())
      if (attr.name() == name)
        return double(attr.f());
    return defaultValue;
  };
  std::string mode = "standard";
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == "mode")
      mode = attr.s();
  if (opType == "Momentum" && mode != "standard" && mode != "nesterov")
    return fail("mode '" + mode + "' is not 'standard' or 'nesterov'");

  SmallVector<Value> inputs;
  for (const std::string &name : node.input()) {
    Value value = lookupValue(name, loc, prefix);
    if (!value)
      return failure();
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !type.hasStaticShape())
      return fail("input '" + name + "' needs a static shape");
    inputs.push_back(value);
  }
  Value r = inputs[0], t = inputs[1];
  auto floatType =
      dyn_cast<FloatType>(cast<RankedTensorType>(r.getType()).getElementType());
  if (!floatType)
    return fail("the learning rate R must be floating-point");

  auto bin = [&](StringRef op, Value a, Value b) {
    return createBinary(op, a, b, loc, prefix);
  };
  auto scalar = [&](double v) {
    return createSplat(RankedTensorType::get({}, floatType), v, loc);
  };
  auto sqrt = [&](Value a) -> Value {
    return a ? createOp("Sqrt", a, a.getType(), {}, loc, prefix) : Value();
  };
  // T as a float scalar, and whether it is positive.
  Value tFloat =
      createOp("Cast", t, RankedTensorType::get({}, floatType),
               {builder.getNamedAttr(
                   "to", builder.getI64IntegerAttr(
                             floatType.isF64() ? onnx::TensorProto::DOUBLE
                                               : onnx::TensorProto::FLOAT))},
               loc, prefix);
  Value positive = createBinary("Greater", tFloat, scalar(0.0), loc, prefix,
                                builder.getI1Type());
  auto where = [&](Value cond, Value a, Value b) -> Value {
    if (!cond || !a || !b)
      return {};
    return createOp("Where", {cond, a, b}, a.getType(), {}, loc, prefix);
  };

  double norm = floatAttr("norm_coefficient", 0.0);
  SmallVector<Value> results(node.output_size());
  for (int i = 0; i < groups; ++i) {
    Value x = inputs[2 + i], g = inputs[2 + groups + i];
    Value s1 = inputs[2 + 2 * groups + i];
    Value gReg = bin("Add", bin("Mul", scalar(norm), x), g);
    if (opType == "Adagrad") {
      Value rate =
          bin("Div", r,
              bin("Add", scalar(1.0),
                  bin("Mul", tFloat, scalar(floatAttr("decay_factor", 0.0)))));
      Value hNew = bin("Add", s1, bin("Mul", gReg, gReg));
      Value denom = bin("Add", sqrt(hNew), scalar(floatAttr("epsilon", 1e-6)));
      results[i] = bin("Sub", x, bin("Div", bin("Mul", rate, gReg), denom));
      results[groups + i] = hNew;
    } else if (opType == "Momentum") {
      double alpha = floatAttr("alpha", 0.0), beta = floatAttr("beta", 0.0);
      Value betaAdjusted = where(positive, scalar(beta), scalar(1.0));
      Value vNew = bin("Add", bin("Mul", scalar(alpha), s1),
                       bin("Mul", betaAdjusted, gReg));
      Value step = mode == "standard"
                       ? vNew
                       : bin("Add", gReg, bin("Mul", scalar(alpha), vNew));
      results[i] = bin("Sub", x, bin("Mul", r, step));
      results[groups + i] = vNew;
    } else {
      double alpha = floatAttr("alpha", 0.9), beta = floatAttr("beta", 0.999);
      Value s2 = inputs[2 + 3 * groups + i];
      Value vNew = bin("Add", bin("Mul", scalar(alpha), s1),
                       bin("Mul", scalar(1.0 - alpha), gReg));
      Value hNew = bin("Add", bin("Mul", scalar(beta), s2),
                       bin("Mul", scalar(1.0 - beta), bin("Mul", gReg, gReg)));
      Value hSqrt = bin("Add", sqrt(hNew), scalar(floatAttr("epsilon", 1e-6)));
      Value corrected = bin(
          "Div",
          bin("Mul", r,
              sqrt(bin("Sub", scalar(1.0), bin("Pow", scalar(beta), tFloat)))),
          bin("Sub", scalar(1.0), bin("Pow", scalar(alpha), tFloat)));
      Value rate = where(positive, corrected, r);
      Value xNew = bin("Sub", x, bin("Div", bin("Mul", rate, vNew), hSqrt));
      results[i] = bin(
          "Mul", scalar(1.0 - floatAttr("norm_coefficient_post", 0.0)), xNew);
      results[groups + i] = vNew;
      results[2 * groups + i] = hNew;
    }
  }
  for (auto [i, value] : llvm::enumerate(results)) {
    if (!value)
      return failure();
    if (!node.output(i).empty())
      values[node.output(i)] = value;
  }
  return success();
}
