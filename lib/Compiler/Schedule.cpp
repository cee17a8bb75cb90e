//===- Schedule.cpp - Buffers and steps of a compiled model -----*- C++ -*-===//
//
// This file implements buildSchedule(): it walks the kernel-level main
// function and gives every tensor value a buffer. Function arguments are
// inputs, dense constants are packed into the weights section, reshapes alias
// their source, dispatch results are transient buffers unless returned.
// Transient buffers whose lifetimes do not overlap share bytes of one arena.
//
//===----------------------------------------------------------------------===//

#include "zellige/Compiler/Compiler.h"
#include "zellige/Runtime/Bundle.h"

#include "dialects/kernel/KernelDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseMap.h"

#include <algorithm>

using namespace mlir;
using namespace zellige;

/// Weights and arena buffers start on 256-byte boundaries: enough for
/// memory-mapping, for SIMD loads, and for OpenCL sub-buffers (whose origin
/// must be a multiple of CL_DEVICE_MEM_BASE_ADDR_ALIGN, 1024 bits on PoCL).
static constexpr uint64_t kAlignment = 256;

/// The unsigned dtype of the same width (the lowering makes integers
/// signless; `onnx.unsigned` on main's arguments and results remembers).
static DType toUnsigned(DType t) {
  switch (t) {
  case DType::I8:
    return DType::U8;
  case DType::I16:
    return DType::U16;
  case DType::I32:
    return DType::U32;
  case DType::I64:
    return DType::U64;
  default:
    return t;
  }
}

static uint64_t alignTo(uint64_t v) {
  return (v + kAlignment - 1) / kAlignment * kAlignment;
}

