//===- KernelDialect.h - kernel dialect -------------------------*- C++ -*-===//
//
// This file declares the kernel dialect: dispatches and their configs.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_DIALECTS_KERNEL_KERNELDIALECT_H
#define ZELLIGE_DIALECTS_KERNEL_KERNELDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/kernel/KernelDialect.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/kernel/KernelAttrs.h.inc"

#define GET_OP_CLASSES
#include "dialects/kernel/KernelOps.h.inc"

#endif // ZELLIGE_DIALECTS_KERNEL_KERNELDIALECT_H
