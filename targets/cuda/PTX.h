//===- PTX.h - Serialize GPU kernels to PTX ---------------------*- C++ -*-===//
//
// This file declares the PTX serializer of the CUDA target: it takes a
// gpu.module in the GPU kernel form (docs/gpu-kernel-form.md) and returns the
// PTX text LLVM's NVPTX back end makes of it, in-process, with no CUDA
// toolkit and no libdevice.
//
// Kernel ABI: one `.entry` per kernel, named after the gpu.func; one `.u64`
// parameter per binding, in order, holding the address of the buffer's first
// element (bare pointers, no memref descriptors). `known_block_size` becomes
// `.reqntid`: the kernel must be launched with exactly that block size.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TARGETS_CUDA_PTX_H
#define ZELLIGE_TARGETS_CUDA_PTX_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace zellige {
namespace cuda {

/// Lowers a clone of `module` (GPU kernel form) through the NVVM dialect and
/// LLVM's NVPTX backend to PTX for `chip` ("sm_75", "sm_80", "sm_86",
/// "sm_89", "sm_90", or any other chip LLVM's NVPTX back end knows). Math
/// functions are expanded into arith ops and polynomial approximations
/// (f16 and f32) so that nothing calls libdevice; f64 transcendental
/// functions are rejected. Errors are emitted on the module's ops; `module`
/// itself is never changed.
mlir::FailureOr<std::string> translateToPTX(mlir::gpu::GPUModuleOp module,
                                            llvm::StringRef chip);

/// Adds the dialects, interfaces and LLVM IR translations translateToPTX
/// needs to `registry`. translateToPTX also adds them to its module's context
/// itself; this is for tools that parse the input.
void registerPTXDialects(mlir::DialectRegistry &registry);

} // namespace cuda

/// Registers the `--gpu-to-ptx` translation (and its `--ptx-chip` option)
/// for zellige-translate: the input is a builtin module holding one
/// gpu.module; the output is PTX text.
void registerPTXTranslation();

} // namespace zellige

#endif // ZELLIGE_TARGETS_CUDA_PTX_H
