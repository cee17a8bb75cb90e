//===- BufferUtils.h - Helpers shared by the buffer finalizers --*- C++ -*-===//
//
// This file declares the last step every target's buffer finalization shares
// after bufferization: memref.copy becomes linalg.copy, and every linalg
// operation left (one the target did not vectorize or tile away) becomes scf
// loops.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TRANSFORMS_BUFFERUTILS_H
#define ZELLIGE_TRANSFORMS_BUFFERUTILS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

namespace mlir {
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace zellige {

/// Rewrites every memref.copy of `func` as linalg.copy, then lowers every
/// linalg operation of `func` to scf loops. Fails, with an error on the op
/// that starts with "`targetName` target:" (e.g. "host", "GPU"), when a
/// linalg operation is still on tensors or cannot be lowered.
mlir::LogicalResult lowerCopiesAndLinalgToLoops(mlir::func::FuncOp func,
                                                llvm::StringRef targetName);

} // namespace zellige

#endif // ZELLIGE_TRANSFORMS_BUFFERUTILS_H
