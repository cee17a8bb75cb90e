//===- ONNXImporter.cpp - Import ONNX models into MLIR --------------------===//
//
// This file implements the ONNX importer. It parses the model with size
// limits, brings every node to the canonical opset (libonnx's version
// converter when it succeeds, else the importer's own rules in
// OpsetUpgrade.cpp), applies input shape overrides, runs onnx::checker and
// shape inference, and builds a module holding `func.func @main`:
//   - graph inputs become arguments and graph outputs results, both carrying
//     their ONNX names in `onnx.name`;
//   - initializers and Constant nodes become `onnx.Constant` ops with a
//     `value` dense elements attribute;
//   - every other node becomes one `onnx.<OpType>` op, created generically by
//     name, with absent optional inputs given by one shared `onnx.NoValue`,
//     and located at NameLoc(node name, model file).
// Every failure is a diagnostic that names the file or the node; nothing
// asserts on the model's content.
//
//===----------------------------------------------------------------------===//

#include "zellige/Import/ONNXImporter.h"

#include "OpsetUpgrade.h"
#include "TensorImport.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <google/protobuf/io/coded_stream.h>

#include <limits>
#include <unordered_map>
#include <unordered_set>

using namespace mlir;
using namespace zellige;
using namespace zellige::import_detail;

namespace {

bool isDefaultDomain(const std::string &d) {
  return d.empty() || d == "ai.onnx";
}

bool usesExternalData(const onnx::GraphProto &g) {
  for (const auto &t : g.initializer())
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
      return true;
  for (const auto &n : g.node())
    for (const auto &a : n.attribute())
      if (a.has_t() && a.t().data_location() == onnx::TensorProto::EXTERNAL)
        return true;
  return false;
}

class Importer {
public:
  Importer(MLIRContext &ctx, StringRef path, const ImportOptions &opts)
      : ctx(ctx), path(path.str()), opts(opts), builder(&ctx),
        external(path) {
    fileLoc = FileLineColLoc::get(&ctx, path, 0, 0);
  }

  OwningOpRef<ModuleOp> run(StringRef bytes);

private:
  LogicalResult parse(StringRef bytes);
  LogicalResult normalizeOpset();
  LogicalResult applyInputShapes();
  LogicalResult checkAndInfer();
  LogicalResult buildModule();

  Location nodeLoc(int64_t index) {
    const onnx::NodeProto &n = model.graph().node(index);
    std::string name = n.name().empty()
                           ? n.op_type() + "_" + std::to_string(index)
                           : n.name();
    return NameLoc::get(StringAttr::get(&ctx, name), fileLoc);
  }
  InFlightDiagnostic nodeError(int64_t index) {
    const onnx::NodeProto &n = model.graph().node(index);
    std::string name = n.name().empty()
                           ? n.op_type() + "_" + std::to_string(index)
                           : n.name();
    return emitError(nodeLoc(index))
           << "node '" << name << "' (" << n.op_type() << "): ";
  }

  LogicalResult importInitializers();
  LogicalResult importNode(int64_t index);
  Value noValue();
  FailureOr<Attribute> convertAttribute(int64_t index,
                                        const onnx::AttributeProto &a);
  LogicalResult importConstantNode(int64_t index);
  Type outputType(int64_t index, const onnx::OpSchema &schema, int formal,
                  const std::string &name, ArrayRef<Value> operands);

  MLIRContext &ctx;
  std::string path;
  const ImportOptions &opts;
  OpBuilder builder;
  ExternalDataReader external;
  Location fileLoc = UnknownLoc::get(&ctx);
  onnx::ModelProto model;
  int64_t opset = 0;

  ModuleOp module;
  func::FuncOp func;
  Value none;
  std::unordered_map<std::string, Value> values;
  std::unordered_map<std::string, const onnx::TypeProto *> valueTypes;
};

} // namespace

//===----------------------------------------------------------------------===//
// Parsing and model-level preparation
//===----------------------------------------------------------------------===//

