//===- OpenCLTarget.cpp - The OpenCL target ---------------------*- C++ -*-===//
//
// This file implements the "opencl" target: the shared GPU pipeline, then the
// C-family emitter in its OpenCL C 1.2 flavor. The executable is the source of
// every kernel ("opencl-c"); the runtime driver (runtime/) builds it for the
// device it runs on, so one bundle runs on PoCL, Intel, AMD or Nvidia OpenCL.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/CSourceEmitter.h"
#include "zellige/Codegen/GPU/GPUTarget.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace zellige;

namespace {
class OpenCLTarget final : public GPUTargetBackend {
public:
  StringRef getName() const override { return "opencl"; }
  StringRef getDescription() const override {
    return "OpenCL C 1.2 source for any OpenCL device (PoCL, GPUs), built by "
           "the runtime";
  }

protected:
  StringRef getExecutableFormat() const override { return "opencl-c"; }

  std::string getDefaultProfile(const TargetOptions &options) const override {
    // --arch names a built-in profile directly, e.g. --arch pocl-cpu.
    return options.arch.empty() ? "opencl-generic" : options.arch;
  }

  LogicalResult serializeKernels(gpu::GPUModuleOp kernels,
                                 const TargetOptions &options,
                                 TargetExecutable &executable) const override {
    std::string source;
    llvm::raw_string_ostream os(source);
    csource::EmitterOptions emitter;
    emitter.flavor = csource::Flavor::OpenCL;
    if (failed(csource::emitKernelSource(kernels, emitter, os)))
      return failure();
    executable.bytes.assign(source.begin(), source.end());
    return success();
  }

  LogicalResult dumpKernel(gpu::GPUModuleOp kernels, gpu::GPUFuncOp kernel,
                           const TargetOptions &options,
                           StringRef dir) const override {
    std::string source;
    llvm::raw_string_ostream os(source);
    csource::EmitterOptions emitter;
    emitter.flavor = csource::Flavor::OpenCL;
    if (failed(csource::emitKernelSource(kernel, emitter, os)))
      return failure();
    return writeKernelFile(kernel, dir, (kernel.getName() + ".cl").str(),
                           source);
  }
};
} // namespace

namespace zellige {
void registerOpenCLTarget() {
  registerTargetBackend(std::make_unique<OpenCLTarget>());
}
} // namespace zellige
