//===- Sequences.cpp - Sequence operators known when compiling ------------===//
//
// ONNX sequences are lists of tensors. Zellige compiles for devices whose
// kernels take tensors of fixed shape, so the importer keeps a sequence as
// the list of its elements (SSA values) and needs every position, length and
// split size to be known when compiling: constants or initializers. Each
// sequence node then becomes tensor operations:
//
//   SequenceEmpty, SequenceConstruct  the list itself, no operation
//   SequenceInsert, SequenceErase     a new list
//   SequenceAt                        onnx.Identity of the element
//   SequenceLength                    an i64 constant
//   SplitToSequence                   onnx.Slice (+ onnx.Squeeze) per element
//   ConcatFromSequence                onnx.Concat (+ onnx.Unsqueeze)
//
// A position that arrives at run time, or a sequence that crosses the graph's
// inputs or outputs, is reported as not supported, naming the node.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringSwitch.h"

#include "onnx/onnx_pb.h"

using namespace mlir;
using namespace zellige::import_detail;

namespace {

int64_t intAttribute(const onnx::NodeProto &node, llvm::StringRef name,
                     int64_t defaultValue) {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return attr.i();
  return defaultValue;
}

bool hasInput(const onnx::NodeProto &node, int index) {
  return node.input_size() > index && !node.input(index).empty();
}

} // namespace

bool GraphImporter::isSequenceOperator(llvm::StringRef opType) {
  return llvm::StringSwitch<bool>(opType)
      .Cases({"SequenceEmpty", "SequenceConstruct", "SequenceInsert",
              "SequenceErase", "SequenceAt", "SequenceLength",
              "SplitToSequence", "ConcatFromSequence"},
             true)
      .Default(false);
}

