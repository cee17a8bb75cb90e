//===- Signal.cpp - DFT, MaxUnpool and Det --------------------------------===//
//
// DFT (opset 17) along one axis of a static length n becomes two MatMuls
// with constant cosine and sine matrices, C[m, k] = cos(2 pi k m / n) and
// S[m, k] = sin(2 pi k m / n):
//
//   forward  Re = x_re C + x_im S,        Im = x_im C - x_re S
//   inverse  Re = (x_re C - x_im S) / n,  Im = (x_im C + x_re S) / n
//
// (onesided keeps the first n / 2 + 1 columns). MaxUnpool scatters X into
// zeros at its indices, which index the whole output tensor. Det of n x n
// matrices (n <= 4) is the Leibniz sum over the n! permutations.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/BuiltinTypes.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace zellige::import_detail;

LogicalResult GraphImporter::importDFT(const onnx::NodeProto &node,
                                       Location loc,
                                       const std::string &prefix) {
  auto fail = [&](const llvm::Twine &message) {
    return nodeError(loc, prefix, message);
  };
  int64_t axis = 1;
  bool inverse = false, onesided = false;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.name() == "axis")
      axis = attr.i();
    else if (attr.name() == "inverse")
      inverse = attr.i() != 0;
    else if (attr.name() == "onesided")
      onesided = attr.i() != 0;
  }
  if (node.input_size() < 1 || node.output_size() != 1)
    return fail("needs an input and one output");
  Value x = lookupValue(node.input(0), loc, prefix);
  if (!x)
    return failure();
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !type.hasStaticShape() || type.getRank() < 2 ||
      !isa<FloatType>(type.getElementType()))
    return fail("needs a floating-point input of static shape");
  int64_t rank = type.getRank();
  int64_t parts = type.getDimSize(rank - 1);
  if (parts != 1 && parts != 2)
    return fail("the last dimension must be 1 (real) or 2 (complex)");
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank - 1)
    return fail("axis is out of range");
  int64_t n = type.getDimSize(axis);
  if (node.input_size() > 1 && !node.input(1).empty()) {
    Value length = lookupValue(node.input(1), loc, prefix);
    std::optional<SmallVector<int64_t>> ints =
        length ? getConstantInts(length) : std::nullopt;
    if (!ints || ints->size() != 1 || (*ints)[0] != n)
      return fail("dft_length must be a constant equal to the signal's "
                  "length (padding and truncation are not supported)");
  }
  if (onesided && inverse)
    return fail("onesided inverse transforms are not supported");
  if (n == 0)
    return fail("the signal is empty");
  int64_t columns = onesided ? n / 2 + 1 : n;
  Type f = type.getElementType();

  auto op = [&](StringRef name, ValueRange operands, Type resultType,
                ArrayRef<NamedAttribute> attrs = {}) {
    return createOp(name, operands, resultType, attrs, loc, prefix);
  };
  auto bin = [&](StringRef name, Value a, Value b) {
    return createBinary(name, a, b, loc, prefix);
  };
  // The signal's dimensions without the last, with `axis` moved last.
  SmallVector<int64_t> perm, shape;
  for (int64_t d = 0; d < rank - 1; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  for (int64_t d : perm)
    shape.push_back(type.getDimSize(d));
  SmallVector<int64_t> signalShape(type.getShape().drop_back());
  auto part = [&](int64_t index) -> Value {
    SmallVector<int64_t> sliced(type.getShape());
    sliced.back() = 1;
    Value s = op("Slice",
                 {x, createI64Constant({index}, false, loc),
                  createI64Constant({index + 1}, false, loc),
                  createI64Constant({rank - 1}, false, loc), getNoValue()},
                 tensorOf(sliced, f));
    s = op("Reshape", {s, createI64Constant(signalShape, false, loc)},
           tensorOf(signalShape, f));
    return op("Transpose", s, tensorOf(shape, f),
              {builder.getNamedAttr("perm", builder.getI64ArrayAttr(perm))});
  };
  Value re = part(0);
  Value im = parts == 2 ? part(1) : Value();

  SmallVector<float> cosines, sines;
  for (int64_t m = 0; m < n; ++m)
    for (int64_t k = 0; k < columns; ++k) {
      double angle = 2.0 * M_PI * double((k * m) % n) / double(n);
      cosines.push_back(float(std::cos(angle)));
      sines.push_back(float(std::sin(angle)));
    }
  auto matrixType = tensorOf({n, columns}, builder.getF32Type());
  auto constant = [&](ArrayRef<float> values) -> Value {
    Value c = createConstant(DenseElementsAttr::get(matrixType, values), loc);
    if (!f.isF32())
      c = op("Cast", c, tensorOf({n, columns}, f),
             {i64Attr("to", f.isF64() ? onnx::TensorProto::DOUBLE
                                      : onnx::TensorProto::FLOAT16)});
    return c;
  };
  Value cosMatrix = constant(cosines), sinMatrix = constant(sines);
  SmallVector<int64_t> outShape(shape);
  outShape.back() = columns;
  auto matmul = [&](Value a, Value m) {
    return op("MatMul", {a, m}, tensorOf(outShape, f));
  };
  Value reC = matmul(re, cosMatrix), reS = matmul(re, sinMatrix);
  Value outRe, outIm;
  if (!im) {
    outRe = reC;
    outIm = op("Neg", reS, tensorOf(outShape, f));
    if (inverse)
      outIm = reS;
  } else {
    Value imC = matmul(im, cosMatrix), imS = matmul(im, sinMatrix);
    outRe = inverse ? bin("Sub", reC, imS) : bin("Add", reC, imS);
    outIm = inverse ? bin("Add", imC, reS) : bin("Sub", imC, reS);
  }
  if (inverse) {
    Value scale = createSplat(tensorOf({}, f), 1.0 / double(n), loc);
    outRe = bin("Mul", outRe, scale);
    outIm = bin("Mul", outIm, scale);
  }
  // Back to the input's order, then [..., 2].
  SmallVector<int64_t> inversePerm(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    inversePerm[perm[i]] = i;
  SmallVector<int64_t> resultShape(signalShape);
  resultShape[axis] = columns;
  SmallVector<int64_t> withPart(resultShape);
  withPart.push_back(1);
  auto restore = [&](Value v) {
    Value t = op(
        "Transpose", v, tensorOf(resultShape, f),
        {builder.getNamedAttr("perm", builder.getI64ArrayAttr(inversePerm))});
    return op("Reshape", {t, createI64Constant(withPart, false, loc)},
              tensorOf(withPart, f));
  };
  SmallVector<int64_t> finalShape(resultShape);
  finalShape.push_back(2);
  Value result = op("Concat", {restore(outRe), restore(outIm)},
                    tensorOf(finalShape, f), {i64Attr("axis", rank - 1)});
  return bindOutput(node, 0, result);
}

LogicalResult GraphImporter::importMaxUnpool(const onnx::NodeProto &node,
                                             Location loc,
                                             const std::string &prefix) {
  auto fail = [&](const llvm::Twine &message) {
    return nodeError(loc, prefix, message);
  };
  if (node.input_size() < 2 || node.output_size() != 1)
    return fail("needs X and I, and one output");
  Value x = lookupValue(node.input(0), loc, prefix);
  Value indices = lookupValue(node.input(1), loc, prefix);
  if (!x || !indices)
    return failure();
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !type.hasStaticShape() || type.getRank() < 3)
    return fail("needs X of static shape [N, C, D1, ...]");
  int64_t spatial = type.getRank() - 2;
  SmallVector<int64_t> kernel, strides(spatial, 1), pads(2 * spatial, 0);
  for (const onnx::AttributeProto &attr : node.attribute()) {
    SmallVector<int64_t> ints(attr.ints().begin(), attr.ints().end());
    if (attr.name() == "kernel_shape")
      kernel = ints;
    else if (attr.name() == "strides")
      strides = ints;
    else if (attr.name() == "pads")
      pads = ints;
  }
  if (int64_t(kernel.size()) != spatial || int64_t(strides.size()) != spatial ||
      int64_t(pads.size()) != 2 * spatial)
    return fail("kernel_shape, strides and pads must match the spatial rank");
  SmallVector<int64_t> outShape(type.getShape().take_front(2));
  for (int64_t d = 0; d < spatial; ++d)
    outShape.push_back((type.getDimSize(2 + d) - 1) * strides[d] -
                       (pads[d] + pads[spatial + d]) + kernel[d]);
  if (node.input_size() > 2 && !node.input(2).empty()) {
    Value given = lookupValue(node.input(2), loc, prefix);
    std::optional<SmallVector<int64_t>> ints =
        given ? getConstantInts(given) : std::nullopt;
    if (!ints)
      return fail("output_shape must be a constant (a shape known only at run "
                  "time is not supported)");
    if (ints->size() != outShape.size())
      return fail("output_shape has the wrong rank");
    outShape.assign(ints->begin(), ints->end());
  }
  int64_t total = 1;
  for (int64_t d : outShape)
    total *= d;
  int64_t count = type.getNumElements();
  Type f = type.getElementType();
  auto op = [&](StringRef name, ValueRange operands, Type resultType,
                ArrayRef<NamedAttribute> attrs = {}) {
    return createOp(name, operands, resultType, attrs, loc, prefix);
  };
  Value flatX = op("Reshape", {x, createI64Constant({count}, false, loc)},
                   tensorOf({count}, f));
  Value flatI = op("Reshape", {indices, createI64Constant({count}, false, loc)},
                   tensorOf({count}, builder.getI64Type()));
  Value zeros = createSplat(tensorOf({total}, f), 0.0, loc);
  Value scattered = op("ScatterElements", {zeros, flatI, flatX},
                       tensorOf({total}, f), {i64Attr("axis", 0)});
  Value result =
      op("Reshape", {scattered, createI64Constant(outShape, false, loc)},
         tensorOf(outShape, f));
  return bindOutput(node, 0, result);
}