LogicalResult Importer::parse(StringRef bytes) {
  if (bytes.empty())
    return emitError(fileLoc) << "failed to parse ONNX model '" << path
                              << "': the file is empty";
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return emitError(fileLoc)
           << "failed to parse ONNX model '" << path
           << "': protobuf files are limited to 2 GiB; keep large weights "
              "in external data";
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t *>(bytes.data()),
      static_cast<int>(bytes.size()));
  in.SetTotalBytesLimit(std::numeric_limits<int>::max());
  in.SetRecursionLimit(100);
  if (!model.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
    return emitError(fileLoc)
           << "failed to parse ONNX model '" << path
           << "': not a valid ONNX protobuf (truncated or corrupted?)";
  if (!model.has_graph() || model.ir_version() <= 0)
    return emitError(fileLoc) << "failed to parse ONNX model '" << path
                              << "': it has no "
                              << (model.has_graph() ? "IR version" : "graph");

  bool found = false;
  for (const auto &imp : model.opset_import())
    if (isDefaultDomain(imp.domain())) {
      opset = imp.version();
      found = true;
    }
  if (!found)
    return emitError(fileLoc)
           << "ONNX model '" << path
           << "' imports no version of the default operator set";
  if (opset < 1 || opset > kMaxImportableONNXOpset)
    return emitError(fileLoc)
           << "ONNX model '" << path << "' uses opset " << opset
           << "; the importer handles opsets 1 to " << kMaxImportableONNXOpset;
  return success();
}

LogicalResult Importer::normalizeOpset() {
  if (opset == kCanonicalONNXOpset)
    return success();
  // Nodes of other domains or model-local functions are reported when the
  // node is imported; keep them out of the version converter's way.
  bool onlyDefault = true;
  for (const auto &n : model.graph().node())
    onlyDefault &= isDefaultDomain(n.domain());
  if (opset < kCanonicalONNXOpset && onlyDefault &&
      !usesExternalData(model.graph())) {
    try {
      onnx::ModelProto converted =
          onnx::version_conversion::ConvertVersion(model, kCanonicalONNXOpset);
      if (converted.has_graph()) {
        model = std::move(converted);
        return success();
      }
    } catch (const std::exception &) {
      // The converter lacks an adapter for some node; the importer's own
      // rules below report what cannot be upgraded.
    }
  }
  OpsetError err;
  if (!normalizeToCanonicalOpset(model, opset, err)) {
    if (err.nodeIndex < 0)
      return emitError(fileLoc) << err.message;
    return nodeError(err.nodeIndex) << err.message;
  }
  return success();
}

LogicalResult Importer::applyInputShapes() {
  std::unordered_set<std::string> inits;
  for (const auto &t : model.graph().initializer())
    inits.insert(t.name());
  for (const auto &[name, dims] : opts.inputShapes) {
    onnx::ValueInfoProto *input = nullptr;
    for (auto &in : *model.mutable_graph()->mutable_input())
      if (in.name() == name && !inits.count(name))
        input = &in;
    if (!input)
      return emitError(fileLoc)
             << "input shape override names '" << name
             << "', which is not an input of the model";
    auto *tt = input->mutable_type()->mutable_tensor_type();
    if (tt->has_shape() && tt->shape().dim_size() != static_cast<int>(dims.size()))
      return emitError(fileLoc)
             << "input shape override for '" << name << "' has rank "
             << dims.size() << " but the input has rank "
             << tt->shape().dim_size();
    for (size_t i = 0; i < dims.size(); ++i) {
      if (tt->has_shape() && tt->shape().dim(i).has_dim_value() &&
          tt->shape().dim(i).dim_value() != dims[i])
        return emitError(fileLoc)
               << "input shape override for '" << name << "' sets dim " << i
               << " to " << dims[i] << " but the model fixes it to "
               << tt->shape().dim(i).dim_value();
    }
    tt->mutable_shape()->clear_dim();
    for (int64_t d : dims)
      tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  return success();
}

LogicalResult Importer::checkAndInfer() {
  // The checker refuses IR versions newer than libonnx's; the IR changes
  // past it only add element types, which the import refuses by itself.
  {
    onnx::ModelProto copy = model;
    if (copy.ir_version() > onnx::IR_VERSION)
      copy.set_ir_version(onnx::IR_VERSION);
    // Nodes of other domains are reported, by name, during the import.
    bool onlyDefault = true;
    for (const auto &n : copy.graph().node())
      onlyDefault &= isDefaultDomain(n.domain());
    if (onlyDefault) {
      try {
        onnx::checker::check_model(copy);
      } catch (const std::exception &e) {
        return emitError(fileLoc) << "ONNX model '" << path
                                  << "' is invalid: " << e.what();
      }
    }
  }
  if (!opts.shapeInference)
    return success();
  try {
    onnx::ShapeInferenceOptions siOpts(/*check_type=*/false,
                                       /*strict_mode=*/0,
                                       /*data_prop=*/true);
    int64_t ir = model.ir_version();
    if (ir > onnx::IR_VERSION)
      model.set_ir_version(onnx::IR_VERSION);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), siOpts);
    model.set_ir_version(ir);
  } catch (const std::exception &e) {
    return emitError(fileLoc) << "ONNX shape inference failed on '" << path
                              << "': " << e.what();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Building the module
//===----------------------------------------------------------------------===//

Value Importer::noValue() {
  if (!none) {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&func.getBody().front());
    none = ONNX::NoValueOp::create(builder, fileLoc, builder.getNoneType());
  }
  return none;
}