static std::optional<DType> toDType(Type type) {
  if (type.isF32())
    return DType::F32;
  if (type.isF16())
    return DType::F16;
  if (type.isBF16())
    return DType::BF16;
  if (type.isF64())
    return DType::F64;
  if (auto integer = dyn_cast<IntegerType>(type)) {
    bool isUnsigned = integer.isUnsigned();
    switch (integer.getWidth()) {
    case 1:
      return DType::Bool;
    case 8:
      return isUnsigned ? DType::U8 : DType::I8;
    case 16:
      return isUnsigned ? DType::U16 : DType::I16;
    case 32:
      return isUnsigned ? DType::U32 : DType::I32;
    case 64:
      return isUnsigned ? DType::U64 : DType::I64;
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// Appends the bytes of a dense constant, one byte per bool, row-major.
static LogicalResult appendConstant(Operation *op, ElementsAttr value,
                                    std::vector<uint8_t> &out) {
  auto type = cast<ShapedType>(value.getType());
  Type elementType = type.getElementType();
  int64_t count = type.getNumElements();
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    if (elementType.isInteger(1)) {
      for (bool b : dense.getValues<bool>())
        out.push_back(b ? 1 : 0);
      return success();
    }
    ArrayRef<char> raw = dense.getRawData();
    size_t elementBytes = elementType.getIntOrFloatBitWidth() / 8;
    if (dense.isSplat()) {
      for (int64_t i = 0; i < count; ++i)
        out.insert(out.end(), raw.begin(), raw.begin() + elementBytes);
      return success();
    }
    out.insert(out.end(), raw.begin(), raw.end());
    return success();
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return op->emitError("constant resource has no data");
    ArrayRef<char> raw = blob->getData();
    out.insert(out.end(), raw.begin(), raw.end());
    return success();
  }
  return op->emitError("cannot serialize constant of kind ")
         << value << " into the bundle";
}

FailureOr<BundleManifest>
zellige::buildSchedule(ModuleOp module, std::vector<uint8_t> &weights) {
  func::FuncOp main;
  for (auto func : module.getOps<func::FuncOp>())
    if (!func.isExternal() && (!main || func.getName() == "main"))
      main = func;
  if (!main)
    return module.emitError("the model has no main function"), failure();

  BundleManifest manifest;
  DenseMap<Value, uint32_t> bufferOf;
  // Lifetime of each buffer in step indices: [first, last].
  std::vector<std::pair<int64_t, int64_t>> lifetime;
  auto newBuffer = [&](BufferDesc::Kind kind, uint64_t size,
                       int64_t defStep) -> uint32_t {
    BufferDesc desc;
    desc.kind = kind;
    desc.size = size;
    manifest.buffers.push_back(desc);
    lifetime.push_back({defStep, defStep});
    return manifest.buffers.size() - 1;
  };
  auto byteSize = [](Type type) -> std::optional<uint64_t> {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return std::nullopt;
    std::optional<DType> dtype = toDType(tensor.getElementType());
    if (!dtype)
      return std::nullopt;
    return tensor.getNumElements() * dtypeSize(*dtype);
  };
  auto describe = [&](Value value, StringRef name, uint32_t buffer,
                      Location loc) -> FailureOr<TensorDesc> {
    auto tensor = dyn_cast<RankedTensorType>(value.getType());
    std::optional<DType> dtype =
        tensor ? toDType(tensor.getElementType()) : std::nullopt;
    if (!tensor || !tensor.hasStaticShape() || !dtype) {
      emitError(loc) << "'" << name << "' has type " << value.getType()
                     << ", which a bundle cannot hold (static shapes and "
                        "numeric types only)";
      return failure();
    }
    TensorDesc desc;
    desc.name = name.str();
    desc.dtype = *dtype;
    desc.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
    desc.buffer = buffer;
    return desc;
  };

  // What the importer records on main's arguments and results beyond their
  // types: string tensors (bytes with a last dimension of the string width)
  // and outputs sized at run time.
  auto applyTensorAttrs = [&](TensorDesc &desc, DictionaryAttr attrs,
                              Location loc) -> LogicalResult {
    if (!attrs)
      return success();
    if (auto width = attrs.getAs<IntegerAttr>("zlg.string_bytes")) {
      if (desc.shape.empty() || desc.shape.back() != width.getInt() ||
          (desc.dtype != DType::U8 && desc.dtype != DType::I8))
        return emitError(loc) << "'" << desc.name
                              << "' is marked as strings of " << width.getInt()
                              << " bytes but is not a byte tensor with that "
                                 "last dimension",
               failure();
      desc.shape.pop_back();
      desc.dtype = DType::String;
      desc.stringBytes = uint32_t(width.getInt());
    }
    if (auto dim = attrs.getAs<IntegerAttr>("zlg.count_dim")) {
      auto result = attrs.getAs<IntegerAttr>("zlg.count_result");
      if (!result || dim.getInt() < 0 ||
          dim.getInt() >= int64_t(desc.shape.size()))
        return emitError(loc) << "'" << desc.name
                              << "' has an invalid run-time size marking",
               failure();
      desc.countDim = int32_t(dim.getInt());
      desc.countOutput = uint32_t(result.getInt());
    }
    if (attrs.get("zlg.hidden"))
      desc.hidden = true;
    return success();
  };

  // Inputs.
  for (BlockArgument arg : main.getArguments()) {
    auto name =
        main.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "onnx.name");
    std::string inputName =
        name ? name.str() : "input_" + std::to_string(arg.getArgNumber());
    std::optional<uint64_t> size = byteSize(arg.getType());
    uint32_t id = newBuffer(BufferDesc::Kind::Input, size.value_or(0), -1);
    FailureOr<TensorDesc> desc = describe(arg, inputName, id, arg.getLoc());
    if (failed(desc))
      return failure();
    if (main.getArgAttr(arg.getArgNumber(), "onnx.unsigned"))
      desc->dtype = toUnsigned(desc->dtype);
    if (failed(applyTensorAttrs(*desc, main.getArgAttrDict(arg.getArgNumber()),
                                arg.getLoc())))
      return failure();
    manifest.buffers[id].index = manifest.inputs.size();
    manifest.inputs.push_back(*desc);
    bufferOf[arg] = id;
  }

  auto use = [&](Value v, int64_t step) -> FailureOr<uint32_t> {
    auto it = bufferOf.find(v);
    if (it == bufferOf.end()) {
      if (Operation *def = v.getDefiningOp())
        def->emitError("value used by the schedule has no buffer");
      return failure();
    }
    lifetime[it->second].second = std::max(lifetime[it->second].second, step);
    return it->second;
  };

  int64_t step = 0;
  for (Operation &op : main.getBody().front()) {
    if (auto cst = dyn_cast<arith::ConstantOp>(op)) {
      auto value = dyn_cast<ElementsAttr>(cst.getValue());
      std::optional<uint64_t> size = byteSize(cst.getType());
      if (!value || !size)
        return cst.emitError("unsupported constant at model level: ")
                   << cst.getType(),
               failure();
      uint64_t offset = alignTo(weights.size());
      weights.resize(offset, 0);
      if (failed(appendConstant(&op, value, weights)))
        return failure();
      if (weights.size() - offset != *size)
        return cst.emitError("constant serialized to ")
                   << (weights.size() - offset) << " bytes, expected " << *size,
               failure();
      uint32_t id = newBuffer(BufferDesc::Kind::Constant, *size, -1);
      manifest.buffers[id].offset = offset;
      bufferOf[cst.getResult()] = id;
      continue;
    }
    // A tensor of no elements (the result of an operation that computes
    // nothing) takes a zero-byte buffer.
    if (auto empty = dyn_cast<tensor::EmptyOp>(op)) {
      if (!empty.getType().hasStaticShape() ||
          empty.getType().getNumElements() != 0)
        return empty.emitError("an uninitialized tensor is left at model "
                               "level; it cannot be scheduled"),
               failure();
      bufferOf[empty.getResult()] =
          newBuffer(BufferDesc::Kind::Transient, 0, step);
      continue;
    }
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp,
            tensor::ReshapeOp>(op)) {
      FailureOr<uint32_t> source = use(op.getOperand(0), step);
      if (failed(source))
        return failure();
      bufferOf[op.getResult(0)] = *source;
      continue;
    }
    if (auto dispatch = dyn_cast<kernel::DispatchOp>(op)) {
      DispatchDesc desc;
      desc.name = dispatch.getSymName().str();
      desc.symbol = desc.name;
      for (Value input : dispatch.getInputs()) {
        FailureOr<uint32_t> id = use(input, step);
        if (failed(id))
          return failure();
        desc.bindings.push_back(*id);
      }
      for (Value result : dispatch.getResults()) {
        std::optional<uint64_t> size = byteSize(result.getType());
        if (!size)
          return dispatch.emitError("dispatch result of type ")
                     << result.getType() << " cannot be stored in a buffer",
                 failure();
        uint32_t id = newBuffer(BufferDesc::Kind::Transient, *size, step);
        bufferOf[result] = id;
        desc.bindings.push_back(id);
      }
      std::string location;
      llvm::raw_string_ostream os(location);
      dispatch.getLoc().print(os);
      desc.location = location;
      StepDesc stepDesc;
      stepDesc.kind = StepDesc::Kind::Dispatch;
      stepDesc.dispatch = manifest.dispatches.size();
      manifest.dispatches.push_back(std::move(desc));
      manifest.steps.push_back(stepDesc);
      ++step;
      continue;
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
        auto name = main.getResultAttrOfType<StringAttr>(i, "onnx.name");
        std::string outputName =
            name ? name.str() : "output_" + std::to_string(i);
        FailureOr<uint32_t> source = use(value, step);
        if (failed(source))
          return failure();
        uint32_t id = *source;
        BufferDesc &buffer = manifest.buffers[id];
        if (buffer.kind != BufferDesc::Kind::Transient) {
          // Inputs, constants and buffers already given to another output
          // are copied into a buffer of the output's own.
          uint32_t copy = newBuffer(BufferDesc::Kind::Output,
                                    manifest.buffers[id].size, step);
          StepDesc stepDesc;
          stepDesc.kind = StepDesc::Kind::Copy;
          stepDesc.src = id;
          stepDesc.dst = copy;
          manifest.steps.push_back(stepDesc);
          ++step;
          id = copy;
        }
        manifest.buffers[id].kind = BufferDesc::Kind::Output;
        FailureOr<TensorDesc> desc =
            describe(value, outputName, id, ret.getLoc());
        if (failed(desc))
          return failure();
        if (main.getResultAttr(i, "onnx.unsigned"))
          desc->dtype = toUnsigned(desc->dtype);
        if (failed(applyTensorAttrs(*desc, main.getResultAttrDict(i),
                                    ret.getLoc())))
          return failure();
        manifest.buffers[id].index = manifest.outputs.size();
        manifest.outputs.push_back(*desc);
      }
      continue;
    }
    return op.emitError("operation '")
               << op.getName() << "' is left at model level after dispatch "
               << "formation; it cannot be scheduled",
           failure();
  }

  // Arena placement: first fit by decreasing size among transient buffers
  // whose lifetimes intersect.
  std::vector<uint32_t> transient;
  for (uint32_t i = 0; i < manifest.buffers.size(); ++i)
    if (manifest.buffers[i].kind == BufferDesc::Kind::Transient)
      transient.push_back(i);
  std::stable_sort(transient.begin(), transient.end(),
                   [&](uint32_t a, uint32_t b) {
                     return manifest.buffers[a].size > manifest.buffers[b].size;
                   });
  std::vector<uint32_t> placed;
  uint64_t arena = 0;
  for (uint32_t id : transient) {
    auto [first, last] = lifetime[id];
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (uint32_t other : placed) {
      auto [f2, l2] = lifetime[other];
      if (f2 <= last && first <= l2)
        busy.push_back({manifest.buffers[other].offset,
                        manifest.buffers[other].offset +
                            alignTo(manifest.buffers[other].size)});
    }
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0, size = alignTo(manifest.buffers[id].size);
    for (auto [begin, end] : busy) {
      if (offset + size <= begin)
        break;
      offset = std::max(offset, end);
    }
    manifest.buffers[id].offset = offset;
    arena = std::max(arena, offset + size);
    placed.push_back(id);
  }
  manifest.arenaSize = arena;
  return manifest;
}
