//===- DataDependent.cpp - Operators whose output size depends on data ----===//
//
// NonZero, Compress, and TopK with a K that arrives at run time have output
// shapes that depend on values. They are compiled at an upper bound known
// when compiling, with the actual size along one dimension computed on the
// device as an i64 scalar (GraphImporter::runtimeSizes); the runtime trims
// the output after each run (TensorDesc::countDim).
//
// All three select elements in order. A running count of the kept elements
// (CumSum) gives each its output position; output position j then takes
// the element whose count is j + 1 (a one-hot [n, n] selection reduced
// against the element indices). TopK ranks every element against every
// other along the axis (ties to the lower index) and takes positions in rank
// order. These are quadratic in the compacted extent, which is bounded here
// (kMaxCompactedExtent).
//
// A value sized at run time may only be a graph output: an operation that
// reads it would see the bound, not the size, so the importer refuses it.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/BuiltinTypes.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace zellige::import_detail;

namespace {
/// The largest extent the quadratic selection handles: its [n, n] one-hot
/// matrix then has at most 2^28 elements.
constexpr int64_t kMaxCompactedExtent = 16384;
} // namespace

bool GraphImporter::isDataDependentOperator(llvm::StringRef opType) {
  return opType == "NonZero" || opType == "Compress" || opType == "TopK" ||
         opType == "Unique";
}

