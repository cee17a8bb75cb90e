//===- Strings.cpp - String tensors and StringNormalizer ------------------===//
//
// Devices have no string type, so a string tensor of shape S is compiled as a
// `ui8` tensor of shape S x B: each element's UTF-8 bytes, NUL-padded to B
// (ImportOptions::stringBytes, `compile --string-bytes`). The bundle records
// B on the tensor (TensorDesc::stringBytes) and the runtime packs and unpacks
// the strings; a longer input string is refused when running.
//
// StringNormalizer becomes byte arithmetic in ONNX operations, so that it
// compiles for every target like the rest of the graph:
//
//   1. case change: bytes 'a'..'z' or 'A'..'Z' shifted by 32 (ASCII only;
//      other bytes, such as UTF-8 sequences, are kept as they are);
//   2. stopwords: each element compared byte by byte with every stopword
//      (both lowered first when the comparison ignores case);
//   3. compaction: the kept elements' indices from a running count of the
//      kept ones, then a Gather. The number kept is known only at run time:
//      the output has the input's size as its bound along that dimension
//      and a hidden i64 result holds the actual size (at least 1: when every
//      element is a stopword ONNX returns one empty string).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/BuiltinTypes.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace zellige::import_detail;

Type GraphImporter::stringInputType(const onnx::TypeProto &type) {
  if (!type.has_tensor_type() ||
      type.tensor_type().elem_type() != onnx::TensorProto::STRING ||
      !type.tensor_type().has_shape())
    return {};
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim :
       type.tensor_type().shape().dim()) {
    if (!dim.has_dim_value() || dim.dim_value() < 0 ||
        dim.dim_value() > (int64_t(1) << 32))
      return {};
    shape.push_back(dim.dim_value());
  }
  shape.push_back(stringBytes);
  return RankedTensorType::get(
      shape, IntegerType::get(&ctx, 8, IntegerType::Unsigned));
}

