//===- Translation.cpp - C-family kernel source translations ---*- C++ -*-===//
//
// This file implements the mlir-translate registrations of the C-family
// kernel source emitter: `--gpu-to-opencl-c`, `--gpu-to-cuda-cpp` and
// `--gpu-to-{musa,maca,hip}-cpp` read a builtin module holding one gpu.module
// in the GPU kernel form and print its kernels as one OpenCL C or CUDA C++
// translation unit (the vendor ones with the vendor's headers and host
// launchers; the warp size comes from a device profile, so only the targets
// write it).
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/CSourceEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;
using namespace zellige::csource;

/// Emits the one gpu.module of the builtin module `op` in `flavor`.
static LogicalResult translateGPUModule(Operation *op, Flavor flavor,
                                        raw_ostream &os,
                                        StringRef vendor = "") {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError() << "expected a builtin module holding a gpu.module";
  auto gpuModules = llvm::to_vector(module.getOps<gpu::GPUModuleOp>());
  if (gpuModules.empty())
    return module.emitError() << "expected a gpu.module in the input";
  if (gpuModules.size() > 1)
    return gpuModules[1].emitError()
           << "expected one gpu.module in the input, found "
           << gpuModules.size();
  EmitterOptions options;
  options.flavor = flavor;
  options.vendor = vendor.empty() ? nullptr : lookupVendorDialect(vendor);
  return emitKernelSource(gpuModules.front(), options, os);
}

/// The dialects of the GPU kernel form.
static void registerKernelFormDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, gpu::GPUDialect,
                  math::MathDialect, memref::MemRefDialect, scf::SCFDialect,
                  vector::VectorDialect>();
}

void zellige::registerCSourceTranslations() {
  static TranslateFromMLIRRegistration openCL(
      "gpu-to-opencl-c",
      "Print the kernels of a gpu.module (GPU kernel form) as OpenCL C",
      [](Operation *op, raw_ostream &os) {
        return translateGPUModule(op, Flavor::OpenCL, os);
      },
      registerKernelFormDialects);
  static TranslateFromMLIRRegistration cuda(
      "gpu-to-cuda-cpp",
      "Print the kernels of a gpu.module (GPU kernel form) as CUDA C++",
      [](Operation *op, raw_ostream &os) {
        return translateGPUModule(op, Flavor::CUDA, os);
      },
      registerKernelFormDialects);
  static TranslateFromMLIRRegistration musa(
      "gpu-to-musa-cpp",
      "Print the kernels of a gpu.module (GPU kernel form) as MUSA C++",
      [](Operation *op, raw_ostream &os) {
        return translateGPUModule(op, Flavor::CUDA, os, "musa");
      },
      registerKernelFormDialects);
  static TranslateFromMLIRRegistration maca(
      "gpu-to-maca-cpp",
      "Print the kernels of a gpu.module (GPU kernel form) as MACA C++",
      [](Operation *op, raw_ostream &os) {
        return translateGPUModule(op, Flavor::CUDA, os, "maca");
      },
      registerKernelFormDialects);
  static TranslateFromMLIRRegistration hip(
      "gpu-to-hip-cpp",
      "Print the kernels of a gpu.module (GPU kernel form) as HIP C++",
      [](Operation *op, raw_ostream &os) {
        return translateGPUModule(op, Flavor::CUDA, os, "hip");
      },
      registerKernelFormDialects);
}
