//===- Pipeline.cpp - The onnx-to-linalg pipeline ---------------*- C++ -*-===//
//
// This file implements the pipeline that takes imported onnx IR to upstream
// linalg/tensor/arith/math: shape folding, canonicalization, the lowering,
// then canonicalization and CSE of the result.
//
//===----------------------------------------------------------------------===//

#include "zellige/Conversion/Passes.h"

#include "dialects/onnx/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void zellige::buildONNXToLinalgPipeline(mlir::OpPassManager &pm) {
  pm.addPass(createONNXFoldShapes());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(createConvertONNXToLinalg());
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
}

void zellige::registerONNXToLinalgPipeline() {
  mlir::PassPipelineRegistration<>(
      "zellige-onnx-to-linalg-pipeline",
      "Lower onnx IR to linalg, tensor, arith and math: fold shapes, "
      "canonicalize, convert, canonicalize, cse",
      [](mlir::OpPassManager &pm) { buildONNXToLinalgPipeline(pm); });
}
