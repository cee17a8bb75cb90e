//===- Passes.h - Zellige graph and dispatch passes -------------*- C++ -*-===//
//
// This file declares the target-independent passes from linalg to the kernel
// dialect, and the outlining helper the compiler driver shares with them.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TRANSFORMS_PASSES_H
#define ZELLIGE_TRANSFORMS_PASSES_H

#include "dialects/kernel/KernelDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace zellige {

#define GEN_PASS_DECL
#include "zellige/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "zellige/Transforms/Passes.h.inc"

/// Builds the executable module for the dispatches of `module`'s functions:
/// one memref-argument function per dispatch (see Target.h). Returns null and
/// reports an error when a dispatch cannot be outlined (dynamic shapes).
mlir::OwningOpRef<mlir::ModuleOp> outlineDispatches(mlir::ModuleOp module);

/// Registers the passes of this file; called through zellige-opt's registry.
void registerTransformsPasses();

} // namespace zellige

#endif // ZELLIGE_TRANSFORMS_PASSES_H
