//===- Recurrent.cpp - RNN, GRU and LSTM unrolled over time ---------------===//
//
// The sequence length of a recurrent layer is known when compiling (static
// shapes), so the importer unrolls it: each time step becomes the ONNX
// operations of the operator's equations (MatMul with the transposed
// weights, the biases, the gate activations), and the step's hidden state
// feeds the next. Per direction:
//
//   RNN   H = f(X W^T + H R^T + Wb + Rb)
//   GRU   z = f(X Wz^T + H Rz^T + ..), r = f(X Wr^T + H Rr^T + ..)
//         h~ = g(X Wh^T + (r . H) Rh^T + ..)   (linear_before_reset = 0)
//         h~ = g(X Wh^T + r . (H Rh^T + Rbh) + Wbh)                (= 1)
//         H = (1 - z) . h~ + z . H
//   LSTM  i = f(.. + Pi . C), f' = f(.. + Pf . C), c~ = g(..)
//         C = f' . C + i . c~, o = f(.. + Po . C), H = o . h(C)
//
// With sequence_lens, steps past a batch entry's length keep its state and
// output zeros. Outputs: Y [seq, dirs, batch, H] (layout 1: [batch, seq,
// dirs, H]), Y_h and (LSTM) Y_c [dirs, batch, H] (layout 1: [batch, dirs,
// H]). Activations: Sigmoid, Tanh, Relu; `clip` and `input_forget` are
// refused.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/BuiltinTypes.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace zellige::import_detail;

bool GraphImporter::isRecurrentOperator(llvm::StringRef opType) {
  return opType == "RNN" || opType == "GRU" || opType == "LSTM";
}

