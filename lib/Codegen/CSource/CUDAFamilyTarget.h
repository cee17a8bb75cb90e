//===- CUDAFamilyTarget.h - Targets of CUDA-like vendor stacks --*- C++ -*-===//
//
// This file declares the target shared by the CUDA-like vendor stacks
// (Moore Threads MUSA, MetaX MACA, Hygon DCU through HIP): the shared GPU
// pipeline with the device profile's warp size, then the CUDA C++ emitter in
// the vendor's dialect (csource::VendorDialect). Each vendor folder under
// targets/ describes itself with a CUDAFamilyDescription and registers one
// CUDAFamilyTarget. The targets are compile-only: the executable in the
// bundle is the kernel source, and `--dump-kernels DIR` writes one source
// file per kernel (its build command in a comment header) and DIR/build.sh.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_LIB_CODEGEN_CSOURCE_CUDAFAMILYTARGET_H
#define ZELLIGE_LIB_CODEGEN_CSOURCE_CUDAFAMILYTARGET_H

#include "zellige/Codegen/CSourceEmitter.h"
#include "zellige/Codegen/GPU/GPUTarget.h"

#include <string>

namespace zellige {

/// What a CUDA-like vendor target changes.
struct CUDAFamilyDescription {
  /// The target name (`--target`), also the vendor dialect's key: "musa".
  llvm::StringRef name;
  llvm::StringRef description;
  /// The built-in profile used without `--profile`.
  llvm::StringRef defaultProfile;
  /// The architecture used when neither `--arch` nor the profile names one.
  llvm::StringRef defaultArch;
  /// Extension of the dumped source files, with the dot: ".mu".
  llvm::StringRef extension;
  /// The command that compiles one dumped file to an object, with `{arch}`
  /// (the architecture option, see archOption), `{src}` and `{obj}`
  /// placeholders.
  llvm::StringRef compileCommand;
  /// The compiler option selecting `arch`, or "" when `arch` is not a name the
  /// vendor compiler takes (the command then builds for its default).
  std::string (*archOption)(llvm::StringRef arch);
};

class CUDAFamilyTarget final : public GPUTargetBackend {
public:
  explicit CUDAFamilyTarget(const CUDAFamilyDescription &desc);

  llvm::StringRef getName() const override { return desc.name; }
  llvm::StringRef getDescription() const override { return desc.description; }

  /// The architecture `options` selects: --arch, else the profile's, else
  /// the target's default.
  std::string getArch(const TargetOptions &options) const;
  /// The vendor compiler command for `source` (a file name), writing `object`.
  std::string getCompileCommand(const TargetOptions &options,
                                llvm::StringRef source,
                                llvm::StringRef object) const;

protected:
  bool alignsWorkgroupsToWarps() const override { return true; }
  std::string getDefaultProfile(const TargetOptions &options) const override;
  llvm::StringRef getExecutableFormat() const override { return format; }
  mlir::LogicalResult
  serializeKernels(mlir::gpu::GPUModuleOp kernels, const TargetOptions &options,
                   TargetExecutable &executable) const override;
  mlir::LogicalResult dumpKernel(mlir::gpu::GPUModuleOp kernels,
                                 mlir::gpu::GPUFuncOp kernel,
                                 const TargetOptions &options,
                                 llvm::StringRef dir) const override;

private:
  /// Emitter options for `options` (the profile's warp size); reports an
  /// error on `anchor` when the profile cannot be loaded.
  mlir::FailureOr<csource::EmitterOptions>
  getEmitterOptions(mlir::Operation *anchor,
                    const TargetOptions &options) const;

  CUDAFamilyDescription desc;
  const csource::VendorDialect *dialect;
  /// "<name>-c++": the executable is the kernels' source.
  std::string format;
};

} // namespace zellige

#endif // ZELLIGE_LIB_CODEGEN_CSOURCE_CUDAFAMILYTARGET_H
