//===- ONNXImporter.cpp - Import ONNX models into MLIR --------------------===//
//
// This file implements importONNXModel(): it reads a ModelProto from untrusted
// bytes, pulls in external data from the model's folder only, brings every
// node to the canonical opset (17), runs libonnx's checker and shape
// inference, and builds one `func.func @main` with an `onnx.*` operation per
// node. Each operation is located at its node (a NameLoc wrapped around the
// file's location) and verified as soon as it is built, so errors name the
// node, its operator and the file.
//
//===----------------------------------------------------------------------===//

#include "zellige/Import/ONNXImporter.h"

#include "GraphImporter.h"
#include "ModelLoader.h"
#include "ONNXLibrary.h"
#include "OpsetUpgrade.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Debug.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SwapByteOrder.h"

#include <cstring>

#define DEBUG_TYPE "zellige-import-onnx"

using namespace mlir;
using namespace zellige;
using namespace zellige::import_detail;

Type GraphImporter::convertElementType(int32_t onnxType) {
  auto sint = [&](unsigned w) { return IntegerType::get(&ctx, w); };
  auto uint = [&](unsigned w) {
    return IntegerType::get(&ctx, w, IntegerType::Unsigned);
  };
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return Float32Type::get(&ctx);
  case onnx::TensorProto::DOUBLE:
    return Float64Type::get(&ctx);
  case onnx::TensorProto::FLOAT16:
    return Float16Type::get(&ctx);
  case onnx::TensorProto::BFLOAT16:
    return BFloat16Type::get(&ctx);
  case onnx::TensorProto::INT8:
    return sint(8);
  case onnx::TensorProto::INT16:
    return sint(16);
  case onnx::TensorProto::INT32:
    return sint(32);
  case onnx::TensorProto::INT64:
    return sint(64);
  case onnx::TensorProto::UINT8:
    return uint(8);
  case onnx::TensorProto::UINT16:
    return uint(16);
  case onnx::TensorProto::UINT32:
    return uint(32);
  case onnx::TensorProto::UINT64:
    return uint(64);
  case onnx::TensorProto::BOOL:
    return sint(1);
  case onnx::TensorProto::STRING:
    return ONNX::StringType::get(&ctx);
  case onnx::TensorProto::COMPLEX64:
    return ComplexType::get(Float32Type::get(&ctx));
  case onnx::TensorProto::COMPLEX128:
    return ComplexType::get(Float64Type::get(&ctx));
  default:
    return {};
  }
}

namespace {
/// The largest rank and the largest tensor (in bytes) the importer accepts.
constexpr int kMaxTensorRank = 64;
constexpr uint64_t kMaxTensorBytes = uint64_t(1) << 40;

std::string shapeString(llvm::ArrayRef<int64_t> dims);
} // namespace

Type GraphImporter::convertType(const onnx::TypeProto &type, Location loc,
                                const llvm::Twine &what) {
  if (!type.has_tensor_type()) {
    emitError(loc) << what
                   << " has a non-tensor type (sequence, map, optional or "
                      "sparse), which the importer does not support";
    return {};
  }
  const onnx::TypeProto::Tensor &tensor = type.tensor_type();
  if (tensor.elem_type() == onnx::TensorProto::UNDEFINED) {
    emitError(loc) << what << " has no known element type";
    return {};
  }
  Type elementType = convertElementType(tensor.elem_type());
  if (!elementType) {
    emitError(loc) << what << " has unsupported element type "
                   << (onnx::TensorProto::DataType_IsValid(tensor.elem_type())
                           ? onnx::TensorProto::DataType_Name(
                                 static_cast<onnx::TensorProto::DataType>(
                                     tensor.elem_type()))
                           : std::string("?"))
                   << " (" << tensor.elem_type() << ")";
    return {};
  }
  if (!tensor.has_shape())
    return UnrankedTensorType::get(elementType);
  if (tensor.shape().dim_size() > kMaxTensorRank) {
    emitError(loc) << what << " has rank " << tensor.shape().dim_size()
                   << ", more than the importer's limit of " << kMaxTensorRank;
    return {};
  }
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim()) {
    if (dim.has_dim_value() && dim.dim_value() < 0) {
      emitError(loc) << what << " has a negative dimension (" << dim.dim_value()
                     << ")";
      return {};
    }
    shape.push_back(dim.has_dim_value() ? dim.dim_value()
                                        : ShapedType::kDynamic);
  }
  // Bound the size of every tensor with a static shape: a product that
  // overflows, or one that needs terabytes, is refused here rather than
  // wherever a later stage first multiplies the dims.
  size_t width = std::max<size_t>(rawElementWidth(tensor.elem_type()), 1);
  uint64_t bytes = width;
  for (int64_t d : shape) {
    if (d == ShapedType::kDynamic)
      continue;
    if (d != 0 && bytes > kMaxTensorBytes / uint64_t(d)) {
      emitError(loc) << what << " has shape " << shapeString(shape)
                     << ", which would need more than "
                     << (kMaxTensorBytes >> 30) << " GiB";
      return {};
    }
    bytes *= uint64_t(d);
  }
  return RankedTensorType::get(shape, elementType);
}