LogicalResult GraphImporter::importSequenceNode(const onnx::NodeProto &node,
                                                Location loc,
                                                const std::string &prefix) {
  const std::string &opType = node.op_type();
  auto report = [&](const llvm::Twine &message) {
    emitError(loc) << prefix << message;
  };
  auto fail = [&](const llvm::Twine &message) {
    report(message);
    return failure();
  };
  if (node.output_size() != 1 || node.output(0).empty())
    return fail("a sequence operator needs exactly one output");
  const std::string &output = node.output(0);

  // The sequence named by input `index`.
  auto getSequence = [&](int index) -> const SequenceElements * {
    if (!hasInput(node, index)) {
      report("input " + llvm::Twine(index) + " (a sequence) is missing");
      return nullptr;
    }
    auto it = sequences.find(node.input(index));
    if (it == sequences.end()) {
      report("input '" + node.input(index) +
             "' is not a sequence built in this graph (sequences given as "
             "graph inputs are not supported)");
      return nullptr;
    }
    return &it->second;
  };
  // The position held by input `index`, normalized against `size`
  // (`allowEnd` admits `size` itself, for insertion at the back). Without the
  // input, the position is `defaultPosition`.
  auto getPosition = [&](int index, int64_t size, bool allowEnd,
                         int64_t defaultPosition) -> std::optional<int64_t> {
    if (!hasInput(node, index))
      return defaultPosition;
    Value value = lookupValue(node.input(index), loc, prefix);
    if (!value)
      return std::nullopt;
    std::optional<SmallVector<int64_t>> ints = getConstantInts(value);
    if (!ints || ints->size() != 1) {
      report(
          "position '" + node.input(index) +
          "' is only known at run time; sequence positions must be "
          "constants or initializers (run-time positions are not supported)");
      return std::nullopt;
    }
    int64_t position = (*ints)[0];
    int64_t upper = allowEnd ? size : size - 1;
    if (position < -size || position > upper) {
      report("position " + llvm::Twine(position) +
             " is out of range for a sequence of " + llvm::Twine(size) +
             " tensors (valid: " + llvm::Twine(-size) + " to " +
             llvm::Twine(upper) + ")");
      return std::nullopt;
    }
    return position < 0 ? position + size : position;
  };

  if (opType == "SequenceEmpty") {
    sequences[output] = {};
    return success();
  }
  if (opType == "SequenceConstruct") {
    SequenceElements elements;
    for (const std::string &input : node.input()) {
      Value value = lookupValue(input, loc, prefix);
      if (!value)
        return failure();
      elements.push_back(value);
    }
    sequences[output] = std::move(elements);
    return success();
  }
  if (opType == "SequenceInsert") {
    const SequenceElements *seq = getSequence(0);
    if (!seq)
      return failure();
    Value tensor =
        hasInput(node, 1) ? lookupValue(node.input(1), loc, prefix) : Value();
    if (!tensor)
      return hasInput(node, 1) ? failure() : fail("the tensor is missing");
    int64_t size = seq->size();
    std::optional<int64_t> position = getPosition(2, size, true, size);
    if (!position)
      return failure();
    SequenceElements elements(*seq);
    elements.insert(elements.begin() + *position, tensor);
    sequences[output] = std::move(elements);
    return success();
  }
  if (opType == "SequenceErase") {
    const SequenceElements *seq = getSequence(0);
    if (!seq)
      return failure();
    int64_t size = seq->size();
    if (size == 0)
      return fail("cannot erase from an empty sequence");
    std::optional<int64_t> position = getPosition(1, size, false, size - 1);
    if (!position)
      return failure();
    SequenceElements elements(*seq);
    elements.erase(elements.begin() + *position);
    sequences[output] = std::move(elements);
    return success();
  }
  if (opType == "SequenceLength") {
    const SequenceElements *seq = getSequence(0);
    if (!seq)
      return failure();
    values[output] = createI64Constant({int64_t(seq->size())}, true, loc);
    return success();
  }
  if (opType == "SequenceAt") {
    const SequenceElements *seq = getSequence(0);
    if (!seq)
      return failure();
    int64_t size = seq->size();
    if (size == 0)
      return fail("the sequence is empty");
    if (!hasInput(node, 1))
      return fail("the position input is missing");
    std::optional<int64_t> position = getPosition(1, size, false, 0);
    if (!position)
      return failure();
    Value element = (*seq)[*position];
    if (!element)
      return fail("element " + llvm::Twine(*position) +
                  " has a shape that depends on split sizes known only at "
                  "run time (not supported)");
    Value result =
        createOp("Identity", element, element.getType(), {}, loc, prefix);
    if (!result)
      return failure();
    values[output] = result;
    return success();
  }
  if (opType == "SplitToSequence") {
    Value input =
        hasInput(node, 0) ? lookupValue(node.input(0), loc, prefix) : Value();
    if (!input)
      return hasInput(node, 0) ? failure() : fail("the input is missing");
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type)
      return fail("the input needs a known rank");
    int64_t rank = type.getRank();
    int64_t axis = intAttribute(node, "axis", 0);
    if (rank == 0 || axis < -rank || axis >= rank)
      return fail("axis " + llvm::Twine(axis) + " is out of range for rank " +
                  llvm::Twine(rank));
    if (axis < 0)
      axis += rank;
    int64_t dim = type.getDimSize(axis);

    SmallVector<int64_t> sizes;
    bool keepDims = true;
    if (!hasInput(node, 1)) {
      // Chunks of one, squeezed unless keepdims says otherwise.
      if (ShapedType::isDynamic(dim))
        return fail("the split axis has a size known only at run time (not "
                    "supported)");
      sizes.assign(dim, 1);
      keepDims = intAttribute(node, "keepdims", 1) != 0;
    } else {
      Value split = lookupValue(node.input(1), loc, prefix);
      if (!split)
        return failure();
      auto splitType = dyn_cast<RankedTensorType>(split.getType());
      std::optional<SmallVector<int64_t>> ints = getConstantInts(split);
      if (!ints) {
        // The count is known from the split's shape, the sizes are not:
        // enough for SequenceLength.
        if (splitType && splitType.getRank() == 1 &&
            !splitType.isDynamicDim(0)) {
          sequences[output] = SequenceElements(splitType.getDimSize(0));
          return success();
        }
        return fail("split '" + node.input(1) +
                    "' is only known at run time and its count cannot be "
                    "inferred (not supported)");
      }
      if (ShapedType::isDynamic(dim))
        return fail("the split axis has a size known only at run time (not "
                    "supported)");
      if (splitType && splitType.getRank() == 0) {
        int64_t chunk = (*ints)[0];
        if (chunk <= 0)
          return fail("split size " + llvm::Twine(chunk) + " must be positive");
        for (int64_t start = 0; start < dim; start += chunk)
          sizes.push_back(std::min(chunk, dim - start));
      } else {
        int64_t total = 0;
        for (int64_t s : *ints) {
          if (s < 0)
            return fail("split sizes must not be negative");
          total += s;
        }
        if (total != dim)
          return fail("split sizes add up to " + llvm::Twine(total) +
                      ", but the axis has size " + llvm::Twine(dim));
        sizes = *ints;
      }
    }

    SequenceElements elements;
    Value axes = createI64Constant({axis}, false, loc);
    int64_t start = 0;
    for (int64_t size : sizes) {
      SmallVector<int64_t> shape(type.getShape());
      shape[axis] = size;
      Value slice = createOp("Slice",
                             {input, createI64Constant({start}, false, loc),
                              createI64Constant({start + size}, false, loc),
                              axes, getNoValue()},
                             type.clone(shape), {}, loc, prefix);
      if (!slice)
        return failure();
      if (!keepDims) {
        shape.erase(shape.begin() + axis);
        slice = createOp("Squeeze", {slice, axes}, type.clone(shape), {}, loc,
                         prefix);
        if (!slice)
          return failure();
      }
      elements.push_back(slice);
      start += size;
    }
    sequences[output] = std::move(elements);
    return success();
  }
  if (opType == "ConcatFromSequence") {
    const SequenceElements *seq = getSequence(0);
    if (!seq)
      return failure();
    if (seq->empty())
      return fail("cannot concatenate an empty sequence");
    SmallVector<Value> inputs;
    for (auto [i, element] : llvm::enumerate(*seq)) {
      if (!element)
        return fail("element " + llvm::Twine(i) +
                    " has a shape that depends on split sizes known only at "
                    "run time (not supported)");
      if (!isa<RankedTensorType>(element.getType()))
        return fail("element " + llvm::Twine(i) + " needs a known rank");
      inputs.push_back(element);
    }
    auto first = cast<RankedTensorType>(inputs.front().getType());
    int64_t rank = first.getRank();
    bool newAxis = intAttribute(node, "new_axis", 0) != 0;
    int64_t outRank = newAxis ? rank + 1 : rank;
    int64_t axis = intAttribute(node, "axis", 0);
    if (axis < -outRank || axis >= outRank || outRank == 0)
      return fail("axis " + llvm::Twine(axis) + " is out of range for rank " +
                  llvm::Twine(outRank));
    if (axis < 0)
      axis += outRank;
    if (newAxis) {
      Value axes = createI64Constant({axis}, false, loc);
      for (Value &value : inputs) {
        auto valueType = cast<RankedTensorType>(value.getType());
        SmallVector<int64_t> shape(valueType.getShape());
        shape.insert(shape.begin() + axis, 1);
        value = createOp("Unsqueeze", {value, axes}, valueType.clone(shape), {},
                         loc, prefix);
        if (!value)
          return failure();
      }
    }
    SmallVector<int64_t> shape(
        cast<RankedTensorType>(inputs.front().getType()).getShape());
    shape[axis] = 0;
    for (Value value : inputs) {
      auto valueType = cast<RankedTensorType>(value.getType());
      if (valueType.getRank() != outRank)
        return fail("the sequence's tensors have different ranks");
      for (int64_t i = 0; i < outRank; ++i)
        if (i != axis && valueType.getDimSize(i) != shape[i])
          return fail("the sequence's tensors differ in dimension " +
                      llvm::Twine(i) + ", which is not the axis " +
                      llvm::Twine(axis));
      int64_t d = valueType.getDimSize(axis);
      shape[axis] =
          ShapedType::isDynamic(d) || ShapedType::isDynamic(shape[axis])
              ? ShapedType::kDynamic
              : shape[axis] + d;
    }
    Value result = createOp(
        "Concat", inputs, first.clone(shape),
        {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis))}, loc,
        prefix);
    if (!result)
      return failure();
    values[output] = result;
    return success();
  }
  return fail("sequence operator '" + opType + "' is not supported");
}
