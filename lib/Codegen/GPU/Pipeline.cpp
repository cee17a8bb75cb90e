//===- Pipeline.cpp - The shared GPU pipeline -------------------*- C++ -*-===//
//
// This file implements buildGPUCodegenPipeline (`zellige-gpu-codegen`) and
// the registration of the shared GPU passes.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace zellige;
using namespace zellige::gpu_codegen;

namespace zellige {
namespace gpu_codegen {
#define GEN_PASS_REGISTRATION
#include "zellige/Codegen/GPU/Passes.h.inc"
} // namespace gpu_codegen
} // namespace zellige

void gpu_codegen::buildGPUCodegenPipeline(OpPassManager &pm,
                                          const std::string &profile) {
  // Tensor level: distribute over workgroups and threads.
  GPUTileAndDistributeOptions tileOptions;
  tileOptions.profile = profile;
  pm.addNestedPass<func::FuncOp>(createGPUTileAndDistribute(tileOptions));
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createCSEPass());

  // Bufferize; the arguments are memrefs already.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = false;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Merge equal views so that the copies bufferization leaves from a tile to
  // itself fold away.
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  // The knobs that work on buffers: operand tiles in workgroup memory, then
  // vector loads and stores.
  GPUPromoteOperandsOptions promoteOptions;
  promoteOptions.profile = profile;
  pm.addNestedPass<func::FuncOp>(createGPUPromoteOperands(promoteOptions));
  pm.addNestedPass<func::FuncOp>(createGPUVectorize());
  pm.addNestedPass<func::FuncOp>(createGPUFinalizeBuffers());

  // Kernels, with views folded into plain loads and stores.
  pm.addPass(createGPUOutlineKernels());
  pm.addPass(memref::createFoldMemRefAliasOpsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

namespace {
struct GPUCodegenPipelineOptions
    : public PassPipelineOptions<GPUCodegenPipelineOptions> {
  Option<std::string> profile{*this, "profile",
                              llvm::cl::desc("Device profile name or path"),
                              llvm::cl::init("opencl-generic")};
};
} // namespace

void zellige::registerGPUCodegenPasses() {
  gpu_codegen::registerZelligeGPUPasses();
  PassPipelineRegistration<GPUCodegenPipelineOptions>(
      "zellige-gpu-codegen",
      "Lower dispatch functions to the GPU kernel form (gpu.module @kernels)",
      [](OpPassManager &pm, const GPUCodegenPipelineOptions &options) {
        buildGPUCodegenPipeline(pm, options.profile);
      });
}