namespace {
std::string shapeString(llvm::ArrayRef<int64_t> dims) {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i)
    text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

/// Appends `count` typed values to `buffer`, each stored in `width` bytes.
template <typename RangeT>
void appendValues(std::vector<char> &buffer, const RangeT &range,
                  size_t width) {
  for (auto v : range) {
    char bytes[8];
    static_assert(sizeof(v) <= 8, "value too wide");
    std::memcpy(bytes, &v, sizeof(v));
    // Little-endian hosts keep the low bytes first; narrower ONNX types are
    // stored widened in int32_data / uint64_data.
    buffer.insert(buffer.end(), bytes, bytes + width);
  }
}
} // namespace

ElementsAttr GraphImporter::convertTensor(const onnx::TensorProto &tensor,
                                          Location loc,
                                          const llvm::Twine &what) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    emitError(loc) << what
                   << " keeps its data in an external file that was "
                      "not loaded";
    return {};
  }
  Type elementType = convertElementType(tensor.data_type());
  if (!elementType) {
    emitError(loc) << what << " has unsupported element type "
                   << (onnx::TensorProto::DataType_IsValid(tensor.data_type())
                           ? onnx::TensorProto::DataType_Name(
                                 static_cast<onnx::TensorProto::DataType>(
                                     tensor.data_type()))
                           : std::string("?"))
                   << " (" << tensor.data_type() << ")";
    return {};
  }
  SmallVector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
  uint64_t numElements = 1;
  for (int64_t d : dims) {
    if (d < 0) {
      emitError(loc) << what << " has a negative dimension in its shape "
                     << shapeString(dims);
      return {};
    }
    if (d != 0 && numElements > (uint64_t(1) << 40) / uint64_t(d)) {
      emitError(loc) << what << " has a shape " << shapeString(dims)
                     << " that is too large";
      return {};
    }
    numElements *= uint64_t(d);
  }
  auto type = RankedTensorType::get(dims, elementType);
  auto sizeError = [&](uint64_t have) -> ElementsAttr {
    emitError(loc) << what << " is "
                   << (have < numElements ? "shorter" : "longer")
                   << " than its shape: it holds " << have
                   << " elements of data, but shape " << shapeString(dims)
                   << " needs " << numElements;
    return {};
  };

  if (tensor.data_type() == onnx::TensorProto::STRING) {
    if (tensor.has_raw_data()) {
      emitError(loc) << what << " is a string tensor with raw_data";
      return {};
    }
    if (uint64_t(tensor.string_data_size()) != numElements)
      return sizeError(tensor.string_data_size());
    SmallVector<StringRef> strings(tensor.string_data().begin(),
                                   tensor.string_data().end());
    return DenseStringElementsAttr::get(type, strings);
  }

  if (llvm::sys::IsBigEndianHost) {
    emitError(loc) << "importing ONNX tensors needs a little-endian host";
    return {};
  }
  size_t width = rawElementWidth(tensor.data_type());
  std::vector<char> typed;
  ArrayRef<char> raw;
  if (tensor.has_raw_data()) {
    const std::string &data = tensor.raw_data();
    if (data.size() % width != 0) {
      emitError(loc) << what << " has " << data.size()
                     << " bytes of raw data, not a multiple of its element "
                        "size ("
                     << width << " bytes)";
      return {};
    }
    if (data.size() / width != numElements)
      return sizeError(data.size() / width);
    raw = ArrayRef<char>(data.data(), data.size());
  } else {
    uint64_t have = 0;
    switch (tensor.data_type()) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::COMPLEX64:
      have = tensor.float_data_size();
      appendValues(typed, tensor.float_data(), 4);
      if (tensor.data_type() == onnx::TensorProto::COMPLEX64)
        have /= 2;
      break;
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::COMPLEX128:
      have = tensor.double_data_size();
      appendValues(typed, tensor.double_data(), 8);
      if (tensor.data_type() == onnx::TensorProto::COMPLEX128)
        have /= 2;
      break;
    case onnx::TensorProto::INT64:
      have = tensor.int64_data_size();
      appendValues(typed, tensor.int64_data(), 8);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      have = tensor.uint64_data_size();
      appendValues(typed, tensor.uint64_data(), width);
      break;
    default:
      have = tensor.int32_data_size();
      appendValues(typed, tensor.int32_data(), width);
      break;
    }
    if (have != numElements)
      return sizeError(have);
    raw = typed;
  }

  if (tensor.data_type() == onnx::TensorProto::BOOL) {
    SmallVector<bool> bits;
    bits.reserve(raw.size());
    for (char c : raw)
      bits.push_back(c != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  }
  bool splat = false;
  if (!DenseElementsAttr::isValidRawBuffer(type, raw, splat)) {
    emitError(loc) << what << " has data that does not fit its type " << type;
    return {};
  }
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

Attribute GraphImporter::convertAttribute(const onnx::AttributeProto &attr,
                                          Location loc,
                                          const llvm::Twine &prefix) {
  if (!attr.ref_attr_name().empty()) {
    emitError(loc) << prefix << "attribute '" << attr.name()
                   << "' refers to a function attribute, which is not "
                      "supported outside functions";
    return {};
  }
  switch (attr.type()) {
  case onnx::AttributeProto::FLOAT:
    return builder.getF32FloatAttr(attr.f());
  case onnx::AttributeProto::INT:
    return builder.getI64IntegerAttr(attr.i());
  case onnx::AttributeProto::STRING:
    return builder.getStringAttr(attr.s());
  case onnx::AttributeProto::FLOATS: {
    SmallVector<Attribute> elems;
    for (float f : attr.floats())
      elems.push_back(builder.getF32FloatAttr(f));
    return builder.getArrayAttr(elems);
  }
  case onnx::AttributeProto::INTS: {
    SmallVector<Attribute> elems;
    for (int64_t i : attr.ints())
      elems.push_back(builder.getI64IntegerAttr(i));
    return builder.getArrayAttr(elems);
  }
  case onnx::AttributeProto::STRINGS: {
    SmallVector<Attribute> elems;
    for (const std::string &s : attr.strings())
      elems.push_back(builder.getStringAttr(s));
    return builder.getArrayAttr(elems);
  }
  case onnx::AttributeProto::TENSOR:
    return convertTensor(attr.t(), loc,
                         prefix + "tensor of attribute '" + attr.name() + "'");
  case onnx::AttributeProto::TYPE_PROTO: {
    Type type = convertType(attr.tp(), loc,
                            prefix + "type of attribute '" + attr.name() + "'");
    return type ? TypeAttr::get(type) : Attribute();
  }
  case onnx::AttributeProto::GRAPH:
  case onnx::AttributeProto::GRAPHS:
    emitError(loc) << prefix << "attribute '" << attr.name()
                   << "' is a subgraph; subgraphs (If/Loop/Scan bodies) are "
                      "not supported yet";
    return {};
  default:
    emitError(loc) << prefix << "attribute '" << attr.name() << "' has kind "
                   << onnx::AttributeProto::AttributeType_Name(attr.type())
                   << ", which the importer does not support";
    return {};
  }
}

std::string GraphImporter::nodeName(const onnx::NodeProto &node,
                                    int index) const {
  if (!node.name().empty())
    return node.name();
  return node.op_type() + "_" + std::to_string(index);
}

Location GraphImporter::nodeLoc(llvm::StringRef name) {
  return NameLoc::get(StringAttr::get(&ctx, escapeControlCharacters(name)),
                      fileLoc);
}

Value GraphImporter::createOp(StringRef opType, ValueRange operands,
                              Type resultType, ArrayRef<NamedAttribute> attrs,
                              Location loc, const std::string &prefix) {
  if (llvm::any_of(operands, [](Value v) { return !v; }))
    return {};
  std::optional<RegisteredOperationName> registered =
      RegisteredOperationName::lookup(("onnx." + opType).str(), &ctx);
  if (!registered) {
    emitError(loc) << prefix << "the expansion needs operator '" << opType
                   << "', which the dialect does not have";
    return {};
  }
  OperationState state(loc, *registered);
  state.addOperands(operands);
  state.addTypes(resultType);
  state.addAttributes(attrs);
  Operation *op = builder.create(state);
  if (failed(verifyNodeOp(op, prefix)))
    return {};
  return op->getResult(0);
}

LogicalResult GraphImporter::nodeError(Location loc, const std::string &prefix,
                                       const llvm::Twine &message) {
  emitError(loc) << prefix << message;
  return failure();
}

FailureOr<Value> GraphImporter::staticInput(const onnx::NodeProto &node,
                                            int index, Location loc,
                                            const std::string &prefix) {
  if (node.input_size() <= index || node.input(index).empty())
    return Value();
  Value value = lookupValue(node.input(index), loc, prefix);
  if (!value)
    return failure();
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return nodeError(loc, prefix,
                     "input '" + node.input(index) + "' needs a static shape");
  return value;
}

LogicalResult GraphImporter::bindOutput(const onnx::NodeProto &node, int index,
                                        Value value) {
  if (!value)
    return failure();
  if (index < node.output_size() && !node.output(index).empty())
    values[node.output(index)] = value;
  return success();
}

NamedAttribute GraphImporter::i64Attr(StringRef name, int64_t value) {
  return builder.getNamedAttr(name, builder.getI64IntegerAttr(value));
}

LogicalResult
GraphImporter::convertAttributes(const onnx::NodeProto &node, Location loc,
                                 const std::string &prefix,
                                 SmallVectorImpl<NamedAttribute> &attrs) {
  for (const onnx::AttributeProto &attr : node.attribute()) {
    Attribute converted = convertAttribute(attr, loc, prefix);
    if (!converted)
      return failure();
    attrs.push_back(builder.getNamedAttr(attr.name(), converted));
  }
  return success();
}

Value GraphImporter::createBinary(StringRef opType, Value a, Value b,
                                  Location loc, const std::string &prefix,
                                  Type elementType) {
  if (!a || !b)
    return {};
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(aType.getShape(), bType.getShape(),
                                          shape)) {
    emitError(loc) << prefix << "the expansion's " << opType
                   << " has operands of shapes that do not broadcast";
    return {};
  }
  return createOp(opType, {a, b},
                  RankedTensorType::get(shape, elementType
                                                   ? elementType
                                                   : aType.getElementType()),
                  {}, loc, prefix);
}

