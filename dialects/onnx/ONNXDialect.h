//===- ONNXDialect.h - onnx dialect -----------------------------*- C++ -*-===//
//
// This file declares the onnx dialect, its types and its operations.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_DIALECTS_ONNX_ONNXDIALECT_H
#define ZELLIGE_DIALECTS_ONNX_ONNXDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/onnx/ONNXDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/onnx/ONNXTypes.h.inc"

#define GET_OP_CLASSES
#include "dialects/onnx/ONNXOps.h.inc"

#endif // ZELLIGE_DIALECTS_ONNX_ONNXDIALECT_H
