//===- CSourceEmitter.h - OpenCL C / CUDA C++ kernel emitter ----*- C++ -*-===//
//
// This file declares the C-family kernel source emitter: it prints the
// kernels of a gpu.module in the GPU kernel form (docs/gpu-kernel-form.md) as
// one OpenCL C or CUDA C++ translation unit, and the registration of the
// `--gpu-to-opencl-c` and `--gpu-to-cuda-cpp` translations.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CODEGEN_CSOURCEEMITTER_H
#define ZELLIGE_CODEGEN_CSOURCEEMITTER_H

#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir {
namespace gpu {
class GPUFuncOp;
class GPUModuleOp;
} // namespace gpu
} // namespace mlir

namespace zellige {

/// Registers the `--gpu-to-opencl-c` and `--gpu-to-cuda-cpp` translations
/// (each reads a builtin module holding one gpu.module).
void registerCSourceTranslations();

namespace csource {

/// The C dialect the emitter writes.
enum class Flavor {
  /// OpenCL C 1.2 (`__kernel`, `__global`, vloadN/vstoreN, native vectors).
  OpenCL,
  /// CUDA C++ (`extern "C" __global__`, `__shared__`, cuda_fp16.h).
  CUDA,
};

/// How to emit a translation unit.
struct EmitterOptions {
  /// The C dialect to write.
  Flavor flavor = Flavor::OpenCL;
  /// Text placed right after the standard prelude (vendor targets use it for
  /// a header include / macros).
  std::string extraPrelude;
};

/// Writes one translation unit with every kernel of `module` (a gpu.module in
/// the GPU kernel form) to `os`. On an op or type the emitter cannot write,
/// reports an error on that op and writes nothing.
mlir::LogicalResult emitKernelSource(mlir::gpu::GPUModuleOp module,
                                     const EmitterOptions &options,
                                     llvm::raw_ostream &os);

/// Writes the prelude plus the single kernel `kernel` (used to dump one file
/// per dispatch). Errors are reported as for the module overload.
mlir::LogicalResult emitKernelSource(mlir::gpu::GPUFuncOp kernel,
                                     const EmitterOptions &options,
                                     llvm::raw_ostream &os);

} // namespace csource
} // namespace zellige

#endif // ZELLIGE_CODEGEN_CSOURCEEMITTER_H
