//===- KernelForm.cpp - Checks of the GPU kernel form -----------*- C++ -*-===//
//
// This file implements zellige::gpu_codegen::verifyKernelForm (KernelForm.h):
// kernels only, memref arguments and attributions of the form, and kernel
// bodies made of the ops and types docs/gpu-kernel-form.md lists.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/KernelForm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <string>

using namespace mlir;
using namespace zellige;

/// Whether `type` may be the element type of a memref of the kernel form.
static bool isElementType(Type type) {
  return type.isF16() || type.isF32() || type.isF64() ||
         type.isSignlessInteger(1) || type.isSignlessInteger(8) ||
         type.isSignlessInteger(16) || type.isSignlessInteger(32) ||
         type.isSignlessInteger(64);
}

/// Whether `type` may be the type of a value in a kernel body.
static bool isValueType(Type type) {
  if (type.isIndex() || isElementType(type))
    return true;
  auto vector = dyn_cast<VectorType>(type);
  return vector && vector.getRank() == 1 && !vector.isScalable() &&
         llvm::is_contained({2, 4, 8, 16}, vector.getNumElements()) &&
         isElementType(vector.getElementType());
}

/// Checks a memref of the kernel form: static shape, identity layout, an
/// element type of the form, and memory space `space` (null: the default).
static LogicalResult checkMemRef(Operation *op, Type type,
                                 std::optional<gpu::AddressSpace> space,
                                 StringRef what) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref)
    return op->emitOpError() << what << " must be a memref, got " << type;
  if (!memref.hasStaticShape() || !memref.getLayout().isIdentity() ||
      !isElementType(memref.getElementType()))
    return op->emitOpError()
           << what
           << " must be a memref with a static shape, the identity layout and "
              "an element type among f16, f32, f64, i1, i8, i16, i32, i64; got "
           << type;
  Attribute memorySpace = memref.getMemorySpace();
  auto gpuSpace = dyn_cast_or_null<gpu::AddressSpaceAttr>(memorySpace);
  bool ok = space ? gpuSpace && gpuSpace.getValue() == *space
                  : !memorySpace || (gpuSpace && gpuSpace.getValue() ==
                                                     gpu::AddressSpace::Global);
  if (!ok)
    return op->emitOpError() << what << " has the wrong memory space: " << type;
  return success();
}

bool gpu_codegen::isMathOp(Operation *op) {
  Dialect *dialect = op->getDialect();
  return dialect && isa<math::MathDialect>(dialect);
}

/// Whether `op` may appear in a kernel body.
static bool isKernelBodyOp(Operation *op) {
  Dialect *dialect = op->getDialect();
  if (gpu_codegen::isMathOp(op) ||
      (dialect && isa<arith::ArithDialect>(dialect)))
    return true;
  return isa<scf::ForOp, scf::IfOp, scf::YieldOp, memref::LoadOp,
             memref::StoreOp, memref::AllocaOp, vector::LoadOp, vector::StoreOp,
             vector::FMAOp, vector::BroadcastOp, gpu::ThreadIdOp,
             gpu::BlockIdOp, gpu::BlockDimOp, gpu::GridDimOp, gpu::BarrierOp,
             gpu::ReturnOp>(op);
}

/// Checks one op of a kernel body against the kernel form.
static LogicalResult checkBodyOp(Operation *op, StringRef targetName) {
  if (!isKernelBodyOp(op))
    return op->emitOpError()
           << "is not part of the GPU kernel form (docs/gpu-kernel-form.md); "
              "the "
           << targetName << " target cannot lower it";
  if (auto alloca = dyn_cast<memref::AllocaOp>(op))
    return checkMemRef(op, alloca.getType(), std::nullopt, "result");
  // Memrefs were checked where they are defined: arguments, attributions
  // and allocas.
  auto checkType = [&](Type type) -> LogicalResult {
    if (isa<MemRefType>(type) || isValueType(type))
      return success();
    return op->emitOpError()
           << "uses type " << type
           << ", which the GPU kernel form does not allow (scalars of f16, "
              "f32, f64, i1, i8, i16, i32, i64 or index, and 1-D vectors of "
              "2, 4, 8 or 16 of them)";
  };
  for (Type type : op->getOperandTypes())
    if (failed(checkType(type)))
      return failure();
  for (Type type : op->getResultTypes())
    if (failed(checkType(type)))
      return failure();
  return success();
}

LogicalResult gpu_codegen::verifyKernelForm(
    gpu::GPUModuleOp module, StringRef targetName,
    llvm::function_ref<LogicalResult(Operation *)> checkTargetBodyOp) {
  if (module.getBody()->empty())
    return module.emitOpError() << "holds no kernels; the " << targetName
                                << " target has nothing to serialize";
  for (Operation &op : module.getBody()->getOperations()) {
    auto func = dyn_cast<gpu::GPUFuncOp>(op);
    if (!func || !func.isKernel())
      return op.emitOpError(
          "is not a kernel; a gpu.module in the GPU kernel form holds only "
          "`gpu.func ... kernel` ops");
    if (func.getFunctionType().getNumResults() != 0)
      return func.emitOpError("kernels return nothing");
    for (auto [index, type] : llvm::enumerate(func.getArgumentTypes()))
      if (failed(checkMemRef(func, type, std::nullopt,
                             "argument #" + std::to_string(index))))
        return failure();
    for (BlockArgument arg : func.getWorkgroupAttributions())
      if (failed(checkMemRef(func, arg.getType(), gpu::AddressSpace::Workgroup,
                             "workgroup attribution")))
        return failure();
    if (func.getNumPrivateAttributions() != 0)
      return func.emitOpError(
          "has private attributions; per-thread scratch in the GPU kernel "
          "form is memref.alloca");
    if (auto size =
            func->getAttrOfType<DenseI32ArrayAttr>("known_block_size")) {
      if (size.size() != 3 ||
          llvm::any_of(size.asArrayRef(), [](int32_t d) { return d < 1; }))
        return func.emitOpError(
            "known_block_size must hold three positive sizes");
    }
    WalkResult result = func.getBody().walk([&](Operation *bodyOp) {
      if (failed(checkBodyOp(bodyOp, targetName)) ||
          (checkTargetBodyOp && failed(checkTargetBodyOp(bodyOp))))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
  }
  return success();
}