LogicalResult GraphImporter::importRecurrentNode(const onnx::NodeProto &node,
                                                 Location loc,
                                                 const std::string &prefix) {
  auto fail = [&](const llvm::Twine &message) {
    return nodeError(loc, prefix, message);
  };
  const std::string &opType = node.op_type();
  int gates = opType == "RNN" ? 1 : opType == "GRU" ? 3 : 4;

  int64_t hidden = 0, layout = 0, linearBeforeReset = 0;
  std::string direction = "forward";
  SmallVector<std::string> activations;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    StringRef name = attr.name();
    if (name == "hidden_size")
      hidden = attr.i();
    else if (name == "layout")
      layout = attr.i();
    else if (name == "linear_before_reset")
      linearBeforeReset = attr.i();
    else if (name == "direction")
      direction = attr.s();
    else if (name == "activations")
      activations.assign(attr.strings().begin(), attr.strings().end());
    else if (name == "clip" || (name == "input_forget" && attr.i() != 0))
      return fail("attribute '" + name + "' is not supported");
    else if (name == "activation_alpha" || name == "activation_beta")
      return fail("activations with parameters are not supported");
  }
  if (direction != "forward" && direction != "reverse" &&
      direction != "bidirectional")
    return fail("direction '" + direction + "' is not valid");
  int dirs = direction == "bidirectional" ? 2 : 1;
  int perDirection = opType == "RNN" ? 1 : opType == "GRU" ? 2 : 3;
  if (activations.empty()) {
    for (int d = 0; d < dirs; ++d) {
      if (opType == "RNN")
        activations.push_back("Tanh");
      else
        activations.append({"Sigmoid", "Tanh"});
      if (opType == "LSTM")
        activations.push_back("Tanh");
    }
  }
  if (int(activations.size()) != perDirection * dirs)
    return fail("needs " + llvm::Twine(perDirection * dirs) + " activations");
  for (const std::string &a : activations)
    if (a != "Sigmoid" && a != "Tanh" && a != "Relu")
      return fail("activation '" + a +
                  "' is not supported (Sigmoid, Tanh, Relu are)");

  auto input = [&](int index) { return staticInput(node, index, loc, prefix); };
  SmallVector<Value> in;
  for (int i = 0; i < (opType == "LSTM" ? 8 : 6); ++i) {
    FailureOr<Value> v = input(i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  Value x = in[0], w = in[1], r = in[2], b = in[3], lens = in[4], h0 = in[5];
  Value c0 = opType == "LSTM" ? in[6] : Value();
  Value peep = opType == "LSTM" ? in[7] : Value();
  if (!x || !w || !r)
    return fail("needs X, W and R");
  auto xType = cast<RankedTensorType>(x.getType());
  Type f = xType.getElementType();
  if (!isa<FloatType>(f) || xType.getRank() != 3)
    return fail("X must be a floating-point tensor of rank 3");
  int64_t seq = xType.getDimSize(layout ? 1 : 0);
  int64_t batch = xType.getDimSize(layout ? 0 : 1);
  int64_t inSize = xType.getDimSize(2);
  if (hidden <= 0)
    hidden = cast<RankedTensorType>(r.getType()).getDimSize(2);
  if (seq == 0 || batch == 0)
    return fail("needs a non-empty sequence and batch");

  auto op = [&](StringRef name, ValueRange operands, Type type,
                ArrayRef<NamedAttribute> attrs = {}) {
    return createOp(name, operands, type, attrs, loc, prefix);
  };
  auto bin = [&](StringRef name, Value a, Value c) {
    return createBinary(name, a, c, loc, prefix);
  };
  auto unary = [&](StringRef name, Value a) {
    return a ? op(name, a, a.getType()) : Value();
  };
  auto i64s = [&](ArrayRef<int64_t> v) {
    return createI64Constant(v, false, loc);
  };
  // v[start:end] along `axis`.
  auto slice = [&](Value v, int64_t axis, int64_t start, int64_t end) {
    if (!v)
      return Value();
    auto type = cast<RankedTensorType>(v.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = end - start;
    return op("Slice",
              {v, i64s({start}), i64s({end}), i64s({axis}), getNoValue()},
              type.clone(shape));
  };
  // v[index] along `axis`, that dimension dropped.
  auto pick = [&](Value v, int64_t axis, int64_t index) {
    Value s = slice(v, axis, index, index + 1);
    if (!s)
      return Value();
    auto type = cast<RankedTensorType>(s.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape.erase(shape.begin() + axis);
    return op("Squeeze", {s, i64s({axis})}, type.clone(shape));
  };
  auto transpose = [&](Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    return op("Transpose", v,
              type.clone({type.getDimSize(1), type.getDimSize(0)}),
              {builder.getNamedAttr("perm", builder.getI64ArrayAttr({1, 0}))});
  };
  auto matmul = [&](Value a, Value m) {
    if (!a || !m)
      return Value();
    auto aType = cast<RankedTensorType>(a.getType());
    auto mType = cast<RankedTensorType>(m.getType());
    return op("MatMul", {a, m},
              tensorOf({aType.getDimSize(0), mType.getDimSize(1)}, f));
  };
  auto zeros = [&](ArrayRef<int64_t> shape) {
    return createSplat(tensorOf(shape, f), 0.0, loc);
  };

  // X as [seq, batch, input].
  if (layout)
    x = op("Transpose", x, tensorOf({seq, batch, inSize}, f),
           {builder.getNamedAttr("perm", builder.getI64ArrayAttr({1, 0, 2}))});
  // Per step and batch entry, whether the step is inside the sequence.
  SmallVector<Value> inside(seq);
  if (lens) {
    Value lens64 =
        op("Cast", lens,
           cast<RankedTensorType>(lens.getType()).clone(builder.getI64Type()),
           {i64Attr("to", onnx::TensorProto::INT64)});
    Value column = op("Reshape", {lens64, i64s({batch, 1})},
                      tensorOf({batch, 1}, builder.getI64Type()));
    for (int64_t t = 0; t < seq; ++t)
      inside[t] = createBinary("Less", createI64Constant({t}, true, loc),
                               column, loc, prefix, builder.getI1Type());
  }

  SmallVector<Value> yPerDirection, hLast, cLast;
  for (int d = 0; d < dirs; ++d) {
    bool reverse = direction == "reverse" || d == 1;
    ArrayRef<std::string> act =
        ArrayRef(activations).slice(d * perDirection, perDirection);
    auto activate = [&](StringRef name, Value v) { return unary(name, v); };
    Value wd = pick(w, 0, d), rd = pick(r, 0, d);
    // Per gate: W^T [input, H], R^T [H, H], and the summed biases [H].
    SmallVector<Value> wT(gates), rT(gates), wb(gates), rb(gates);
    Value bd = b ? pick(b, 0, d) : Value();
    for (int g = 0; g < gates; ++g) {
      wT[g] = transpose(slice(wd, 0, g * hidden, (g + 1) * hidden));
      rT[g] = transpose(slice(rd, 0, g * hidden, (g + 1) * hidden));
      wb[g] = bd ? slice(bd, 0, g * hidden, (g + 1) * hidden) : Value();
      rb[g] = bd ? slice(bd, 0, (gates + g) * hidden, (gates + g + 1) * hidden)
                 : Value();
    }
    Value pd = peep ? pick(peep, 0, d) : Value();
    Value h = h0 ? pick(h0, 0, d) : zeros({batch, hidden});
    Value c = c0 ? pick(c0, 0, d) : zeros({batch, hidden});
    // x W^T (+ Wb) and h R^T (+ Rb) of gate g.
    auto inputPart = [&](Value xt, int g) {
      Value v = matmul(xt, wT[g]);
      return wb[g] ? bin("Add", v, wb[g]) : v;
    };
    auto hiddenPart = [&](Value hv, int g) {
      Value v = matmul(hv, rT[g]);
      return rb[g] ? bin("Add", v, rb[g]) : v;
    };
    SmallVector<Value> ys(seq);
    for (int64_t step = 0; step < seq; ++step) {
      int64_t t = reverse ? seq - 1 - step : step;
      Value xt = pick(x, 0, t);
      Value hNew, cNew = c;
      if (opType == "RNN") {
        hNew = activate(act[0], bin("Add", inputPart(xt, 0), hiddenPart(h, 0)));
      } else if (opType == "GRU") {
        Value z =
            activate(act[0], bin("Add", inputPart(xt, 0), hiddenPart(h, 0)));
        Value rg =
            activate(act[0], bin("Add", inputPart(xt, 1), hiddenPart(h, 1)));
        Value candidate =
            linearBeforeReset
                ? bin("Add", inputPart(xt, 2), bin("Mul", rg, hiddenPart(h, 2)))
                : bin("Add", inputPart(xt, 2),
                      hiddenPart(bin("Mul", rg, h), 2));
        Value hTilde = activate(act[1], candidate);
        hNew = bin("Add",
                   bin("Mul",
                       bin("Sub", createSplat(tensorOf({}, f), 1.0, loc), z),
                       hTilde),
                   bin("Mul", z, h));
      } else {
        // Gates in ONNX order: i, o, f, c; peepholes: i, o, f.
        auto gate = [&](int g) {
          return bin("Add", inputPart(xt, g), hiddenPart(h, g));
        };
        auto peephole = [&](int k, Value state, Value v) {
          return pd ? bin("Add", v,
                          bin("Mul", slice(pd, 0, k * hidden, (k + 1) * hidden),
                              state))
                    : v;
        };
        Value i = activate(act[0], peephole(0, c, gate(0)));
        Value fg = activate(act[0], peephole(2, c, gate(2)));
        Value cTilde = activate(act[1], gate(3));
        cNew = bin("Add", bin("Mul", fg, c), bin("Mul", i, cTilde));
        Value o = activate(act[0], peephole(1, cNew, gate(1)));
        hNew = bin("Mul", o, activate(act[2], cNew));
      }
      if (inside[t]) {
        auto keep = [&](Value fresh, Value old) -> Value {
          if (!fresh || !old)
            return {};
          return op("Where", {inside[t], fresh, old}, fresh.getType());
        };
        ys[t] = keep(hNew, zeros({batch, hidden}));
        hNew = keep(hNew, h);
        cNew = keep(cNew, c);
      } else {
        ys[t] = hNew;
      }
      h = hNew;
      c = cNew;
      if (!h || !c || !ys[t])
        return failure();
    }
    // [seq, 1, batch, H] for this direction.
    SmallVector<Value> steps;
    for (Value y : ys)
      steps.push_back(op("Reshape", {y, i64s({1, 1, batch, hidden})},
                         tensorOf({1, 1, batch, hidden}, f)));
    yPerDirection.push_back(op("Concat", steps,
                               tensorOf({seq, 1, batch, hidden}, f),
                               {i64Attr("axis", 0)}));
    hLast.push_back(op("Reshape", {h, i64s({1, batch, hidden})},
                       tensorOf({1, batch, hidden}, f)));
    cLast.push_back(op("Reshape", {c, i64s({1, batch, hidden})},
                       tensorOf({1, batch, hidden}, f)));
  }
  auto concat = [&](ArrayRef<Value> parts, ArrayRef<int64_t> shape,
                    int64_t axis) {
    if (parts.size() == 1)
      return parts.front();
    return op("Concat", parts, tensorOf(shape, f), {i64Attr("axis", axis)});
  };
  Value y = concat(yPerDirection, {seq, dirs, batch, hidden}, 1);
  Value yh = concat(hLast, {dirs, batch, hidden}, 0);
  Value yc = concat(cLast, {dirs, batch, hidden}, 0);
  if (layout) {
    y = y ? op("Transpose", y, tensorOf({batch, seq, dirs, hidden}, f),
               {builder.getNamedAttr("perm",
                                     builder.getI64ArrayAttr({2, 0, 1, 3}))})
          : Value();
    auto batchFirst = [&](Value v) {
      return v ? op("Transpose", v, tensorOf({batch, dirs, hidden}, f),
                    {builder.getNamedAttr("perm",
                                          builder.getI64ArrayAttr({1, 0, 2}))})
               : Value();
    };
    yh = batchFirst(yh);
    yc = batchFirst(yc);
  }
  Value results[] = {y, yh, yc};
  for (int i = 0; i < node.output_size() && i < 3; ++i) {
    if (node.output(i).empty())
      continue;
    if (!results[i])
      return failure();
    values[node.output(i)] = results[i];
  }
  return success();
}