LogicalResult Importer::importInitializers() {
  for (const auto &t : model.graph().initializer()) {
    std::string err;
    DenseElementsAttr value =
        convertTensor(ctx, t, external, "initializer '" + t.name() + "'", err);
    if (!value)
      return emitError(fileLoc) << err;
    Location loc = NameLoc::get(StringAttr::get(&ctx, t.name()), fileLoc);
    auto op = ONNX::ConstantOp::create(
        builder, loc, TypeRange{value.getType()}, ValueRange{},
        ArrayRef<NamedAttribute>{builder.getNamedAttr("value", value)});
    values[t.name()] = op->getResult(0);
  }
  return success();
}

FailureOr<Attribute>
Importer::convertAttribute(int64_t index, const onnx::AttributeProto &a) {
  switch (a.type()) {
  case onnx::AttributeProto::INT:
    return Attribute(builder.getI64IntegerAttr(a.i()));
  case onnx::AttributeProto::FLOAT:
    return Attribute(builder.getF32FloatAttr(a.f()));
  case onnx::AttributeProto::STRING:
    return Attribute(builder.getStringAttr(a.s()));
  case onnx::AttributeProto::INTS: {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    return Attribute(builder.getI64ArrayAttr(v));
  }
  case onnx::AttributeProto::FLOATS: {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    return Attribute(builder.getF32ArrayAttr(v));
  }
  case onnx::AttributeProto::STRINGS: {
    SmallVector<StringRef> v(a.strings().begin(), a.strings().end());
    return Attribute(builder.getStrArrayAttr(v));
  }
  case onnx::AttributeProto::TENSOR: {
    std::string err;
    DenseElementsAttr v = convertTensor(
        ctx, a.t(), external, "attribute '" + a.name() + "'", err);
    if (!v)
      return nodeError(index) << err, failure();
    return Attribute(v);
  }
  case onnx::AttributeProto::TYPE_PROTO: {
    std::string err;
    Type t = convertValueType(ctx, a.tp(), err);
    if (!t)
      return nodeError(index) << "attribute '" << a.name() << "': " << err,
             failure();
    return Attribute(TypeAttr::get(t));
  }
  case onnx::AttributeProto::GRAPH:
  case onnx::AttributeProto::GRAPHS:
    return nodeError(index) << "subgraph attribute '" << a.name()
                            << "' (If/Loop/Scan bodies) is not supported yet",
           failure();
  default:
    return nodeError(index) << "attribute '" << a.name() << "' has type "
                            << onnx::AttributeProto::AttributeType_Name(
                                   a.type())
                            << ", which is not supported",
           failure();
  }
}

