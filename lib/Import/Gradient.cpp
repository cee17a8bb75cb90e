//===- Gradient.cpp - The training domain's Gradient operator -------------===//
//
// `Gradient(xs...)` from ai.onnx.preview.training returns dy/dx for each x,
// where y names a value of the forward graph. The importer builds the
// derivative by reverse-mode differentiation of the forward operations
// already imported: it seeds dy/dy with ones, walks the operations between
// the xs and y backwards, and emits each operation's adjoint as ONNX
// operations (which then compile like the rest of the graph). Broadcast
// operands get their adjoints summed back to their own shape.
//
// Differentiable: Add, Sub, Mul, Div, Neg, Identity, Relu, Exp, Log, Sqrt,
// Tanh, Sigmoid and rank-2 MatMul. Any other operation on a path from an x
// to y is reported, naming the node and the operation.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace zellige::import_detail;

LogicalResult GraphImporter::importGradientNode(const onnx::NodeProto &node,
                                                Location loc,
                                                const std::string &prefix) {
  auto report = [&](const llvm::Twine &message) {
    emitError(loc) << prefix << message;
  };
  auto fail = [&](const llvm::Twine &message) {
    report(message);
    return failure();
  };
  std::string yName;
  SmallVector<std::string> xNames;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.name() == "y")
      yName = attr.s();
    else if (attr.name() == "xs")
      xNames.assign(attr.strings().begin(), attr.strings().end());
  }
  if (yName.empty())
    return fail("attribute 'y' is missing");
  if (xNames.empty())
    xNames.assign(node.input().begin(), node.input().end());
  if (xNames.size() != size_t(node.output_size()))
    return fail("has " + llvm::Twine(node.output_size()) + " outputs for " +
                llvm::Twine(xNames.size()) + " differentiated inputs");
  Value y = lookupValue(yName, loc, prefix);
  if (!y)
    return failure();
  auto yType = dyn_cast<RankedTensorType>(y.getType());
  if (!yType || !yType.hasStaticShape() ||
      !isa<FloatType>(yType.getElementType()))
    return fail("y ('" + yName +
                "') must be a floating-point tensor of static shape");
  SmallVector<Value> xs;
  for (const std::string &name : xNames) {
    Value x = lookupValue(name, loc, prefix);
    if (!x)
      return failure();
    auto xType = dyn_cast<RankedTensorType>(x.getType());
    if (!xType || !xType.hasStaticShape() ||
        !isa<FloatType>(xType.getElementType()))
      return fail("x ('" + name +
                  "') must be a floating-point tensor of static shape");
    xs.push_back(x);
  }

  // The operations on a path from some x to y, in program order.
  llvm::DenseSet<Value> fromX(xs.begin(), xs.end());
  for (Operation &op : *entryBlock)
    if (llvm::any_of(op.getOperands(),
                     [&](Value v) { return fromX.contains(v); }))
      fromX.insert(op.result_begin(), op.result_end());
  llvm::DenseSet<Operation *> towardY;
  SmallVector<Operation *> worklist;
  if (Operation *def = y.getDefiningOp())
    worklist.push_back(def);
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (!towardY.insert(op).second)
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        worklist.push_back(def);
  }
  SmallVector<Operation *> path;
  for (Operation &op : *entryBlock)
    if (towardY.contains(&op) && llvm::any_of(op.getResults(), [&](Value v) {
          return fromX.contains(v);
        }))
      path.push_back(&op);

  // Helpers that build adjoint arithmetic with broadcast result types.
  auto binary = [&](StringRef opType, Value a, Value b) {
    return createBinary(opType, a, b, loc, prefix);
  };
  auto unary = [&](StringRef opType, Value a) -> Value {
    if (!a)
      return {};
    return createOp(opType, a, a.getType(), {}, loc, prefix);
  };
  auto scalar = [&](Value like, double v) {
    auto type = cast<RankedTensorType>(like.getType());
    return createSplat(RankedTensorType::get({}, type.getElementType()), v,
                       loc);
  };
  // Sums a broadcast adjoint back to the shape of the operand it belongs to.
  auto unbroadcast = [&](Value adjoint, Value operand) -> Value {
    if (!adjoint)
      return {};
    auto from = cast<RankedTensorType>(adjoint.getType());
    auto to = cast<RankedTensorType>(operand.getType());
    if (from.getShape() == to.getShape())
      return adjoint;
    int64_t lead = from.getRank() - to.getRank();
    SmallVector<int64_t> axes, kept;
    for (int64_t i = 0; i < from.getRank(); ++i) {
      bool reduce =
          i < lead || (to.getDimSize(i - lead) == 1 && from.getDimSize(i) != 1);
      if (reduce)
        axes.push_back(i);
      kept.push_back(reduce ? 1 : from.getDimSize(i));
    }
    Value summed = adjoint;
    if (!axes.empty()) {
      summed = createOp(
          "ReduceSum", {adjoint, createI64Constant(axes, false, loc)},
          from.clone(kept),
          {builder.getNamedAttr("keepdims", builder.getI64IntegerAttr(1))}, loc,
          prefix);
      if (!summed)
        return {};
    }
    return createOp("Reshape",
                    {summed, createI64Constant(to.getShape(), false, loc)}, to,
                    {}, loc, prefix);
  };
  auto transpose = [&](Value a) -> Value {
    auto type = cast<RankedTensorType>(a.getType());
    return createOp(
        "Transpose", a, type.clone({type.getDimSize(1), type.getDimSize(0)}),
        {builder.getNamedAttr("perm", builder.getI64ArrayAttr({1, 0}))}, loc,
        prefix);
  };

  llvm::DenseMap<Value, Value> adjoints;
  adjoints[y] = createSplat(yType, 1.0, loc);
  auto accumulate = [&](Value target, Value contribution) -> LogicalResult {
    if (!contribution)
      return failure();
    if (!fromX.contains(target))
      return success();
    contribution = unbroadcast(contribution, target);
    if (!contribution)
      return failure();
    Value &slot = adjoints[target];
    slot = slot ? binary("Add", slot, contribution) : contribution;
    return success(bool(slot));
  };

  for (Operation *op : llvm::reverse(path)) {
    if (op->getNumResults() != 1)
      return fail("cannot differentiate '" + op->getName().getStringRef() +
                  "' (several results)");
    Value result = op->getResult(0);
    Value g = adjoints.lookup(result);
    if (!g)
      continue;
    StringRef name = op->getName().getStringRef();
    ValueRange in = op->getOperands();
    LogicalResult ok = success();
    if (name == "onnx.Add") {
      ok = success(succeeded(accumulate(in[0], g)) &&
                   succeeded(accumulate(in[1], g)));
    } else if (name == "onnx.Sub") {
      ok = success(succeeded(accumulate(in[0], g)) &&
                   succeeded(accumulate(in[1], unary("Neg", g))));
    } else if (name == "onnx.Mul") {
      ok = success(succeeded(accumulate(in[0], binary("Mul", g, in[1]))) &&
                   succeeded(accumulate(in[1], binary("Mul", g, in[0]))));
    } else if (name == "onnx.Div") {
      // d(a/b)/db = -(a/b)/b.
      ok = success(
          succeeded(accumulate(in[0], binary("Div", g, in[1]))) &&
          succeeded(accumulate(
              in[1],
              unary("Neg", binary("Div", binary("Mul", g, result), in[1])))));
    } else if (name == "onnx.Neg") {
      ok = accumulate(in[0], unary("Neg", g));
    } else if (name == "onnx.Identity") {
      ok = accumulate(in[0], g);
    } else if (name == "onnx.Relu") {
      auto condType =
          cast<RankedTensorType>(in[0].getType()).clone(builder.getI1Type());
      Value positive = createOp("Greater", {in[0], scalar(in[0], 0.0)},
                                condType, {}, loc, prefix);
      Value gated = positive ? createOp("Where", {positive, g, scalar(g, 0.0)},
                                        g.getType(), {}, loc, prefix)
                             : Value();
      ok = accumulate(in[0], gated);
    } else if (name == "onnx.Exp") {
      ok = accumulate(in[0], binary("Mul", g, result));
    } else if (name == "onnx.Log") {
      ok = accumulate(in[0], binary("Div", g, in[0]));
    } else if (name == "onnx.Sqrt") {
      // d sqrt(x) = 0.5 / sqrt(x).
      ok = accumulate(in[0],
                      binary("Mul", g, binary("Div", scalar(g, 0.5), result)));
    } else if (name == "onnx.Tanh") {
      Value oneMinus =
          binary("Sub", scalar(g, 1.0), binary("Mul", result, result));
      ok = accumulate(in[0], binary("Mul", g, oneMinus));
    } else if (name == "onnx.Sigmoid") {
      Value slope =
          binary("Mul", result, binary("Sub", scalar(g, 1.0), result));
      ok = accumulate(in[0], binary("Mul", g, slope));
    } else if (name == "onnx.MatMul" &&
               cast<RankedTensorType>(in[0].getType()).getRank() == 2 &&
               cast<RankedTensorType>(in[1].getType()).getRank() == 2) {
      auto aType = cast<RankedTensorType>(in[0].getType());
      auto bType = cast<RankedTensorType>(in[1].getType());
      Value bT = transpose(in[1]);
      Value aT = transpose(in[0]);
      Value da =
          bT ? createOp("MatMul", {g, bT}, aType, {}, loc, prefix) : Value();
      Value db =
          aT ? createOp("MatMul", {aT, g}, bType, {}, loc, prefix) : Value();
      ok = success(succeeded(accumulate(in[0], da)) &&
                   succeeded(accumulate(in[1], db)));
    } else {
      std::string where;
      if (auto nameLoc = dyn_cast<NameLoc>(op->getLoc()))
        where = " (node '" + nameLoc.getName().str() + "')";
      return fail("cannot differentiate '" + name + "'" + where +
                  " on the path from the xs to y ('" + yName +
                  "'); differentiable: Add, Sub, Mul, Div, Neg, Identity, "
                  "Relu, Exp, Log, Sqrt, Tanh, Sigmoid, 2-D MatMul");
    }
    if (failed(ok))
      return failure();
  }

  for (auto [i, x] : llvm::enumerate(xs)) {
    const std::string &output = node.output(i);
    if (output.empty())
      continue;
    Value adjoint = adjoints.lookup(x);
    if (!adjoint)
      adjoint = createSplat(cast<RankedTensorType>(x.getType()), 0.0, loc);
    values[output] = adjoint;
  }
  return success();
}