LogicalResult GraphImporter::importStringNormalizer(const onnx::NodeProto &node,
                                                    Location loc,
                                                    const std::string &prefix) {
  auto fail = [&](const llvm::Twine &message) {
    return nodeError(loc, prefix, message);
  };
  if (node.input_size() != 1 || node.output_size() != 1 ||
      node.output(0).empty())
    return fail("needs one input and one output");
  auto it = stringValues.find(node.input(0));
  if (it == stringValues.end())
    return fail("input '" + node.input(0) +
                "' must be a string tensor of static shape (a graph input; "
                "strings made inside the graph are not supported)");
  Value input = it->second;
  auto inputType = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> shape = inputType.getShape().drop_back();
  if (shape.empty() || shape.size() > 2 || (shape.size() == 2 && shape[0] != 1))
    return fail("input must have shape [C] or [1, C]");
  int64_t n = shape.back();
  int64_t width = inputType.getShape().back();
  if (n == 0)
    return fail("input has no strings");

  std::string action = "NONE";
  bool caseSensitive = false;
  SmallVector<std::string> stopwords;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.name() == "case_change_action")
      action = attr.s();
    else if (attr.name() == "is_case_sensitive")
      caseSensitive = attr.i() != 0;
    else if (attr.name() == "stopwords")
      stopwords.assign(attr.strings().begin(), attr.strings().end());
    else if (attr.name() == "locale")
      continue; // Case mapping is ASCII's in every locale here.
  }
  if (action != "NONE" && action != "LOWER" && action != "UPPER")
    return fail("case_change_action '" + action +
                "' is not one of NONE, LOWER, UPPER");

  Type i1 = builder.getI1Type(), i32 = builder.getI32Type(),
       i64 = builder.getI64Type();
  auto op = [&](StringRef opType, ValueRange operands, Type type,
                ArrayRef<NamedAttribute> attrs = {}) {
    return createOp(opType, operands, type, attrs, loc, prefix);
  };
  auto i32Scalar = [&](int64_t v) {
    return createSplat(tensorOf({}, i32), double(v), loc);
  };
  // Bytes in [lo, hi] shifted by `delta`.
  auto shiftRange = [&](Value bytes, int64_t lo, int64_t hi,
                        int64_t delta) -> Value {
    auto type = cast<RankedTensorType>(bytes.getType());
    Type mask = type.clone(i1);
    Value inRange = op("And",
                       {op("GreaterOrEqual", {bytes, i32Scalar(lo)}, mask),
                        op("LessOrEqual", {bytes, i32Scalar(hi)}, mask)},
                       mask);
    Value shifted = op("Add", {bytes, i32Scalar(delta)}, type);
    return op("Where", {inRange, shifted, bytes}, type);
  };
  auto lower = [&](Value bytes) { return shiftRange(bytes, 'A', 'Z', 32); };
  auto upper = [&](Value bytes) { return shiftRange(bytes, 'a', 'z', -32); };

  // [n, width] bytes as i32.
  Value rows = op("Reshape", {input, createI64Constant({n, width}, false, loc)},
                  tensorOf({n, width}, inputType.getElementType()));
  Value bytes = op("Cast", {rows}, tensorOf({n, width}, i32),
                   {i64Attr("to", onnx::TensorProto::INT32)});
  if (!bytes)
    return failure();

  // Which elements stay: those equal to no stopword. Stopwords longer than
  // the string width can match nothing.
  SmallVector<int32_t> table;
  int64_t k = 0;
  for (const std::string &word : stopwords) {
    if (int64_t(word.size()) > width || word.find('\0') != std::string::npos)
      continue;
    for (int64_t b = 0; b < width; ++b) {
      int32_t c = b < int64_t(word.size()) ? uint8_t(word[b]) : 0;
      if (!caseSensitive && c >= 'A' && c <= 'Z')
        c += 32;
      table.push_back(c);
    }
    ++k;
  }
  Value keep; // [n] i64, 1 for kept elements.
  if (k == 0) {
    keep = createSplat(tensorOf({n}, i64), 1.0, loc);
  } else {
    Value key = caseSensitive ? bytes : lower(bytes);
    auto tableType = tensorOf({k, width}, i32);
    Value words =
        createConstant(DenseElementsAttr::get(tableType, ArrayRef(table)), loc);
    Value key3 = op("Unsqueeze", {key, createI64Constant({1}, false, loc)},
                    tensorOf({n, 1, width}, i32));
    Value same =
        op("Cast", {op("Equal", {key3, words}, tensorOf({n, k, width}, i1))},
           tensorOf({n, k, width}, i32),
           {i64Attr("to", onnx::TensorProto::INT32)});
    Value whole =
        op("ReduceMin", {same}, tensorOf({n, k}, i32),
           {builder.getNamedAttr("axes", builder.getI64ArrayAttr({2})),
            i64Attr("keepdims", 0)});
    Value isStop =
        op("ReduceMax", {whole}, tensorOf({n}, i32),
           {builder.getNamedAttr("axes", builder.getI64ArrayAttr({1})),
            i64Attr("keepdims", 0)});
    Value kept = op("Sub", {i32Scalar(1), isStop}, tensorOf({n}, i32));
    keep = op("Cast", {kept}, tensorOf({n}, i64),
              {i64Attr("to", onnx::TensorProto::INT64)});
  }
  if (!keep)
    return failure();

  // Output row j takes the (j+1)-th kept input row.
  auto [source, filled, kept] = compactKept(keep, n, loc, prefix);
  Value axis1 = createI64Constant({1}, false, loc);
  Value picked = op("Gather", {bytes, source}, tensorOf({n, width}, i32),
                    {i64Attr("axis", 0)});
  // Rows past the kept ones hold empty strings.
  Value rowMask =
      op("Cast", {op("Unsqueeze", {filled, axis1}, tensorOf({n, 1}, i64))},
         tensorOf({n, 1}, i32), {i64Attr("to", onnx::TensorProto::INT32)});
  Value cleared = op("Mul", {picked, rowMask}, tensorOf({n, width}, i32));
  if (!cleared)
    return failure();
  if (action == "LOWER")
    cleared = lower(cleared);
  else if (action == "UPPER")
    cleared = upper(cleared);
  Value out =
      op("Cast", {cleared}, tensorOf({n, width}, inputType.getElementType()),
         {i64Attr("to", onnx::TensorProto::UINT8)});
  out =
      op("Reshape", {out, createI64Constant(inputType.getShape(), false, loc)},
         inputType);
  // The number kept, at least one.
  Value count =
      op("Max", {kept, createI64Constant({1}, true, loc)}, tensorOf({}, i64));
  if (!out || !count)
    return failure();
  stringValues[node.output(0)] = out;
  runtimeSizes[node.output(0)] = {count, int64_t(shape.size()) - 1};
  return success();
}