LogicalResult Importer::importConstantNode(int64_t index) {
  const onnx::NodeProto &n = model.graph().node(index);
  if (n.attribute_size() != 1 || n.output_size() != 1)
    return nodeError(index)
           << "a Constant needs exactly one value attribute and one output";
  const onnx::AttributeProto &a = n.attribute(0);
  DenseElementsAttr value;
  const std::string &k = a.name();
  if (k == "value") {
    std::string err;
    value = convertTensor(ctx, a.t(), external, "its value", err);
    if (!value)
      return nodeError(index) << err;
  } else if (k == "value_float") {
    value = DenseElementsAttr::get(
        RankedTensorType::get({}, builder.getF32Type()), a.f());
  } else if (k == "value_floats") {
    SmallVector<float> v(a.floats().begin(), a.floats().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())},
                              builder.getF32Type()),
        ArrayRef<float>(v));
  } else if (k == "value_int") {
    value = DenseElementsAttr::get(
        RankedTensorType::get({}, builder.getI64Type()), a.i());
  } else if (k == "value_ints") {
    SmallVector<int64_t> v(a.ints().begin(), a.ints().end());
    value = DenseElementsAttr::get(
        RankedTensorType::get({static_cast<int64_t>(v.size())},
                              builder.getI64Type()),
        ArrayRef<int64_t>(v));
  } else if (k == "value_string" || k == "value_strings") {
    SmallVector<StringRef> v;
    if (k == "value_string")
      v.push_back(a.s());
    else
      v.append(a.strings().begin(), a.strings().end());
    SmallVector<int64_t> shape;
    if (k == "value_strings")
      shape.push_back(static_cast<int64_t>(v.size()));
    value = DenseStringElementsAttr::get(
        RankedTensorType::get(shape, ONNX::StringType::get(&ctx)), v);
  } else {
    return nodeError(index) << "Constant attribute '" << k
                            << "' is not supported";
  }
  auto op = ONNX::ConstantOp::create(
      builder, nodeLoc(index), TypeRange{value.getType()}, ValueRange{},
      ArrayRef<NamedAttribute>{builder.getNamedAttr("value", value)});
  if (failed(verify(op)))
    return nodeError(index) << "the imported operation is invalid";
  values[n.output(0)] = op->getResult(0);
  return success();
}

/// The type of output `name` (formal `formal` of `schema`): from shape
/// inference or value_info when known, else an unranked tensor whose element
/// type follows the schema's type constraint.
Type Importer::outputType(int64_t index, const onnx::OpSchema &schema,
                          int formal, const std::string &name,
                          ArrayRef<Value> operands) {
  auto it = valueTypes.find(name);
  if (it != valueTypes.end()) {
    std::string err;
    Type t = convertValueType(ctx, *it->second, err);
    if (!t) {
      nodeError(index) << "output '" << name << "': " << err;
      return Type();
    }
    return t;
  }
  const onnx::OpSchema::FormalParameter &out =
      schema.outputs()[std::min<size_t>(formal, schema.outputs().size() - 1)];
  const std::string &constraint = out.GetTypeStr();
  for (size_t i = 0; i < schema.inputs().size() && i < operands.size(); ++i)
    if (schema.inputs()[i].GetTypeStr() == constraint)
      if (auto st = dyn_cast<ShapedType>(operands[i].getType()))
        return UnrankedTensorType::get(st.getElementType());
  if (out.GetTypes().size() == 1) {
    onnx::TypeProto tp;
    const std::string &ts = **out.GetTypes().begin();
    static const std::pair<const char *, int32_t> names[] = {
        {"tensor(float)", onnx::TensorProto::FLOAT},
        {"tensor(int64)", onnx::TensorProto::INT64},
        {"tensor(int32)", onnx::TensorProto::INT32},
        {"tensor(bool)", onnx::TensorProto::BOOL},
        {"tensor(string)", onnx::TensorProto::STRING}};
    for (const auto &[text, dt] : names)
      if (ts == text)
        return UnrankedTensorType::get(convertElementType(ctx, dt));
  }
  nodeError(index) << "cannot determine the type of output '" << name
                   << "'; shape inference gave none";
  return Type();
}

