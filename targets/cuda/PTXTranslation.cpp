//===- PTXTranslation.cpp - The --gpu-to-ptx translation ------------------===//
//
// This file implements the `--gpu-to-ptx` translation for zellige-translate:
// it reads a builtin module holding one gpu.module in the GPU kernel form
// and prints the PTX that zellige::cuda::translateToPTX makes of it for the
// chip named by `--ptx-chip` (default sm_80).
//
//===----------------------------------------------------------------------===//

#include "targets/cuda/PTX.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

/// Returns the one gpu.module in `op`, a builtin module.
static FailureOr<gpu::GPUModuleOp> getKernelModule(Operation *op) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("--gpu-to-ptx: expected a builtin module");
  auto kernels = llvm::to_vector(module.getOps<gpu::GPUModuleOp>());
  if (kernels.size() != 1)
    return module.emitError()
           << "--gpu-to-ptx: expected one gpu.module, found " << kernels.size();
  return kernels.front();
}

void zellige::registerPTXTranslation() {
  static llvm::cl::opt<std::string> chip(
      "ptx-chip",
      llvm::cl::desc("With --gpu-to-ptx: the CUDA chip to compile for "
                     "(sm_75, sm_80, sm_86, sm_89, sm_90, ...)"),
      llvm::cl::value_desc("sm_NN"), llvm::cl::init("sm_80"));

  static TranslateFromMLIRRegistration registration(
      "gpu-to-ptx",
      "Serialize the gpu.module of a GPU kernel-form module to PTX (NVVM and "
      "LLVM's NVPTX back end)",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        FailureOr<gpu::GPUModuleOp> module = getKernelModule(op);
        if (failed(module))
          return failure();
        FailureOr<std::string> ptx = cuda::translateToPTX(*module, chip);
        if (failed(ptx))
          return failure();
        os << *ptx;
        return success();
      },
      [](DialectRegistry &registry) { cuda::registerPTXDialects(registry); });
}
