//===- SPIRVTarget.cpp - The SPIR-V target ----------------------*- C++ -*-===//
//
// This file implements the "spirv" target: the shared GPU pipeline, then the
// spirv dialect with the Kernel capability (SPIRV.h), serialized as one
// SPIR-V module ("spirv") for OpenCL devices that take IL. PoCL here does
// not, so bundles of this target are for other machines; `--dump-kernels`
// writes one .spv per kernel, which the tests check with spirv-val.
//
//===----------------------------------------------------------------------===//

#include "targets/spirv/SPIRV.h"

#include "zellige/Codegen/GPU/GPUTarget.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include <cstring>

using namespace mlir;
using namespace zellige;

namespace {
class SPIRVTarget final : public GPUTargetBackend {
public:
  StringRef getName() const override { return "spirv"; }
  StringRef getDescription() const override {
    return "SPIR-V (Kernel capability, OpenCL memory model) for OpenCL "
           "devices that accept IL";
  }

protected:
  StringRef getExecutableFormat() const override { return "spirv"; }

  std::string getDefaultProfile(const TargetOptions &options) const override {
    return options.arch.empty() ? "opencl-generic" : options.arch;
  }

  static std::vector<uint8_t> toBytes(ArrayRef<uint32_t> words) {
    std::vector<uint8_t> bytes(words.size() * sizeof(uint32_t));
    std::memcpy(bytes.data(), words.data(), bytes.size());
    return bytes;
  }

  LogicalResult serializeKernels(gpu::GPUModuleOp kernels,
                                 const TargetOptions &options,
                                 TargetExecutable &executable) const override {
    FailureOr<std::vector<uint32_t>> words = spv::translateToSPIRV(kernels);
    if (failed(words))
      return failure();
    executable.bytes = toBytes(*words);
    return success();
  }

  LogicalResult dumpKernel(gpu::GPUModuleOp kernels, gpu::GPUFuncOp kernel,
                           const TargetOptions &options,
                           StringRef dir) const override {
    OwningOpRef<gpu::GPUModuleOp> single = cloneWithOnlyKernel(kernels, kernel);
    FailureOr<std::vector<uint32_t>> words = spv::translateToSPIRV(*single);
    if (failed(words))
      return failure();
    std::vector<uint8_t> bytes = toBytes(*words);
    return writeKernelFile(
        kernel, dir, (kernel.getName() + ".spv").str(),
        StringRef(reinterpret_cast<const char *>(bytes.data()), bytes.size()));
  }
};
} // namespace

namespace zellige {
void registerSPIRVTarget() {
  registerTargetBackend(std::make_unique<SPIRVTarget>());
}
} // namespace zellige
