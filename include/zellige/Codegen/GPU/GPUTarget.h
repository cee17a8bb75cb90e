//===- GPUTarget.h - Base class of the GPU targets --------------*- C++ -*-===//
//
// This file declares GPUTargetBackend, the part every GPU target shares: its
// knobs come from the GPU schedule model and a device profile, its pipeline
// is the shared GPU pipeline (zellige-gpu-codegen), and serialization reads
// each kernel's launch shape from the GPU kernel form. A GPU target only says
// which profile it uses by default, how it turns `gpu.module @kernels` into
// bytes, and what it writes for `--dump-kernels`.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CODEGEN_GPU_GPUTARGET_H
#define ZELLIGE_CODEGEN_GPU_GPUTARGET_H

#include "zellige/Target/Target.h"

#include "mlir/IR/OwningOpRef.h"

namespace mlir {
namespace gpu {
class GPUFuncOp;
class GPUModuleOp;
} // namespace gpu
} // namespace mlir

namespace zellige {

class GPUTargetBackend : public TargetBackend {
public:
  kernel::ConfigAttr getDefaultConfig(mlir::Operation *root,
                                      const TargetOptions &options) const final;
  void buildPipeline(mlir::OpPassManager &pm,
                     const TargetOptions &options) const final;
  mlir::FailureOr<TargetExecutable>
  serialize(mlir::ModuleOp module, const TargetOptions &options) const final;

  /// The profile `options` selects: options.profile when set, else the
  /// target's default for options.arch.
  std::string getProfileName(const TargetOptions &options) const;
  std::string getCostModelProfile(const TargetOptions &options) const override {
    return getProfileName(options);
  }

protected:
  /// The built-in profile used when `--profile` is not given.
  virtual std::string getDefaultProfile(const TargetOptions &options) const = 0;
  /// Whether the heuristic schedules grow their workgroup tiles until a
  /// workgroup is a whole number of the profile's warps (where the legal
  /// tile sizes and the profile's workgroup limit allow). Off by default, so
  /// that the existing targets keep their schedules; the CUDA-family vendor
  /// targets (warps of 64 or 128) turn it on.
  virtual bool alignsWorkgroupsToWarps() const { return false; }
  /// The executable format serializeKernels writes ("opencl-c", "ptx", ...);
  /// also recorded for a model without kernels.
  virtual llvm::StringRef getExecutableFormat() const = 0;
  /// Fills `executable.format` and `executable.bytes` from the kernels.
  virtual mlir::LogicalResult
  serializeKernels(mlir::gpu::GPUModuleOp kernels, const TargetOptions &options,
                   TargetExecutable &executable) const = 0;
  /// Writes the files `--dump-kernels` shows for `kernel` (a gpu.func of
  /// `kernels`) into `dir`, named after the kernel.
  virtual mlir::LogicalResult dumpKernel(mlir::gpu::GPUModuleOp kernels,
                                         mlir::gpu::GPUFuncOp kernel,
                                         const TargetOptions &options,
                                         llvm::StringRef dir) const = 0;
};

/// Writes `contents` to `dir`/`name`, creating `dir`; reports an error on
/// `anchor` when that fails.
mlir::LogicalResult writeKernelFile(mlir::Operation *anchor,
                                    llvm::StringRef dir, llvm::StringRef name,
                                    llvm::StringRef contents);

/// A detached copy of `kernels` that holds `kernel` (one of its gpu.funcs)
/// and no other kernel, to serialize one kernel on its own (e.g. for
/// `--dump-kernels`). The copy is destroyed with the returned reference.
mlir::OwningOpRef<mlir::gpu::GPUModuleOp>
cloneWithOnlyKernel(mlir::gpu::GPUModuleOp kernels,
                    mlir::gpu::GPUFuncOp kernel);

} // namespace zellige

#endif // ZELLIGE_CODEGEN_GPU_GPUTARGET_H
