//===- SPIRVTranslation.cpp - The --gpu-to-spirv translation --------------===//
//
// This file implements the `--gpu-to-spirv` translation for
// zellige-translate: it reads a builtin module holding one gpu.module in the
// GPU kernel form and writes the SPIR-V binary that
// zellige::spv::translateToSPIRV makes of it.
//
//===----------------------------------------------------------------------===//

#include "targets/spirv/SPIRV.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

/// Returns the one gpu.module in `op`, a builtin module.
static FailureOr<gpu::GPUModuleOp> getKernelModule(Operation *op) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("--gpu-to-spirv: expected a builtin module");
  auto kernels = llvm::to_vector(module.getOps<gpu::GPUModuleOp>());
  if (kernels.size() != 1)
    return module.emitError()
           << "--gpu-to-spirv: expected one gpu.module, found "
           << kernels.size();
  return kernels.front();
}

void zellige::registerSPIRVTranslation() {
  static TranslateFromMLIRRegistration registration(
      "gpu-to-spirv",
      "Serialize the gpu.module of a GPU kernel-form module to a SPIR-V "
      "binary for OpenCL (Kernel capability)",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        FailureOr<gpu::GPUModuleOp> module = getKernelModule(op);
        if (failed(module))
          return failure();
        FailureOr<std::vector<uint32_t>> binary =
            spv::translateToSPIRV(*module);
        if (failed(binary))
          return failure();
        os.write(reinterpret_cast<const char *>(binary->data()),
                 binary->size() * sizeof(uint32_t));
        return success();
      },
      [](DialectRegistry &registry) { spv::registerSPIRVDialects(registry); });
}