LogicalResult Importer::importNode(int64_t index) {
  const onnx::NodeProto &n = model.graph().node(index);
  std::string label = n.name().empty()
                          ? n.op_type() + "_" + std::to_string(index)
                          : n.name();
  bool localFunction = false;
  for (const auto &f : model.functions())
    localFunction |= f.name() == n.op_type() && f.domain() == n.domain();
  std::string opName = "onnx." + n.op_type();
  std::optional<RegisteredOperationName> regName =
      RegisteredOperationName::lookup(opName, &ctx);
  const onnx::OpSchema *schema =
      isDefaultDomain(n.domain())
          ? onnx::OpSchemaRegistry::Schema(n.op_type(), kCanonicalONNXOpset,
                                           "")
          : nullptr;
  if (!isDefaultDomain(n.domain()) || localFunction || !regName || !schema ||
      schema->deprecated())
    return emitError(nodeLoc(index))
           << "unsupported operator '" << n.op_type() << "' (domain '"
           << n.domain() << "', opset " << opset << ") at node '" << label
           << "'" << (localFunction ? " (a model-local function)" : "");

  if (n.op_type() == "Constant")
    return importConstantNode(index);

  // Operands, one per schema formal; a variadic formal takes the rest.
  SmallVector<Value> operands;
  SmallVector<int32_t> operandSegments;
  const auto &formals = schema->inputs();
  int next = 0;
  auto lookup = [&](const std::string &name) -> FailureOr<Value> {
    if (name.empty())
      return noValue();
    auto it = values.find(name);
    if (it == values.end())
      return nodeError(index) << "input '" << name
                              << "' is not produced by any node, initializer "
                                 "or graph input before it",
             failure();
    return it->second;
  };
  for (size_t f = 0; f < formals.size(); ++f) {
    const auto &formal = formals[f];
    if (formal.GetOption() == onnx::OpSchema::Variadic) {
      int32_t count = 0;
      for (; next < n.input_size(); ++next, ++count) {
        FailureOr<Value> v = lookup(n.input(next));
        if (failed(v))
          return failure();
        operands.push_back(*v);
      }
      operandSegments.push_back(count);
      continue;
    }
    std::string name = next < n.input_size() ? n.input(next) : "";
    ++next;
    if (name.empty() && formal.GetOption() == onnx::OpSchema::Single)
      return nodeError(index) << "required input '" << formal.GetName()
                              << "' is missing";
    FailureOr<Value> v = lookup(name);
    if (failed(v))
      return failure();
    operands.push_back(*v);
    operandSegments.push_back(1);
  }
  if (next < n.input_size())
    return nodeError(index) << "has " << n.input_size()
                            << " inputs; the operator takes at most "
                            << formals.size();

  // Results, one per schema formal output; absent optional ones are `none`.
  SmallVector<Type> resultTypes;
  SmallVector<int32_t> resultSegments;
  SmallVector<std::string> resultNames;
  const auto &outs = schema->outputs();
  int nextOut = 0;
  for (size_t f = 0; f < outs.size(); ++f) {
    if (outs[f].GetOption() == onnx::OpSchema::Variadic) {
      int32_t count = 0;
      for (; nextOut < n.output_size(); ++nextOut, ++count) {
        Type t = outputType(index, *schema, f, n.output(nextOut), operands);
        if (!t)
          return failure();
        resultTypes.push_back(t);
        resultNames.push_back(n.output(nextOut));
      }
      resultSegments.push_back(count);
      continue;
    }
    std::string name = nextOut < n.output_size() ? n.output(nextOut) : "";
    ++nextOut;
    resultSegments.push_back(1);
    resultNames.push_back(name);
    if (name.empty()) {
      if (outs[f].GetOption() == onnx::OpSchema::Single)
        return nodeError(index)
               << "required output '" << outs[f].GetName() << "' is missing";
      resultTypes.push_back(builder.getNoneType());
      continue;
    }
    Type t = outputType(index, *schema, f, name, operands);
    if (!t)
      return failure();
    resultTypes.push_back(t);
  }
  if (nextOut < n.output_size())
    return nodeError(index) << "has " << n.output_size()
                            << " outputs; the operator gives at most "
                            << outs.size();

  OperationState state(nodeLoc(index), *regName);
  state.addOperands(operands);
  state.addTypes(resultTypes);
  for (const auto &a : n.attribute()) {
    if (!schema->attributes().count(a.name()))
      return nodeError(index) << "unknown attribute '" << a.name() << "'";
    FailureOr<Attribute> attr = convertAttribute(index, a);
    if (failed(attr))
      return failure();
    state.addAttribute(a.name(), *attr);
  }
  if (regName->hasTrait<OpTrait::AttrSizedOperandSegments>())
    state.addAttribute("operandSegmentSizes",
                       builder.getDenseI32ArrayAttr(operandSegments));
  if (regName->hasTrait<OpTrait::AttrSizedResultSegments>())
    state.addAttribute("resultSegmentSizes",
                       builder.getDenseI32ArrayAttr(resultSegments));
  Operation *op = builder.create(state);
  if (failed(verify(op)))
    return nodeError(index) << "the imported operation is invalid";
  for (auto [name, result] : llvm::zip(resultNames, op->getResults()))
    if (!name.empty())
      values[name] = result;
  return success();
}