LogicalResult GraphImporter::importDet(const onnx::NodeProto &node,
                                       Location loc,
                                       const std::string &prefix) {
  auto fail = [&](const llvm::Twine &message) {
    return nodeError(loc, prefix, message);
  };
  if (node.input_size() != 1 || node.output_size() != 1)
    return fail("needs one input and one output");
  Value x = lookupValue(node.input(0), loc, prefix);
  if (!x)
    return failure();
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !type.hasStaticShape() || type.getRank() < 2 ||
      !isa<FloatType>(type.getElementType()))
    return fail("needs floating-point matrices of static shape");
  int64_t rank = type.getRank();
  int64_t n = type.getDimSize(rank - 1);
  if (type.getDimSize(rank - 2) != n || n < 1 || n > 4)
    return fail("supports square matrices of size 1 to 4 (the Leibniz "
                "expansion); larger ones are not supported");
  Type f = type.getElementType();
  SmallVector<int64_t> batchShape(type.getShape().drop_back(2));
  int64_t batch = 1;
  for (int64_t d : batchShape)
    batch *= d;
  auto op = [&](StringRef name, ValueRange operands, Type resultType,
                ArrayRef<NamedAttribute> attrs = {}) {
    return createOp(name, operands, resultType, attrs, loc, prefix);
  };
  auto bin = [&](StringRef name, Value a, Value b) {
    return createBinary(name, a, b, loc, prefix);
  };
  Value flat = op("Reshape", {x, createI64Constant({batch, n * n}, false, loc)},
                  tensorOf({batch, n * n}, f));
  SmallVector<Value> elements;
  for (int64_t k = 0; k < n * n; ++k)
    elements.push_back(op("Slice",
                          {flat, createI64Constant({k}, false, loc),
                           createI64Constant({k + 1}, false, loc),
                           createI64Constant({1}, false, loc), getNoValue()},
                          tensorOf({batch, 1}, f)));
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < n; ++i)
    perm.push_back(i);
  Value sum;
  do {
    // The permutation's sign from its inversions.
    int inversions = 0;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = i + 1; j < n; ++j)
        inversions += perm[i] > perm[j];
    Value term = elements[perm[0]];
    for (int64_t i = 1; i < n; ++i)
      term = bin("Mul", term, elements[i * n + perm[i]]);
    if (!sum)
      sum = inversions % 2 ? op("Neg", term, tensorOf({batch, 1}, f)) : term;
    else
      sum = bin(inversions % 2 ? "Sub" : "Add", sum, term);
  } while (std::next_permutation(perm.begin(), perm.end()));
  Value result = op("Reshape", {sum, createI64Constant(batchShape, false, loc)},
                    tensorOf(batchShape, f));
  return bindOutput(node, 0, result);
}