Value GraphImporter::createConstant(DenseElementsAttr value, Location loc) {
  return ONNX::ConstantOp::create(builder, loc, value.getType(), nullptr, value,
                                  nullptr, nullptr, nullptr, nullptr, nullptr,
                                  nullptr)
      .getResult();
}

Value GraphImporter::createStrictlyLower(int64_t n, Location loc) {
  SmallVector<bool> bits;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      bits.push_back(j < i);
  return createConstant(
      DenseElementsAttr::get(RankedTensorType::get({n, n}, builder.getI1Type()),
                             ArrayRef<bool>(bits)),
      loc);
}

Value GraphImporter::createI64Constant(ArrayRef<int64_t> ints, bool scalar,
                                       Location loc) {
  auto type = scalar ? RankedTensorType::get({}, builder.getI64Type())
                     : RankedTensorType::get({int64_t(ints.size())},
                                             builder.getI64Type());
  return createConstant(DenseElementsAttr::get(type, ints), loc);
}

Value GraphImporter::createSplat(RankedTensorType type, double value,
                                 Location loc) {
  Type elementType = type.getElementType();
  Attribute element;
  if (isa<FloatType>(elementType))
    element = builder.getFloatAttr(elementType, value);
  else
    element = builder.getIntegerAttr(elementType, int64_t(value));
  return createConstant(DenseElementsAttr::get(type, element), loc);
}