LogicalResult GraphImporter::importDataDependentNode(
    const onnx::NodeProto &node, Location loc, const std::string &prefix) {
  auto fail = [&](const llvm::Twine &message) {
    return nodeError(loc, prefix, message);
  };
  const std::string &opType = node.op_type();
  auto intAttr = [&](llvm::StringRef name, std::optional<int64_t> dflt) {
    for (const onnx::AttributeProto &attr : node.attribute())
      if (attr.name() == name)
        return std::optional<int64_t>(attr.i());
    return dflt;
  };
  if (node.input_size() < 1 || node.input(0).empty())
    return fail("the data input is missing");
  Value data = lookupValue(node.input(0), loc, prefix);
  if (!data)
    return failure();
  auto dataType = dyn_cast<RankedTensorType>(data.getType());
  if (!dataType || !dataType.hasStaticShape())
    return fail("the data input needs a static shape");

  Type i1 = builder.getI1Type(), i64 = builder.getI64Type();
  auto op = [&](StringRef opType, ValueRange operands, Type type,
                ArrayRef<NamedAttribute> attrs = {}) {
    return createOp(opType, operands, type, attrs, loc, prefix);
  };
  auto castTo = [&](Value v, Type element, int64_t onnxType) -> Value {
    if (!v)
      return {};
    return op("Cast", v, cast<RankedTensorType>(v.getType()).clone(element),
              {i64Attr("to", onnxType)});
  };
  auto iota = [&](int64_t n, int64_t start) {
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(start + i);
    return createI64Constant(values, false, loc);
  };
  auto checkExtent = [&](int64_t n) {
    if (n <= kMaxCompactedExtent)
      return success();
    return fail("selects among " + llvm::Twine(n) +
                " elements; the selection is quadratic and handles at most " +
                llvm::Twine(kMaxCompactedExtent) + " (not supported)");
  };
  auto finish = [&](int index, Value result, Value count,
                    int64_t dim) -> LogicalResult {
    if (!result || !count)
      return failure();
    if (node.output_size() <= index || node.output(index).empty())
      return success();
    values[node.output(index)] = result;
    if (count != Value())
      runtimeSizes[node.output(index)] = {count, dim};
    return success();
  };

  if (opType == "NonZero") {
    int64_t rank = dataType.getRank();
    int64_t n = dataType.getNumElements();
    if (rank == 0 || n == 0)
      return fail("needs a non-empty tensor of rank 1 or more");
    if (failed(checkExtent(n)))
      return failure();
    Value flat = op("Reshape", {data, createI64Constant({n}, false, loc)},
                    tensorOf({n}, dataType.getElementType()));
    Value keep = castTo(castTo(flat, i1, onnx::TensorProto::BOOL), i64,
                        onnx::TensorProto::INT64);
    auto [source, filled, count] = compactKept(keep, n, loc, prefix);
    // Row d of the result: the kept elements' coordinates along d.
    SmallVector<Value> rows;
    int64_t stride = n;
    Value axis0 = createI64Constant({0}, false, loc);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = dataType.getDimSize(d);
      stride /= size;
      Value coord =
          op("Mod",
             {op("Div", {source, createI64Constant({stride}, true, loc)},
                 tensorOf({n}, i64)),
              createI64Constant({size}, true, loc)},
             tensorOf({n}, i64));
      rows.push_back(op("Unsqueeze", {coord, axis0}, tensorOf({1, n}, i64)));
    }
    Value result =
        op("Concat", rows, tensorOf({rank, n}, i64), {i64Attr("axis", 0)});
    return finish(0, result, count, 1);
  }

  if (opType == "Compress") {
    if (node.input_size() < 2 || node.input(1).empty())
      return fail("the condition input is missing");
    Value condition = lookupValue(node.input(1), loc, prefix);
    if (!condition)
      return failure();
    auto condType = dyn_cast<RankedTensorType>(condition.getType());
    if (!condType || condType.getRank() != 1 || !condType.hasStaticShape())
      return fail("the condition must be 1-D with a static length");
    std::optional<int64_t> axisAttr = intAttr("axis", std::nullopt);
    Value source = data;
    int64_t axis = 0;
    if (!axisAttr) {
      int64_t numel = dataType.getNumElements();
      source = op("Reshape", {data, createI64Constant({numel}, false, loc)},
                  tensorOf({numel}, dataType.getElementType()));
    } else {
      axis = *axisAttr;
      if (axis < -dataType.getRank() || axis >= dataType.getRank())
        return fail("axis " + llvm::Twine(axis) + " is out of range");
      if (axis < 0)
        axis += dataType.getRank();
    }
    if (!source)
      return failure();
    auto sourceType = cast<RankedTensorType>(source.getType());
    int64_t n = sourceType.getDimSize(axis);
    int64_t length = condType.getDimSize(0);
    if (length > n)
      return fail("the condition has " + llvm::Twine(length) +
                  " entries for an axis of " + llvm::Twine(n));
    if (failed(checkExtent(n)))
      return failure();
    Value keep = castTo(condition, i64, onnx::TensorProto::INT64);
    if (length < n) // Missing entries are false.
      keep = op("Concat",
                {keep, createSplat(tensorOf({n - length}, i64), 0.0, loc)},
                tensorOf({n}, i64), {i64Attr("axis", 0)});
    auto [indices, filled, count] = compactKept(keep, n, loc, prefix);
    Value result =
        op("Gather", {source, indices}, sourceType, {i64Attr("axis", axis)});
    return finish(0, result, count, axis);
  }

  if (opType == "Unique") {
    if (intAttr("axis", std::nullopt))
      return fail("Unique along an axis is not supported (without one, the "
                  "flattened tensor is)");
    bool sorted = intAttr("sorted", 1).value_or(1) != 0;
    int64_t n = dataType.getNumElements();
    if (n == 0)
      return fail("needs a non-empty tensor");
    if (failed(checkExtent(n)))
      return failure();
    Type element = dataType.getElementType();
    Value flat = op("Reshape", {data, createI64Constant({n}, false, loc)},
                    tensorOf({n}, element));
    Value column = op("Reshape", {flat, createI64Constant({n, 1}, false, loc)},
                      tensorOf({n, 1}, element));
    // same[i, j]: x[i] == x[j]; lower[i, j]: j < i.
    Value same = op("Equal", {column, flat}, tensorOf({n, n}, i1));
    Value lower = createStrictlyLower(n, loc);
    Value axis1 = createI64Constant({1}, false, loc);
    // first[i]: no earlier element equals x[i].
    Value earlier =
        op("ReduceMax",
           {castTo(op("And", {same, lower}, tensorOf({n, n}, i1)), i64,
                   onnx::TensorProto::INT64)},
           tensorOf({n}, i64),
           {builder.getNamedAttr("axes", builder.getI64ArrayAttr({1})),
            i64Attr("keepdims", 0)});
    Value first = createBinary("Sub", createI64Constant({1}, true, loc),
                               earlier, loc, prefix);
    // Each element's output position: among the distinct values, how many
    // are smaller (sorted), or first appear earlier (not sorted).
    Value position;
    if (sorted) {
      Value smaller = castTo(op("Less", {flat, column}, tensorOf({n, n}, i1)),
                             i64, onnx::TensorProto::INT64);
      position = op("ReduceSum",
                    {createBinary("Mul", smaller, first, loc, prefix), axis1},
                    tensorOf({n}, i64), i64Attr("keepdims", 0));
    } else {
      Value firstIndex =
          op("ArgMax",
             {castTo(same, builder.getI32Type(), onnx::TensorProto::INT32)},
             tensorOf({n}, i64), {i64Attr("axis", 1), i64Attr("keepdims", 0)});
      Value rank = op("CumSum", {first, createI64Constant({0}, true, loc)},
                      tensorOf({n}, i64));
      position = createBinary("Sub",
                              op("Gather", {rank, firstIndex},
                                 tensorOf({n}, i64), {i64Attr("axis", 0)}),
                              createI64Constant({1}, true, loc), loc, prefix);
    }
    // at[p, i]: element i is at output position p.
    Value positions =
        op("Reshape", {iota(n, 0), createI64Constant({n, 1}, false, loc)},
           tensorOf({n, 1}, i64));
    Value at = castTo(op("Equal", {position, positions}, tensorOf({n, n}, i1)),
                      i64, onnx::TensorProto::INT64);
    Value select = createBinary("Mul", at, first, loc, prefix);
    Value indices =
        op("ReduceSum",
           {createBinary("Mul", select, iota(n, 0), loc, prefix), axis1},
           tensorOf({n}, i64), i64Attr("keepdims", 0));
    Value counts = op("ReduceSum", {at, axis1}, tensorOf({n}, i64),
                      i64Attr("keepdims", 0));
    Value uniques = op("Gather", {flat, indices}, tensorOf({n}, element),
                       {i64Attr("axis", 0)});
    Value count = op("ReduceSum", {first, createI64Constant({0}, false, loc)},
                     tensorOf({}, i64), {i64Attr("keepdims", 0)});
    if (failed(finish(0, uniques, count, 0)) ||
        failed(finish(1, indices, count, 0)) ||
        failed(finish(3, counts, count, 0)))
      return failure();
    // inverse_indices has the input's size.
    return bindOutput(node, 2, position);
  }

  // TopK.
  if (node.input_size() < 2 || node.input(1).empty())
    return fail("K is missing");
  Value k = lookupValue(node.input(1), loc, prefix);
  if (!k)
    return failure();
  int64_t rank = dataType.getRank();
  int64_t axis = intAttr("axis", -1).value_or(-1);
  if (rank == 0 || axis < -rank || axis >= rank)
    return fail("axis " + llvm::Twine(axis) + " is out of range");
  if (axis < 0)
    axis += rank;
  bool largest = intAttr("largest", 1).value_or(1) != 0;
  int64_t n = dataType.getDimSize(axis);
  if (n == 0)
    return fail("the axis is empty");
  if (failed(checkExtent(n)))
    return failure();
  std::optional<SmallVector<int64_t>> kConstant = getConstantInts(k);
  if (kConstant &&
      (kConstant->size() != 1 || (*kConstant)[0] < 0 || (*kConstant)[0] > n))
    return fail("K must be one value from 0 to " + llvm::Twine(n));

  // Work along the last dimension.
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  SmallVector<int64_t> shape;
  for (int64_t d : perm)
    shape.push_back(dataType.getDimSize(d));
  Type element = dataType.getElementType();
  auto transpose = [&](Value v, ArrayRef<int64_t> order,
                       ArrayRef<int64_t> resultShape, Type type) {
    return op("Transpose", v, tensorOf(resultShape, type),
              {builder.getNamedAttr("perm", builder.getI64ArrayAttr(order))});
  };
  Value y = transpose(data, perm, shape, element);
  SmallVector<int64_t> rowI(shape), rowJ(shape), pairs(shape);
  rowI.push_back(1);
  rowJ.insert(rowJ.end() - 1, 1);
  pairs.push_back(n);
  Value minusOne = createI64Constant({-1}, false, loc);
  Value yi = op("Unsqueeze", {y, minusOne}, tensorOf(rowI, element));
  Value yj = op("Unsqueeze", {y, createI64Constant({-2}, false, loc)},
                tensorOf(rowJ, element));
  // Element i ranks after every j that beats it, and after every equal j of
  // a lower index.
  Value beats = op(largest ? "Greater" : "Less", {yj, yi}, tensorOf(pairs, i1));
  Value equal = op("Equal", {yj, yi}, tensorOf(pairs, i1));
  Value lowerIndex = createStrictlyLower(n, loc);
  Value ahead =
      op("Or", {beats, op("And", {equal, lowerIndex}, tensorOf(pairs, i1))},
         tensorOf(pairs, i1));
  Value ranks =
      op("ReduceSum", {castTo(ahead, i64, onnx::TensorProto::INT64), minusOne},
         tensorOf(shape, i64), {i64Attr("keepdims", 0)});
  // Position p takes the element of rank p.
  SmallVector<int64_t> rankRow(shape);
  rankRow.insert(rankRow.end() - 1, 1);
  Value positions =
      op("Reshape", {iota(n, 0), createI64Constant({n, 1}, false, loc)},
         tensorOf({n, 1}, i64));
  Value select =
      castTo(op("Equal",
                {op("Unsqueeze", {ranks, createI64Constant({-2}, false, loc)},
                    tensorOf(rankRow, i64)),
                 positions},
                tensorOf(pairs, i1)),
             i64, onnx::TensorProto::INT64);
  Value indices =
      op("ReduceSum",
         {op("Mul", {select, iota(n, 0)}, tensorOf(pairs, i64)), minusOne},
         tensorOf(shape, i64), {i64Attr("keepdims", 0)});
  Value sortedValues =
      op("GatherElements", {y, indices}, tensorOf(shape, element),
         {i64Attr("axis", rank - 1)});
  // Back to the input's order of dimensions.
  SmallVector<int64_t> inverse(rank);
  for (int64_t d = 0; d < rank; ++d)
    inverse[perm[d]] = d;
  Value outValues =
      transpose(sortedValues, inverse, dataType.getShape(), element);
  Value outIndices = transpose(indices, inverse, dataType.getShape(), i64);
  if (!outValues || !outIndices)
    return failure();

  if (kConstant) {
    // K known when compiling: the first K along the axis.
    SmallVector<int64_t> kept(dataType.getShape());
    kept[axis] = (*kConstant)[0];
    auto slice = [&](Value v, Type type) {
      return op("Slice",
                {v, createI64Constant({0}, false, loc),
                 createI64Constant({(*kConstant)[0]}, false, loc),
                 createI64Constant({axis}, false, loc), getNoValue()},
                tensorOf(kept, type));
    };
    Value a = slice(outValues, element), b = slice(outIndices, i64);
    if (!a || !b)
      return failure();
    if (node.output_size() > 0 && !node.output(0).empty())
      values[node.output(0)] = a;
    if (node.output_size() > 1 && !node.output(1).empty())
      values[node.output(1)] = b;
    return success();
  }
  auto kType = dyn_cast<RankedTensorType>(k.getType());
  if (!kType || kType.getNumElements() != 1)
    return fail("K must hold one value");
  Value count = op(
      "Min",
      {op("Reshape", {k, createI64Constant({}, false, loc)}, tensorOf({}, i64)),
       createI64Constant({n}, true, loc)},
      tensorOf({}, i64));
  if (failed(finish(0, outValues, count, axis)) ||
      failed(finish(1, outIndices, count, axis)))
    return failure();
  return success();
}

