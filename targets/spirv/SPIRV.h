//===- SPIRV.h - Serialize GPU kernels to SPIR-V ----------------*- C++ -*-===//
//
// This file declares the SPIR-V serializer: it takes a gpu.module in the GPU
// kernel form (docs/gpu-kernel-form.md) and returns a SPIR-V module for
// OpenCL devices that take IL (clCreateProgramWithIL): Kernel capability,
// Physical64 addressing, the OpenCL memory model, math as OpenCL.std
// extended instructions.
//
// Kernel ABI: one OpEntryPoint Kernel per kernel, named after the gpu.func,
// with a LocalSize execution mode from `known_block_size`; one parameter per
// binding, in order, a CrossWorkgroup pointer to the buffer (as an array of
// its elements; i1 is stored as one byte).
//
// The namespace is `spv`, not `spirv`, so that code using both
// `namespace zellige` and `namespace mlir` can still name mlir::spirv.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TARGETS_SPIRV_SPIRV_H
#define ZELLIGE_TARGETS_SPIRV_SPIRV_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <vector>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace zellige {
namespace spv {

/// Lowers a clone of `module` (GPU kernel form) to a spirv.module (Kernel
/// capability, Physical64 addressing, OpenCL memory model; Int8, Int16,
/// Float16, Float64 and Vector16 only where the kernels use them) and
/// serializes it. Errors are emitted on the module's ops; `module` itself is
/// never changed.
mlir::FailureOr<std::vector<uint32_t>>
translateToSPIRV(mlir::gpu::GPUModuleOp module);

/// Adds the dialects translateToSPIRV needs to `registry`; for tools that
/// parse the input.
void registerSPIRVDialects(mlir::DialectRegistry &registry);

} // namespace spv

/// Registers the `--gpu-to-spirv` translation for zellige-translate: the
/// input is a builtin module holding one gpu.module; the output is the SPIR-V
/// binary (little-endian 32-bit words).
void registerSPIRVTranslation();

} // namespace zellige

#endif // ZELLIGE_TARGETS_SPIRV_SPIRV_H