std::optional<SmallVector<int64_t>>
GraphImporter::getConstantInts(Value value) {
  auto constant = value.getDefiningOp<ONNX::ConstantOp>();
  if (!constant || !constant.getValue())
    return std::nullopt;
  auto dense = dyn_cast<DenseIntElementsAttr>(*constant.getValue());
  if (!dense)
    return std::nullopt;
  SmallVector<int64_t> ints;
  for (const APInt &v : dense.getValues<APInt>())
    ints.push_back(v.getSExtValue());
  return ints;
}

Value GraphImporter::lookupValue(const std::string &name, Location loc,
                                 const std::string &prefix) {
  if (runtimeSizes.contains(name)) {
    emitError(loc) << prefix << "input '" << name
                   << "' has a size known only at run time (the output of "
                      "NonZero, Compress, TopK with a run-time K, or "
                      "StringNormalizer); only graph outputs may have one "
                      "(not supported here)";
    return {};
  }
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  if (stringValues.contains(name))
    emitError(loc) << prefix << "input '" << name
                   << "' is a string tensor; strings are supported by "
                      "StringNormalizer only (not supported here)";
  else if (sequences.contains(name))
    emitError(loc) << prefix << "input '" << name
                   << "' is a sequence, which this operator cannot take (only "
                      "the sequence operators take sequences)";
  else
    emitError(loc) << prefix << "input '" << name << "' is not defined";
  return {};
}

Value GraphImporter::getNoValue() {
  if (!noValue) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(entryBlock);
    noValue = ONNX::NoValueOp::create(builder, fileLoc, builder.getNoneType())
                  .getResult();
  }
  return noValue;
}

LogicalResult GraphImporter::verifyNodeOp(Operation *op,
                                          const std::string &prefix) {
  SmallVector<std::string> messages;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        messages.push_back(diag.str());
      return success();
    });
    result = mlir::verify(op, /*verifyRecursively=*/false);
  }
  if (succeeded(result))
    return success();
  for (const std::string &message : messages)
    emitError(op->getLoc()) << prefix << message;
  if (messages.empty())
    emitError(op->getLoc()) << prefix << "the operation failed to verify";
  return failure();
}