LogicalResult Importer::buildModule() {
  const onnx::GraphProto &g = model.graph();
  for (const auto &vi : g.value_info())
    valueTypes[vi.name()] = &vi.type();
  for (const auto &vi : g.output())
    if (vi.type().has_tensor_type() && vi.type().tensor_type().elem_type())
      valueTypes[vi.name()] = &vi.type();

  module = ModuleOp::create(fileLoc);
  module->setAttr("onnx.opset", builder.getI64IntegerAttr(kCanonicalONNXOpset));
  module->setAttr("onnx.source",
                  builder.getStringAttr(llvm::sys::path::filename(path)));

  std::unordered_set<std::string> inits;
  for (const auto &t : g.initializer())
    inits.insert(t.name());

  // Arguments: graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  std::unordered_set<std::string> seen;
  for (const auto &in : g.input()) {
    if (inits.count(in.name()))
      continue;
    if (!seen.insert(in.name()).second)
      return emitError(fileLoc) << "graph input '" << in.name()
                                << "' is declared twice";
    std::string err;
    Type t = convertValueType(ctx, in.type(), err);
    if (!t)
      return emitError(fileLoc) << "graph input '" << in.name() << "': " << err;
    argTypes.push_back(t);
    argNames.push_back(in.name());
  }

  builder.setInsertionPointToEnd(module.getBody());
  func = func::FuncOp::create(builder, fileLoc, "main",
                              builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(name));
    values[name] = entry->getArgument(i);
  }
  builder.setInsertionPointToEnd(entry);

  if (failed(importInitializers()))
    return failure();
  for (int64_t i = 0; i < g.node_size(); ++i)
    if (failed(importNode(i)))
      return failure();

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &out : g.output()) {
    auto it = values.find(out.name());
    if (it == values.end())
      return emitError(fileLoc) << "graph output '" << out.name()
                                << "' is not produced by the graph";
    results.push_back(it->second);
    resultTypes.push_back(it->second.getType());
  }
  func::ReturnOp::create(builder, fileLoc, results);
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, out] : llvm::enumerate(g.output()))
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(out.name()));
  return success();
}

OwningOpRef<ModuleOp> Importer::run(StringRef bytes) {
  ctx.loadDialect<ONNX::ONNXDialect, func::FuncDialect>();
  if (failed(parse(bytes)) || failed(normalizeOpset()) ||
      failed(applyInputShapes()) || failed(checkAndInfer()))
    return nullptr;
  OwningOpRef<ModuleOp> owned;
  LogicalResult built = buildModule();
  owned = module;
  if (failed(built) || failed(verify(*owned)))
    return nullptr;
  return owned;
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> zellige::importONNXModel(MLIRContext &ctx,
                                               StringRef bytes, StringRef path,
                                               const ImportOptions &opts) {
  Importer importer(ctx, path, opts);
  return importer.run(bytes);
}

OwningOpRef<ModuleOp> zellige::importONNXModel(MLIRContext &ctx,
                                               StringRef path,
                                               const ImportOptions &opts) {
  auto buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf) {
    emitError(FileLineColLoc::get(&ctx, path, 0, 0))
        << "cannot read ONNX model '" << path
        << "': " << buf.getError().message();
    return nullptr;
  }
  return importONNXModel(ctx, (*buf)->getBuffer(), path, opts);
}

bool zellige::parseONNXInputShape(StringRef text, ImportOptions &opts,
                                  std::string &error) {
  size_t colon = text.rfind(':');
  if (colon == StringRef::npos || colon == 0) {
    error = "expected NAME:DIMxDIMx..., got '" + text.str() + "'";
    return false;
  }
  StringRef name = text.take_front(colon);
  StringRef dimsText = text.drop_front(colon + 1);
  std::vector<int64_t> dims;
  if (!dimsText.empty()) {
    SmallVector<StringRef> parts;
    dimsText.split(parts, 'x');
    for (StringRef p : parts) {
      int64_t d;
      if (p.trim().getAsInteger(10, d) || d < 0) {
        error = "malformed dim '" + p.str() + "' in '" + text.str() + "'";
        return false;
      }
      dims.push_back(d);
    }
  }
  opts.inputShapes[name.str()] = std::move(dims);
  return true;
}
