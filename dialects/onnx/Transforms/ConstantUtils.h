//===- ConstantUtils.h - Reading onnx constants -----------------*- C++ -*-===//
//
// This file declares helpers that read the value of `onnx.Constant` (in all
// of its attribute forms) and of other constant-like producers, shared by the
// graph passes and the lowering to linalg.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_DIALECTS_ONNX_TRANSFORMS_CONSTANTUTILS_H
#define ZELLIGE_DIALECTS_ONNX_TRANSFORMS_CONSTANTUTILS_H

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace zellige {

/// Returns the value of `op` as an elements attribute of its result type,
/// whichever of `value`, `value_float(s)` or `value_int(s)` holds it. Returns
/// null for the sparse and string forms, which have no dense value here.
mlir::ElementsAttr getONNXConstantValue(ONNX::ConstantOp op);

/// Returns the dense value of `value` when it is produced by `onnx.Constant`
/// or by any constant-like operation (such as `arith.constant`) with a dense
/// elements value; null otherwise.
mlir::DenseElementsAttr getDenseConstant(mlir::Value value);

/// Returns the elements of the integer constant `value` as int64_t, sign- or
/// zero-extended after its element type; std::nullopt when `value` is not a
/// dense integer constant.
std::optional<llvm::SmallVector<int64_t>> getConstantInts(mlir::Value value);

/// Returns true when `value` is the result of `onnx.NoValue` (an absent
/// optional input) or has type `none`.
bool isNoValue(mlir::Value value);

/// The static slice an ONNX `Slice` selects, per dimension of its input:
/// the first index, the number of elements and the (non-zero) step.
struct StaticSlice {
  llvm::SmallVector<int64_t> starts, sizes, steps;
};

/// Computes ONNX `Slice` on a static `shape` (negative indices counted from
/// the end, clamped as the operator specifies). `axes` and `steps` may be
/// empty for their defaults. Returns std::nullopt for a zero step, an axis
/// out of range or repeated, or mismatched lengths.
std::optional<StaticSlice> computeStaticSlice(llvm::ArrayRef<int64_t> shape,
                                              llvm::ArrayRef<int64_t> starts,
                                              llvm::ArrayRef<int64_t> ends,
                                              llvm::ArrayRef<int64_t> axes,
                                              llvm::ArrayRef<int64_t> steps);

/// Computes the output shape of ONNX `Reshape` of a static `shape` to the
/// `target` values (0 copies the input dimension unless `allowZero`, one -1
/// is inferred). Returns std::nullopt when the element counts disagree.
std::optional<llvm::SmallVector<int64_t>>
computeReshapeShape(llvm::ArrayRef<int64_t> shape,
                    llvm::ArrayRef<int64_t> target, bool allowZero);

/// Numpy broadcasting of two static shapes; std::nullopt if incompatible.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

} // namespace zellige

#endif // ZELLIGE_DIALECTS_ONNX_TRANSFORMS_CONSTANTUTILS_H