LogicalResult GraphImporter::importConstantNode(const onnx::NodeProto &node,
                                                Location loc,
                                                const std::string &prefix) {
  if (node.output_size() != 1 || node.attribute_size() != 1) {
    emitError(loc) << prefix
                   << "a Constant needs exactly one output and one value "
                      "attribute";
    return failure();
  }
  const onnx::AttributeProto &attr = node.attribute(0);
  const std::string &name = attr.name();
  Attribute value;
  auto vectorType = [&](Type elem, int64_t n) {
    return RankedTensorType::get({n}, elem);
  };
  auto scalarType = [&](Type elem) { return RankedTensorType::get({}, elem); };
  if (name == "value") {
    value = convertTensor(attr.t(), loc, prefix + "value");
  } else if (name == "value_float") {
    value = DenseElementsAttr::get(scalarType(builder.getF32Type()), attr.f());
  } else if (name == "value_floats") {
    SmallVector<float> v(attr.floats().begin(), attr.floats().end());
    value = DenseElementsAttr::get(
        vectorType(builder.getF32Type(), int64_t(v.size())), ArrayRef(v));
  } else if (name == "value_int") {
    value = DenseElementsAttr::get(scalarType(builder.getI64Type()),
                                   static_cast<int64_t>(attr.i()));
  } else if (name == "value_ints") {
    SmallVector<int64_t> v(attr.ints().begin(), attr.ints().end());
    value = DenseElementsAttr::get(
        vectorType(builder.getI64Type(), int64_t(v.size())), ArrayRef(v));
  } else if (name == "value_string") {
    value = DenseStringElementsAttr::get(
        scalarType(ONNX::StringType::get(&ctx)), {StringRef(attr.s())});
  } else if (name == "value_strings") {
    SmallVector<StringRef> v(attr.strings().begin(), attr.strings().end());
    value = DenseStringElementsAttr::get(
        vectorType(ONNX::StringType::get(&ctx), int64_t(v.size())), v);
  } else {
    emitError(loc) << prefix << "attribute '" << name
                   << "' (sparse constants) is not supported";
    return failure();
  }
  if (!value)
    return failure();
  auto typed = cast<TypedAttr>(value);
  auto op = ONNX::ConstantOp::create(
      builder, loc, typed.getType(),
      /*sparse_value=*/nullptr, cast<ElementsAttr>(value), nullptr, nullptr,
      nullptr, nullptr, nullptr, nullptr);
  if (failed(verifyNodeOp(op, prefix)))
    return failure();
  values[node.output(0)] = op.getResult();
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int index) {
  std::string name = nodeName(node, index);
  Location loc = nodeLoc(name);
  const std::string &opType = node.op_type();
  std::string prefix = "node '" + name + "' (" + opType + "): ";

  auto unsupported = [&]() {
    emitError(loc) << "unsupported operator '" << opType << "' (domain '"
                   << node.domain() << "', opset " << sourceOpset
                   << ") at node '" << name << "'";
    return failure();
  };
  if (node.domain() == "ai.onnx.preview.training" && opType == "Gradient")
    return importGradientNode(node, loc, prefix);
  if (node.domain() == "ai.onnx.preview.training" &&
      isOptimizerOperator(opType))
    return importOptimizerNode(node, loc, prefix);
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return unsupported();
  if (opType == "Constant")
    return importConstantNode(node, loc, prefix);
  if (isSequenceOperator(opType))
    return importSequenceNode(node, loc, prefix);
  if (opType == "StringNormalizer")
    return importStringNormalizer(node, loc, prefix);
  if (isIntegerLinearOperator(opType))
    return importIntegerLinearNode(node, loc, prefix);
  if (isDataDependentOperator(opType))
    return importDataDependentNode(node, loc, prefix);
  if (isRecurrentOperator(opType))
    return importRecurrentNode(node, loc, prefix);
  if (opType == "GridSample")
    return importGridSample(node, loc, prefix);
  if (opType == "DFT")
    return importDFT(node, loc, prefix);
  if (opType == "MaxUnpool")
    return importMaxUnpool(node, loc, prefix);
  if (opType == "Det")
    return importDet(node, loc, prefix);

  std::string opName = "onnx." + opType;
  std::optional<RegisteredOperationName> registered =
      RegisteredOperationName::lookup(opName, &ctx);
  SchemaArity arity;
  if (!registered ||
      !lookupSchema(opType, kCanonicalONNXOpset, &arity, nullptr))
    return unsupported();

  // Operands, with absent optional inputs given by onnx.NoValue, padded to
  // the schema's fixed inputs so positions always match.
  SmallVector<Value> operands;
  for (const std::string &input : node.input()) {
    if (input.empty()) {
      operands.push_back(getNoValue());
      continue;
    }
    Value operand = lookupValue(input, loc, prefix);
    if (!operand)
      return failure();
    operands.push_back(operand);
  }
  size_t fixedInputs =
      arity.variadicInput ? arity.numInputs - 1 : arity.numInputs;
  while (operands.size() < fixedInputs)
    operands.push_back(getNoValue());

  // Results: inferred types; absent optional outputs are `none`.
  size_t numResults =
      arity.variadicOutput
          ? std::max<size_t>(node.output_size(), arity.numOutputs - 1)
          : std::max<size_t>(arity.numOutputs, node.output_size());
  SmallVector<Type> resultTypes;
  for (size_t i = 0; i < numResults; ++i) {
    if (i >= size_t(node.output_size()) || node.output(i).empty()) {
      resultTypes.push_back(builder.getNoneType());
      continue;
    }
    const std::string &output = node.output(i);
    auto it = valueTypes.find(output);
    if (it == valueTypes.end()) {
      emitError(loc) << prefix << "the type of output '" << output
                     << "' is unknown (shape inference could not infer it)";
      return failure();
    }
    Type type =
        convertType(*it->second, loc, prefix + "output '" + output + "'");
    if (!type)
      return failure();
    resultTypes.push_back(type);
  }

  SmallVector<NamedAttribute> attrs;
  if (failed(convertAttributes(node, loc, prefix, attrs)))
    return failure();

  OperationState state(loc, *registered);
  state.addOperands(operands);
  state.addTypes(resultTypes);
  state.addAttributes(attrs);
  // Operations with regions (If/Loop/Scan) already failed on their
  // subgraph attribute, so none is needed here.
  Operation *op = builder.create(state);
  if (failed(verifyNodeOp(op, prefix)))
    return failure();
  for (size_t i = 0; i < size_t(node.output_size()); ++i)
    if (!node.output(i).empty())
      values[node.output(i)] = op->getResult(i);
  return success();
}