GraphImporter::Compaction
GraphImporter::compactKept(Value keep, int64_t n, Location loc,
                           const std::string &prefix) {
  Type i1 = builder.getI1Type(), i64 = builder.getI64Type();
  auto op = [&](StringRef name, ValueRange operands, Type type,
                ArrayRef<NamedAttribute> attrs = {}) {
    return createOp(name, operands, type, attrs, loc, prefix);
  };
  SmallVector<int64_t> ordinals, positions;
  for (int64_t j = 0; j < n; ++j) {
    ordinals.push_back(j + 1);
    positions.push_back(j);
  }
  // select[j, i]: element i is kept and is the (j+1)-th kept one, i.e. its
  // running count rank[i] equals j + 1.
  Value rank = op("CumSum", {keep, createI64Constant({0}, true, loc)},
                  tensorOf({n}, i64));
  Value ordinal = op("Reshape",
                     {createI64Constant(ordinals, false, loc),
                      createI64Constant({n, 1}, false, loc)},
                     tensorOf({n, 1}, i64));
  Value equal = op("Equal", {rank, ordinal}, tensorOf({n, n}, i1));
  Value select = op("Mul",
                    {op("Cast", equal, tensorOf({n, n}, i64),
                        {i64Attr("to", onnx::TensorProto::INT64)}),
                     keep},
                    tensorOf({n, n}, i64));
  Value axis1 = createI64Constant({1}, false, loc);
  Compaction result;
  result.source =
      op("ReduceSum",
         {op("Mul", {select, createI64Constant(positions, false, loc)},
             tensorOf({n, n}, i64)),
          axis1},
         tensorOf({n}, i64), {i64Attr("keepdims", 0)});
  result.filled = op("ReduceSum", {select, axis1}, tensorOf({n}, i64),
                     {i64Attr("keepdims", 0)});
  result.count = op("ReduceSum", {keep, createI64Constant({0}, false, loc)},
                    tensorOf({}, i64), {i64Attr("keepdims", 0)});
  return result;
}
