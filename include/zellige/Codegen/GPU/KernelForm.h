//===- KernelForm.h - Checks of the GPU kernel form -------------*- C++ -*-===//
//
// This file declares the checker every GPU serializer runs before lowering a
// gpu.module: that it is in the GPU kernel form (docs/gpu-kernel-form.md),
// with an error naming the first op that is not. A target adds its own
// restrictions (e.g. the math functions it can lower) with a callback run on
// every op of a kernel body.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CODEGEN_GPU_KERNELFORM_H
#define ZELLIGE_CODEGEN_GPU_KERNELFORM_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
class Operation;
namespace gpu {
class GPUModuleOp;
} // namespace gpu
} // namespace mlir

namespace zellige {
namespace gpu_codegen {

/// Whether `op` belongs to the math dialect.
bool isMathOp(mlir::Operation *op);

/// Checks that `module` is in the GPU kernel form; emits an error on the
/// first op that is not, naming `targetName` (e.g. "CUDA", "SPIR-V") as the
/// target that cannot lower it. `checkTargetBodyOp`, when given, runs on every
/// op of a kernel body once the shared checks accepted it; it emits its own
/// error and fails on what the target does not support.
mlir::LogicalResult
verifyKernelForm(mlir::gpu::GPUModuleOp module, llvm::StringRef targetName,
                 llvm::function_ref<mlir::LogicalResult(mlir::Operation *)>
                     checkTargetBodyOp = {});

} // namespace gpu_codegen
} // namespace zellige

#endif // ZELLIGE_CODEGEN_GPU_KERNELFORM_H