OwningOpRef<ModuleOp>
GraphImporter::importModel(const onnx::ModelProto &model) {
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::ValueInfoProto &vi : graph.value_info())
    valueTypes[vi.name()] = &vi.type();
  for (const onnx::ValueInfoProto &vi : graph.output())
    if (vi.has_type())
      valueTypes[vi.name()] = &vi.type();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  (*module)->setAttr("onnx.opset",
                     builder.getI64IntegerAttr(kCanonicalONNXOpset));
  (*module)->setAttr("onnx.source",
                     builder.getStringAttr(llvm::sys::path::filename(path)));

  // Initializers are constants, even when they are also graph inputs.
  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &t : graph.initializer())
    initializerNames.insert(t.name());

  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<bool> argIsString;
  for (const onnx::ValueInfoProto &vi : graph.input()) {
    if (initializerNames.contains(vi.name()))
      continue;
    Location loc = nodeLoc(vi.name());
    Type type = stringInputType(vi.type());
    argIsString.push_back(bool(type));
    if (!type)
      type = convertType(vi.type(), loc, "graph input '" + vi.name() + "'");
    if (!type)
      return nullptr;
    argTypes.push_back(type);
    argNames.push_back(vi.name());
  }

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, "main",
                                   builder.getFunctionType(argTypes, {}));
  entryBlock = func.addEntryBlock();
  builder.setInsertionPointToEnd(entryBlock);
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(name));
    entryBlock->getArgument(i).setLoc(nodeLoc(name));
    if (argIsString[i]) {
      func.setArgAttr(i, "zlg.string_bytes",
                      builder.getI64IntegerAttr(stringBytes));
      stringValues[name] = entryBlock->getArgument(i);
      continue;
    }
    values[name] = entryBlock->getArgument(i);
  }

  for (const onnx::TensorProto &t : graph.initializer()) {
    Location loc = nodeLoc(t.name());
    ElementsAttr value =
        convertTensor(t, loc, "initializer '" + t.name() + "'");
    if (!value)
      return nullptr;
    auto op = ONNX::ConstantOp::create(
        builder, loc, cast<TypedAttr>(value).getType(), nullptr, value, nullptr,
        nullptr, nullptr, nullptr, nullptr, nullptr);
    values[t.name()] = op.getResult();
  }

  for (int i = 0, e = graph.node_size(); i < e; ++i)
    if (failed(importNode(graph.node(i), i)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  SmallVector<NamedAttrList> resultAttrs;
  // Hidden results holding run-time sizes, after the graph's outputs.
  SmallVector<Value> countResults;
  for (const onnx::ValueInfoProto &vi : graph.output()) {
    NamedAttrList attrs;
    attrs.set("onnx.name", builder.getStringAttr(vi.name()));
    if (auto size = runtimeSizes.find(vi.name()); size != runtimeSizes.end()) {
      attrs.set("zlg.count_dim", builder.getI64IntegerAttr(size->second.dim));
      attrs.set(
          "zlg.count_result",
          builder.getI64IntegerAttr(graph.output_size() + countResults.size()));
      countResults.push_back(size->second.count);
    }
    if (auto str = stringValues.find(vi.name()); str != stringValues.end()) {
      attrs.set("zlg.string_bytes", builder.getI64IntegerAttr(stringBytes));
      results.push_back(str->second);
      resultTypes.push_back(str->second.getType());
      resultAttrs.push_back(attrs);
      continue;
    }
    resultAttrs.push_back(attrs);
    auto it = values.find(vi.name());
    if (it == values.end() && sequences.contains(vi.name())) {
      emitError(fileLoc) << "graph output '" << vi.name()
                         << "' is a sequence; the compiled model's outputs "
                            "must be tensors";
      return nullptr;
    }
    if (it == values.end()) {
      emitError(fileLoc) << "graph output '" << vi.name()
                         << "' is not produced by any node, input or "
                            "initializer";
      return nullptr;
    }
    results.push_back(it->second);
    resultTypes.push_back(it->second.getType());
  }
  for (auto [i, count] : llvm::enumerate(countResults)) {
    NamedAttrList attrs;
    attrs.set("onnx.name",
              builder.getStringAttr("zlg.count." + std::to_string(i)));
    attrs.set("zlg.hidden", builder.getUnitAttr());
    results.push_back(count);
    resultTypes.push_back(count.getType());
    resultAttrs.push_back(attrs);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, attrs] : llvm::enumerate(resultAttrs))
    func.setResultAttrs(i, attrs.getDictionary(&ctx));

  if (failed(mlir::verify(*module)))
    return nullptr;
  return module;
}

namespace {

/// Checks what libonnx's checker leaves out but its graph IR (used by the
/// version converter) relies on: every graph output names a value.
LogicalResult checkGraphOutputs(const onnx::ModelProto &model, Location loc) {
  llvm::StringSet<> defined;
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::ValueInfoProto &vi : graph.input())
    defined.insert(vi.name());
  for (const onnx::TensorProto &t : graph.initializer())
    defined.insert(t.name());
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &out : node.output())
      defined.insert(out);
  for (const onnx::ValueInfoProto &vi : graph.output())
    if (vi.name().empty() || !defined.contains(vi.name())) {
      emitError(loc) << "graph output '" << vi.name()
                     << "' is not produced by any node, input or "
                        "initializer";
      return failure();
    }
  return success();
}

/// Applies `--onnx-input-shape` style overrides to the graph inputs.
LogicalResult applyInputShapes(onnx::ModelProto &model,
                               const ImportOptions &opts, Location loc) {
  onnx::GraphProto *graph = model.mutable_graph();
  for (const auto &[name, dims] : opts.inputShapes) {
    onnx::ValueInfoProto *input = nullptr;
    for (onnx::ValueInfoProto &vi : *graph->mutable_input())
      if (vi.name() == name)
        input = &vi;
    if (!input) {
      emitError(loc) << "input shape given for '" << name
                     << "', but the graph has no input of that name";
      return failure();
    }
    onnx::TypeProto::Tensor *tensor =
        input->mutable_type()->mutable_tensor_type();
    if (tensor->has_shape()) {
      const onnx::TensorShapeProto &shape = tensor->shape();
      if (shape.dim_size() != int(dims.size())) {
        emitError(loc) << "input shape for '" << name << "' has rank "
                       << dims.size() << ", but the graph input has rank "
                       << shape.dim_size();
        return failure();
      }
      for (int i = 0; i < shape.dim_size(); ++i)
        if (shape.dim(i).has_dim_value() &&
            shape.dim(i).dim_value() != dims[i]) {
          emitError(loc) << "input shape for '" << name << "' sets dimension "
                         << i << " to " << dims[i]
                         << ", but the model fixes it to "
                         << shape.dim(i).dim_value();
          return failure();
        }
    }
    onnx::TensorShapeProto *shape = tensor->mutable_shape();
    shape->clear_dim();
    for (int64_t d : dims) {
      if (d < 0) {
        emitError(loc) << "input shape for '" << name
                       << "' has a negative dimension";
        return failure();
      }
      shape->add_dim()->set_dim_value(d);
    }
  }
  return success();
}

