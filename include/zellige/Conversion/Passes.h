//===- Passes.h - Zellige conversion passes ---------------------*- C++ -*-===//
//
// This file declares the conversion passes (onnx to linalg), the
// onnx-to-linalg pipeline and their registration entry points.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CONVERSION_PASSES_H
#define ZELLIGE_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace zellige {

#define GEN_PASS_DECL
#include "zellige/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "zellige/Conversion/Passes.h.inc"

/// Adds the onnx-to-linalg pipeline to `pm` (anchored on a module):
/// zellige-onnx-fold-shapes, canonicalize, zellige-convert-onnx-to-linalg,
/// canonicalize and cse.
void buildONNXToLinalgPipeline(mlir::OpPassManager &pm);

/// Registers buildONNXToLinalgPipeline as `zellige-onnx-to-linalg-pipeline`.
void registerONNXToLinalgPipeline();

/// Registers the passes and pipelines of this file; called through
/// zellige-opt's registry.
void registerConversionPasses();

} // namespace zellige

#endif // ZELLIGE_CONVERSION_PASSES_H
