//===- BufferUtils.cpp - Helpers shared by the buffer finalizers -*- C++ -*-=//
//
// This file implements zellige::lowerCopiesAndLinalgToLoops
// (BufferUtils.h).
//
//===----------------------------------------------------------------------===//

#include "zellige/Transforms/BufferUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

LogicalResult zellige::lowerCopiesAndLinalgToLoops(func::FuncOp func,
                                                   StringRef targetName) {
  IRRewriter rewriter(func.getContext());

  // Copies become linalg.copy, lowered with the rest below.
  SmallVector<memref::CopyOp> copies;
  func.walk([&](memref::CopyOp copy) { copies.push_back(copy); });
  for (memref::CopyOp copy : copies) {
    rewriter.setInsertionPoint(copy);
    linalg::CopyOp::create(rewriter, copy.getLoc(), copy.getSource(),
                           copy.getTarget());
    rewriter.eraseOp(copy);
  }

  // Whatever linalg is left becomes loops.
  SmallVector<linalg::LinalgOp> leftovers;
  func.walk([&](linalg::LinalgOp op) { leftovers.push_back(op); });
  for (linalg::LinalgOp op : leftovers) {
    if (!op.hasPureBufferSemantics())
      return op->emitError()
             << targetName
             << " target: linalg operation left on tensors after "
                "bufferization";
    rewriter.setInsertionPoint(op);
    if (failed(linalg::linalgOpToLoops(rewriter, op)))
      return op->emitError() << targetName << " target: cannot lower to loops";
    rewriter.eraseOp(op);
  }
  return success();
}