/// While the importer runs, rewrites every diagnostic whose text carries
/// control characters or line separators (names taken from a damaged model)
/// with those characters escaped, so that each error stays one line.
class OneLineMessages {
public:
  explicit OneLineMessages(MLIRContext &ctx) : ctx(ctx) {
    id = ctx.getDiagEngine().registerHandler(
        [this](Diagnostic &diag) { return rewrite(diag); });
  }
  ~OneLineMessages() { ctx.getDiagEngine().eraseHandler(id); }

private:
  LogicalResult rewrite(Diagnostic &diag) {
    if (reemitting)
      return failure();
    std::string text = diag.str();
    std::string escaped = escapeControlCharacters(text);
    if (escaped == text)
      return failure(); // Let the next handler print it as it is.
    reemitting = true;
    Diagnostic clean(diag.getLocation(), diag.getSeverity());
    clean << escaped;
    ctx.getDiagEngine().emit(std::move(clean));
    reemitting = false;
    return success();
  }

  MLIRContext &ctx;
  DiagnosticEngine::HandlerID id;
  bool reemitting = false;
};

} // namespace

OwningOpRef<ModuleOp> zellige::importONNXModel(MLIRContext &ctx,
                                               llvm::StringRef bytes,
                                               llvm::StringRef path,
                                               const ImportOptions &opts) {
  ctx.loadDialect<ONNX::ONNXDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(&ctx, path, 0, 0);
  OneLineMessages oneLine(ctx);

  onnx::ModelProto model;
  std::string reason;
  if (!parseModelProto(bytes, model, reason)) {
    emitError(fileLoc) << "failed to parse ONNX model '" << path
                       << "': " << reason;
    return nullptr;
  }

  // Refuse operators the dialect lacks before libonnx sees them, with one
  // clear message naming the node: first those of other domains, then (once
  // the opset is known) default-domain ones libonnx does not know.
  int64_t opset = getDefaultDomainOpset(model);
  auto isDefaultDomain = [](const onnx::NodeProto &node) {
    return node.domain().empty() || node.domain() == "ai.onnx";
  };
  // The training domain's Gradient and optimizers are expanded by the
  // importer.
  auto isGradient = [](const onnx::NodeProto &node) {
    return node.domain() == "ai.onnx.preview.training" &&
           (node.op_type() == "Gradient" ||
            GraphImporter::isOptimizerOperator(node.op_type()));
  };
  auto unsupportedNode = [&](int index, int64_t domainOpset) {
    const onnx::NodeProto &node = model.graph().node(index);
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(index)
                           : node.name();
    emitError(NameLoc::get(StringAttr::get(&ctx, escapeControlCharacters(name)),
                           fileLoc))
        << "unsupported operator '" << node.op_type() << "' (domain '"
        << node.domain() << "', opset " << domainOpset << ") at node '" << name
        << "'";
  };
  for (int i = 0, e = model.graph().node_size(); i < e; ++i) {
    const onnx::NodeProto &node = model.graph().node(i);
    if (isDefaultDomain(node) || isGradient(node))
      continue;
    int64_t domainOpset = 0;
    for (const onnx::OperatorSetIdProto &id : model.opset_import())
      if (id.domain() == node.domain())
        domainOpset = id.version();
    unsupportedNode(i, domainOpset);
    return nullptr;
  }
  // A model of training-domain operators only may import no default opset;
  // the operators it expands into are those of the canonical one.
  if (opset < 1 && model.graph().node_size() > 0 &&
      llvm::all_of(model.graph().node(), isGradient)) {
    onnx::OperatorSetIdProto *id = model.add_opset_import();
    id->set_domain("");
    id->set_version(kCanonicalONNXOpset);
    opset = kCanonicalONNXOpset;
  }
  if (opset < 1) {
    emitError(fileLoc) << "ONNX model '" << path
                       << "' imports no opset of the default (ai.onnx) domain";
    return nullptr;
  }
  if (opset > kMaxImportableONNXOpset) {
    emitError(fileLoc) << "ONNX model '" << path << "' uses opset " << opset
                       << ", newer than the newest the importer knows ("
                       << kMaxImportableONNXOpset << ")";
    return nullptr;
  }
  for (int i = 0, e = model.graph().node_size(); i < e; ++i)
    if (!isGradient(model.graph().node(i)) &&
        !isExpandedNewOperator(model.graph().node(i).op_type(), opset) &&
        !lookupSchema(model.graph().node(i).op_type(),
                      std::min(opset, kCanonicalONNXOpset))) {
      unsupportedNode(i, opset);
      return nullptr;
    }

  llvm::StringRef baseDir = llvm::sys::path::parent_path(path);
  if (!inlineExternalData(model, baseDir.empty() ? "." : baseDir, reason)) {
    emitError(fileLoc) << "ONNX model '" << path << "': " << reason;
    return nullptr;
  }

  // Node indices refer to the graph as it was before the rewrite, which
  // leaves the nodes alone when it fails.
  auto nodeError = [&](const OpsetError &error) {
    const onnx::GraphProto &graph = model.graph();
    if (error.nodeIndex < 0 || error.nodeIndex >= graph.node_size()) {
      emitError(fileLoc) << error.message;
      return;
    }
    const onnx::NodeProto &node = graph.node(error.nodeIndex);
    std::string name = node.name().empty() ? node.op_type() + "_" +
                                                 std::to_string(error.nodeIndex)
                                           : node.name();
    emitError(NameLoc::get(StringAttr::get(&ctx, escapeControlCharacters(name)),
                           fileLoc))
        << "node '" << name << "' (" << node.op_type()
        << "): " << error.message;
  };

  // libonnx trusts tensor sizes: check them (and refuse subgraphs) first.
  // Undefined inputs and cycles are found here too, to name their node.
  {
    OpsetError error;
    if (!validateGraphData(model, error.message, error.nodeIndex)) {
      nodeError(error);
      return nullptr;
    }
    // The checker would find these too, without naming the node: say it
    // in the checker's words, located at the node.
    if (!validateGraphTopology(model, error.message, error.nodeIndex)) {
      const onnx::NodeProto &node = model.graph().node(error.nodeIndex);
      std::string name =
          node.name().empty()
              ? node.op_type() + "_" + std::to_string(error.nodeIndex)
              : node.name();
      emitError(NameLoc::get(
          StringAttr::get(&ctx, escapeControlCharacters(name)), fileLoc))
          << "ONNX checker failed for '" << path << "': " << error.message;
      return nullptr;
    }
  }

  PendingRewrites pending;
  if (opset > kCanonicalONNXOpset) {
    // libonnx does not know these opsets: rewrite to 17 before checking.
    OpsetError error;
    if (!normalizeToCanonicalOpset(model, opset, kCanonicalONNXOpset, error,
                                   &pending)) {
      nodeError(error);
      return nullptr;
    }
  } else if (opset < kCanonicalONNXOpset) {
    setDefaultDomainOpset(model, opset);
    if (!runChecker(model, reason)) {
      emitError(fileLoc) << "ONNX checker failed for '" << path
                         << "': " << reason;
      return nullptr;
    }
    if (failed(checkGraphOutputs(model, fileLoc)))
      return nullptr;
    // libonnx's converter turns Upsample and Resize-10 into Resize-11+ with
    // its default half_pixel coordinates, which changes their results; such
    // models take the importer's own rules.
    bool converterChangesResize =
        opset < 11 &&
        llvm::any_of(model.graph().node(), [](const onnx::NodeProto &node) {
          return node.op_type() == "Upsample" || node.op_type() == "Resize";
        });
    // Some of the converter's adapters (Softmax 12->13) need shapes; give it
    // the ones inference can find at the model's own opset.
    std::string converterError = "it turns Upsample/Resize-10 into "
                                 "Resize with other coordinates";
    onnx::ModelProto converted;
    if (!converterChangesResize) {
      converted = model;
      runShapeInference(converted, converterError, /*strict=*/false);
    }
    if (!converterChangesResize &&
        runVersionConverter(converted, kCanonicalONNXOpset, converterError)) {
      // Keep only the model's own value_info: the shapes inferred at the old
      // opset are inferred again at the canonical one.
      *converted.mutable_graph()->mutable_value_info() =
          model.graph().value_info();
      model = std::move(converted);
    } else {
      LLVM_DEBUG(llvm::dbgs() << "version converter failed (" << converterError
                              << "); using the importer's own upgrade rules\n");
      OpsetError error;
      if (!normalizeToCanonicalOpset(model, opset, kCanonicalONNXOpset,
                                     error)) {
        nodeError(error);
        return nullptr;
      }
    }
    setDefaultDomainOpset(model, kCanonicalONNXOpset);
  } else {
    setDefaultDomainOpset(model, kCanonicalONNXOpset);
  }

  if (failed(applyInputShapes(model, opts, fileLoc)))
    return nullptr;

  if (!runChecker(model, reason)) {
    emitError(fileLoc) << "ONNX checker failed for '" << path
                       << "': " << reason;
    return nullptr;
  }
  if (!pending.empty()) {
    // Uneven opset-18 Splits and Pads with `axes` need shapes: infer them on
    // a copy, leniently, and complete those nodes.
    onnx::ModelProto inferred = model;
    runShapeInference(inferred, reason, /*strict=*/false);
    OpsetError error;
    if (!resolvePendingRewrites(model, inferred, pending, error)) {
      nodeError(error);
      return nullptr;
    }
  }
  if (opts.shapeInference && !runShapeInference(model, reason)) {
    emitError(fileLoc) << "ONNX shape inference failed for '" << path
                       << "': " << reason;
    return nullptr;
  }

  GraphImporter importer(ctx, path, opset, opts.stringBytes);
  return importer.importModel(model);
}

OwningOpRef<ModuleOp> zellige::importONNXModel(MLIRContext &ctx,
                                               llvm::StringRef path,
                                               const ImportOptions &opts) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    ctx.loadDialect<ONNX::ONNXDialect, func::FuncDialect>();
    emitError(FileLineColLoc::get(&ctx, path, 0, 0))
        << "cannot open ONNX model '" << path
        << "': " << buffer.getError().message();
    return nullptr;
  }
  return importONNXModel(ctx, (*buffer)->getBuffer(), path, opts);
}
