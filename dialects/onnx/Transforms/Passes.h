//===- Passes.h - onnx dialect graph passes ---------------------*- C++ -*-===//
//
// This file declares the graph-level passes on the onnx dialect and their
// registration entry point.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_DIALECTS_ONNX_TRANSFORMS_PASSES_H
#define ZELLIGE_DIALECTS_ONNX_TRANSFORMS_PASSES_H

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace zellige {

#define GEN_PASS_DECL
#include "dialects/onnx/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dialects/onnx/Transforms/Passes.h.inc"

/// Registers the passes of this file; called through zellige-opt's registry.
void registerONNXTransformsPasses();

} // namespace zellige

#endif // ZELLIGE_DIALECTS_ONNX_TRANSFORMS_PASSES_H
