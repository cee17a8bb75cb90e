//===- GridSample.cpp - GridSample as gathers and weights -----------------===//
//
// GridSample (4-D input) samples X [N, C, H, W] at the points of grid
// [N, Ho, Wo, 2] (x then y, normalized to [-1, 1]). The importer expands it
// into ONNX arithmetic, separable per spatial dimension as the operator's
// definition is:
//
//   1. denormalize: x = (g + 1) / 2 * (W - 1)          (align_corners = 1)
//                   x = ((g + 1) * W - 1) / 2          (align_corners = 0)
//      and, outside [lo, hi] (the border: 0 and W - 1, or -0.5 and
//      W - 0.5), clamp (border padding) or reflect (reflection padding);
//   2. taps per dimension: round half to even (nearest), floor and floor + 1
//      with linear weights (bilinear), or floor - 1 .. floor + 2 with Keys'
//      cubic weights, A = -0.75 (bicubic);
//   3. each tap's index mapped by the padding mode (zeros: weight 0 outside,
//      border: clamped, reflection: reflected and truncated), and the pixel
//      read with GatherElements from X flattened to [N, C, H * W];
//   4. the weighted sum over the taps.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/BuiltinTypes.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace zellige::import_detail;

LogicalResult GraphImporter::importGridSample(const onnx::NodeProto &node,
                                              Location loc,
                                              const std::string &prefix) {
  auto fail = [&](const llvm::Twine &message) {
    return nodeError(loc, prefix, message);
  };
  std::string mode = "bilinear", padding = "zeros";
  bool alignCorners = false;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.name() == "mode")
      mode = attr.s();
    else if (attr.name() == "padding_mode")
      padding = attr.s();
    else if (attr.name() == "align_corners")
      alignCorners = attr.i() != 0;
  }
  if (mode == "linear")
    mode = "bilinear";
  if (mode == "cubic")
    mode = "bicubic";
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
    return fail("mode '" + mode + "' is not supported");
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return fail("padding_mode '" + padding + "' is not supported");
  if (node.input_size() != 2 || node.output_size() != 1)
    return fail("needs X and grid, and one output");
  Value x = lookupValue(node.input(0), loc, prefix);
  Value grid = lookupValue(node.input(1), loc, prefix);
  if (!x || !grid)
    return failure();
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  auto gridType = dyn_cast<RankedTensorType>(grid.getType());
  if (!xType || !gridType || !xType.hasStaticShape() ||
      !gridType.hasStaticShape() || xType.getRank() != 4 ||
      gridType.getRank() != 4 || gridType.getDimSize(3) != 2)
    return fail("supports X [N, C, H, W] and grid [N, Ho, Wo, 2] of static "
                "shapes");
  Type f = xType.getElementType();
  if (!isa<FloatType>(f) || gridType.getElementType() != f)
    return fail("X and grid must be of one floating-point type");
  int64_t n = xType.getDimSize(0), c = xType.getDimSize(1),
          h = xType.getDimSize(2), w = xType.getDimSize(3);
  int64_t ho = gridType.getDimSize(1), wo = gridType.getDimSize(2);

  auto op = [&](StringRef name, ValueRange operands, Type type,
                ArrayRef<NamedAttribute> attrs = {}) {
    return createOp(name, operands, type, attrs, loc, prefix);
  };
  auto bin = [&](StringRef name, Value a, Value b) {
    return createBinary(name, a, b, loc, prefix);
  };
  auto cmp = [&](StringRef name, Value a, Value b) {
    return createBinary(name, a, b, loc, prefix, builder.getI1Type());
  };
  auto unary = [&](StringRef name, Value a) {
    return a ? op(name, a, a.getType()) : Value();
  };
  auto scalar = [&](double v) { return createSplat(tensorOf({}, f), v, loc); };
  auto where = [&](Value cond, Value a, Value b) {
    return a ? op("Where", {cond, a, b}, a.getType()) : Value();
  };
  auto clip = [&](Value v, double lo, double hi) {
    return v ? op("Clip", {v, scalar(lo), scalar(hi)}, v.getType()) : Value();
  };
  // Reflects v into [lo, hi] (values inside are kept).
  auto reflect = [&](Value v, double lo, double hi) {
    double range = hi - lo;
    auto side = [&](Value distance, double nearEdge, double farEdge) {
      Value count = unary("Floor", bin("Div", distance, scalar(range)));
      Value rest = bin("Sub", distance, bin("Mul", count, scalar(range)));
      Value half = unary("Floor", bin("Div", count, scalar(2.0)));
      Value even = cmp("Equal", count, bin("Mul", half, scalar(2.0)));
      // Even crossings land measured from the near edge, odd ones from the
      // far edge.
      Value fromNear = nearEdge < farEdge ? bin("Add", scalar(nearEdge), rest)
                                          : bin("Sub", scalar(nearEdge), rest);
      Value fromFar = nearEdge < farEdge ? bin("Sub", scalar(farEdge), rest)
                                         : bin("Add", scalar(farEdge), rest);
      return even ? where(even, fromNear, fromFar) : Value();
    };
    Value below = side(bin("Sub", scalar(lo), v), lo, hi);
    Value above = side(bin("Sub", v, scalar(hi)), hi, lo);
    Value under = cmp("Less", v, scalar(lo));
    Value over = cmp("Greater", v, scalar(hi));
    return under && over ? where(under, below, where(over, above, v)) : Value();
  };

  // Grid coordinates [N, Ho, Wo] in pixels, dimension 0 = x (width).
  auto coordinate = [&](int64_t index, int64_t size) -> Value {
    Value g = op("Slice",
                 {grid, createI64Constant({index}, false, loc),
                  createI64Constant({index + 1}, false, loc),
                  createI64Constant({3}, false, loc), getNoValue()},
                 tensorOf({n, ho, wo, 1}, f));
    g = op("Reshape", {g, createI64Constant({n, ho, wo}, false, loc)},
           tensorOf({n, ho, wo}, f));
    Value plusOne = bin("Add", g, scalar(1.0));
    Value v =
        alignCorners
            ? bin("Mul", plusOne, scalar((size - 1) / 2.0))
            : bin("Div",
                  bin("Sub", bin("Mul", plusOne, scalar(size)), scalar(1.0)),
                  scalar(2.0));
    double lo = alignCorners ? 0.0 : -0.5;
    double hi = alignCorners ? size - 1.0 : size - 0.5;
    if (padding == "border") {
      Value outside =
          op("Or", {cmp("Less", v, scalar(lo)), cmp("Greater", v, scalar(hi))},
             tensorOf({n, ho, wo}, builder.getI1Type()));
      v = outside ? where(outside, clip(v, 0.0, size - 1.0), v) : Value();
    } else if (padding == "reflection") {
      v = reflect(v, lo, hi);
    }
    return v;
  };
  Value px = coordinate(0, w), py = coordinate(1, h);

  // One tap of one dimension: its (integer-valued) position and weight.
  struct Tap {
    Value position, weight;
  };
  auto taps = [&](Value v) -> SmallVector<Tap> {
    SmallVector<Tap> result;
    if (mode == "nearest") {
      result.push_back(
          {unary("Round", v), createSplat(tensorOf({n, ho, wo}, f), 1.0, loc)});
      return result;
    }
    Value base = unary("Floor", v);
    Value t = bin("Sub", v, base);
    if (mode == "bilinear") {
      result.push_back({base, bin("Sub", scalar(1.0), t)});
      result.push_back({bin("Add", base, scalar(1.0)), t});
      return result;
    }
    // Keys' cubic convolution weights at distances t + 1, t, 1 - t, 2 - t.
    const double a = -0.75;
    auto outer = [&](Value d) { // For 1 < |d| < 2.
      Value p = bin("Sub", bin("Mul", scalar(a), d), scalar(5 * a));
      p = bin("Add", bin("Mul", p, d), scalar(8 * a));
      return bin("Sub", bin("Mul", p, d), scalar(4 * a));
    };
    auto inner = [&](Value d) { // For |d| <= 1.
      Value p = bin("Sub", bin("Mul", scalar(a + 2), d), scalar(a + 3));
      return bin("Add", bin("Mul", bin("Mul", p, d), d), scalar(1.0));
    };
    Value oneMinus = bin("Sub", scalar(1.0), t);
    result.push_back(
        {bin("Sub", base, scalar(1.0)), outer(bin("Add", t, scalar(1.0)))});
    result.push_back({base, inner(t)});
    result.push_back({bin("Add", base, scalar(1.0)), inner(oneMinus)});
    result.push_back(
        {bin("Add", base, scalar(2.0)), outer(bin("Sub", scalar(2.0), t))});
    return result;
  };
  // A tap's index along a dimension of `size` as the padding mode maps it,
  // and (zeros padding) whether it lies inside.
  auto mapIndex = [&](Value position, int64_t size) -> std::pair<Value, Value> {
    if (padding == "reflection") {
      double lo = alignCorners ? 0.0 : -0.5;
      double hi = alignCorners ? size - 1.0 : size - 0.5;
      Value r = reflect(position, lo, hi);
      // Truncation toward zero.
      Value negative = cmp("Less", r, scalar(0.0));
      Value truncated =
          negative ? where(negative, unary("Ceil", r), unary("Floor", r))
                   : Value();
      return {clip(truncated, 0.0, size - 1.0), Value()};
    }
    Value clamped = clip(position, 0.0, size - 1.0);
    if (padding == "border")
      return {clamped, Value()};
    Value inside = cmp("Equal", position, clamped);
    return {clamped, inside};
  };

  Value flat = op("Reshape", {x, createI64Constant({n, c, h * w}, false, loc)},
                  tensorOf({n, c, h * w}, f));
  Value sum;
  for (const Tap &ty : taps(py)) {
    auto [yIndex, yInside] = mapIndex(ty.position, h);
    for (const Tap &tx : taps(px)) {
      auto [xIndex, xInside] = mapIndex(tx.position, w);
      Value weight = bin("Mul", ty.weight, tx.weight);
      if (yInside && xInside) {
        Value inside = op("And", {yInside, xInside},
                          tensorOf({n, ho, wo}, builder.getI1Type()));
        weight = where(inside, weight, scalar(0.0));
      }
      Value index = bin("Add", bin("Mul", yIndex, scalar(double(w))), xIndex);
      Value index64 =
          op("Cast", index, tensorOf({n, ho, wo}, builder.getI64Type()),
             {i64Attr("to", onnx::TensorProto::INT64)});
      Value rows = op("Reshape",
                      {index64, createI64Constant({n, 1, ho * wo}, false, loc)},
                      tensorOf({n, 1, ho * wo}, builder.getI64Type()));
      Value spread =
          op("Expand", {rows, createI64Constant({n, c, ho * wo}, false, loc)},
             tensorOf({n, c, ho * wo}, builder.getI64Type()));
      Value pixels = op("GatherElements", {flat, spread},
                        tensorOf({n, c, ho * wo}, f), {i64Attr("axis", 2)});
      Value weight4 = op(
          "Reshape", {weight, createI64Constant({n, 1, ho * wo}, false, loc)},
          tensorOf({n, 1, ho * wo}, f));
      Value term = bin("Mul", pixels, weight4);
      sum = sum ? bin("Add", sum, term) : term;
      if (!sum)
        return failure();
    }
  }
  Value result =
      op("Reshape", {sum, createI64Constant({n, c, ho, wo}, false, loc)},
         tensorOf({n, c, ho, wo}, f));
  return bindOutput(node, 0, result);
}
