//===- CUDATarget.cpp - The CUDA target -------------------------*- C++ -*-===//
//
// This file implements the "cuda" target: the shared GPU pipeline, then PTX
// through NVVM and LLVM's NVPTX back end (PTX.h) for `--arch sm_XX`. The
// executable is the PTX of every kernel ("ptx"), loaded by the runtime driver
// with cuModuleLoadData. `--dump-kernels` writes each kernel's PTX and its
// CUDA C++ source (the C-family emitter shared with the vendor targets).
//
//===----------------------------------------------------------------------===//

#include "targets/cuda/PTX.h"

#include "zellige/Codegen/CSourceEmitter.h"
#include "zellige/Codegen/GPU/GPUTarget.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace zellige;

namespace {
/// The default architecture when --arch is not given.
constexpr llvm::StringLiteral kDefaultArch = "sm_80";

class CUDATarget final : public GPUTargetBackend {
public:
  StringRef getName() const override { return "cuda"; }
  StringRef getDescription() const override {
    return "PTX for Nvidia GPUs (sm_75 to sm_90) through NVVM, plus CUDA C++ "
           "with --dump-kernels";
  }

protected:
  StringRef getExecutableFormat() const override { return "ptx"; }

  static std::string arch(const TargetOptions &options) {
    return options.arch.empty() ? kDefaultArch.str() : options.arch;
  }

  std::string getDefaultProfile(const TargetOptions &options) const override {
    return arch(options) == "sm_90" ? "nvidia-sm90" : "nvidia-sm80";
  }

  LogicalResult serializeKernels(gpu::GPUModuleOp kernels,
                                 const TargetOptions &options,
                                 TargetExecutable &executable) const override {
    FailureOr<std::string> ptx = cuda::translateToPTX(kernels, arch(options));
    if (failed(ptx))
      return failure();
    executable.bytes.assign(ptx->begin(), ptx->end());
    executable.properties["arch"] = arch(options);
    return success();
  }

  LogicalResult dumpKernel(gpu::GPUModuleOp kernels, gpu::GPUFuncOp kernel,
                           const TargetOptions &options,
                           StringRef dir) const override {
    // PTX of this kernel alone: a copy of the module without the others.
    OwningOpRef<gpu::GPUModuleOp> single = cloneWithOnlyKernel(kernels, kernel);
    FailureOr<std::string> ptx = cuda::translateToPTX(*single, arch(options));
    if (failed(ptx) ||
        failed(writeKernelFile(kernel, dir, (kernel.getName() + ".ptx").str(),
                               *ptx)))
      return failure();
    std::string source;
    llvm::raw_string_ostream os(source);
    csource::EmitterOptions emitter;
    emitter.flavor = csource::Flavor::CUDA;
    if (failed(csource::emitKernelSource(kernel, emitter, os)))
      return failure();
    return writeKernelFile(kernel, dir, (kernel.getName() + ".cu").str(),
                           source);
  }
};
} // namespace

namespace zellige {
void registerCUDATarget() {
  registerTargetBackend(std::make_unique<CUDATarget>());
}
} // namespace zellige
