//===- CSourceEmitter.h - OpenCL C / CUDA C++ kernel emitter ----*- C++ -*-===//
//
// This file declares the C-family kernel source emitter: it prints the
// kernels of a gpu.module in the GPU kernel form (docs/gpu-kernel-form.md) as
// one OpenCL C or CUDA C++ translation unit, the vendor dialects of CUDA C++
// (MUSA, MACA, HIP: the CUDA family of docs/vendor-targets.md), and the
// registration of the `--gpu-to-opencl-c`, `--gpu-to-cuda-cpp` and
// `--gpu-to-<vendor>-cpp` translations.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CODEGEN_CSOURCEEMITTER_H
#define ZELLIGE_CODEGEN_CSOURCEEMITTER_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

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

/// How a CUDA-like vendor stack spells the CUDA C++ the emitter writes. The
/// kernel language (`__global__`, `__shared__`, `threadIdx`, `__syncthreads`,
/// `__half` and its conversions, the float math functions) is the same in
/// every stack Zellige targets; what changes is the runtime API prefix
/// (`cudaStream_t` / `musaStream_t` / `mcStream_t` / `hipStream_t`), the
/// headers, and the warp size, which comes from the device profile.
struct VendorDialect {
  /// Display name, e.g. "MUSA".
  llvm::StringRef name;
  /// Runtime API prefix: the launchers use `<prefix>Stream_t`,
  /// `<prefix>Error_t` and `<prefix>GetLastError()`.
  llvm::StringRef apiPrefix;
  /// The runtime header, e.g. "musa_runtime.h".
  llvm::StringRef runtimeHeader;
  /// The half-precision header, included when a kernel uses f16.
  llvm::StringRef fp16Header;
};

/// The dialect of `target` ("cuda", "musa", "maca", "hip"), or null.
const VendorDialect *lookupVendorDialect(llvm::StringRef target);

/// How to emit a translation unit.
struct EmitterOptions {
  /// The C dialect to write.
  Flavor flavor = Flavor::OpenCL;
  /// CUDA flavor only: the vendor stack. When set, the unit includes the
  /// vendor's runtime header (and fp16 header when needed) instead of
  /// cuda_fp16.h, and each kernel is followed by a host launcher
  /// `<prefix>Error_t zlg_launch_<kernel>(<prefix>Stream_t, args...)` that
  /// launches it with its fixed workgroup count and size.
  const VendorDialect *vendor = nullptr;
  /// When positive, the unit defines `ZLG_WARP_SIZE` (the device profile's
  /// warp or wavefront size) and checks that every kernel's workgroup is a
  /// whole number of warps or fits in one (a static_assert per kernel).
  int64_t warpSize = 0;
  /// Comment lines (without `//`) written first, e.g. the build command.
  std::string headerComment;
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
