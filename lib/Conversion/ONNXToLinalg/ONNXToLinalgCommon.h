//===- ONNXToLinalgCommon.h - Shared lowering helpers -----------*- C++ -*-===//
//
// This file declares the helpers and the pattern base class shared by the
// onnx-to-linalg lowering files: static type checks, building of elementwise
// and reduction linalg.generic ops, scalar arithmetic that follows the
// element type (float, signed or unsigned integer) and reshapes.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_LIB_CONVERSION_ONNXTOLINALG_ONNXTOLINALGCOMMON_H
#define ZELLIGE_LIB_CONVERSION_ONNXTOLINALG_ONNXTOLINALGCOMMON_H

#include "dialects/onnx/ONNXDialect.h"
#include "dialects/onnx/Transforms/ConstantUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <functional>

namespace zellige {
namespace onnx_to_linalg {

/// Builds the body of a linalg.generic: maps the block arguments (inputs,
/// then outputs) to the value to yield.
using BodyBuilder = std::function<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                              mlir::ValueRange)>;

/// Scalar lowering context: the element type the computation happens in and
/// whether integers in it are unsigned in the original ONNX types.
struct ScalarKind {
  mlir::Type type;
  bool isUnsigned = false;
  bool isFloat() const { return mlir::isa<mlir::FloatType>(type); }
};

/// Returns true when `type` is a ranked tensor type with a static shape.
bool isStaticTensor(mlir::Type type);

/// Returns true when `type` (or its element type) is an unsigned integer.
bool isUnsignedType(mlir::Type type);

/// Creates `tensor.empty` of `type`.
mlir::Value createEmpty(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type);

/// Creates `tensor.empty` of `type` filled with the scalar `value`.
mlir::Value createFilled(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::Value value);

/// Creates an arith.constant scalar of `type` holding `value` (converted to
/// an integer for integer types).
mlir::Value createScalar(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, double value);

/// Creates the lowest (`max` identity) or highest (`min` identity) value of
/// `kind`: -inf/+inf for floats, the integer limits otherwise.
mlir::Value createLowest(mlir::OpBuilder &b, mlir::Location loc,
                         ScalarKind kind);
mlir::Value createHighest(mlir::OpBuilder &b, mlir::Location loc,
                          ScalarKind kind);

/// Scalar arithmetic that follows `kind` (float, signed or unsigned int).
mlir::Value buildAdd(mlir::OpBuilder &b, mlir::Location loc, ScalarKind kind,
                     mlir::Value x, mlir::Value y);
mlir::Value buildSub(mlir::OpBuilder &b, mlir::Location loc, ScalarKind kind,
                     mlir::Value x, mlir::Value y);
mlir::Value buildMul(mlir::OpBuilder &b, mlir::Location loc, ScalarKind kind,
                     mlir::Value x, mlir::Value y);
mlir::Value buildDiv(mlir::OpBuilder &b, mlir::Location loc, ScalarKind kind,
                     mlir::Value x, mlir::Value y);
mlir::Value buildMax(mlir::OpBuilder &b, mlir::Location loc, ScalarKind kind,
                     mlir::Value x, mlir::Value y);
mlir::Value buildMin(mlir::OpBuilder &b, mlir::Location loc, ScalarKind kind,
                     mlir::Value x, mlir::Value y);

/// Converts scalar `value` of kind `from` to the element type `to` with ONNX
/// Cast semantics (`toUnsigned` says how `to` is read when an integer).
mlir::Value convertScalar(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, ScalarKind from, mlir::Type to,
                          bool toUnsigned);

/// Returns the indexing map that reads an operand of `operandShape` inside a
/// loop nest over `resultShape` with numpy broadcasting (dimensions aligned
/// on the right, size-1 dimensions read at index 0).
mlir::AffineMap getBroadcastMap(mlir::MLIRContext *ctx,
                                llvm::ArrayRef<int64_t> operandShape,
                                llvm::ArrayRef<int64_t> resultShape);

/// Returns the map from a loop nest of `rank` dims to the dims that are not
/// in `reducedDims` (sorted), i.e. the map of a reduction's result.
mlir::AffineMap getReducedMap(mlir::MLIRContext *ctx, int64_t rank,
                              llvm::ArrayRef<int64_t> reducedDims);

/// Builds an all-parallel linalg.generic producing `resultType` from
/// `inputs`, each read through `maps` (one per input; the output map is the
/// identity) or, when `maps` is empty, with numpy broadcasting.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, const BodyBuilder &body,
                             llvm::ArrayRef<mlir::AffineMap> maps = {});

/// Builds a linalg.generic reducing the loop nest of `loopShape` over
/// `reducedDims` (sorted) into a tensor of the remaining dims of element type
/// `accType`, initialized with `init`. `inputs` are read through `maps` (the
/// identity when empty). The body gets the input elements then the
/// accumulator and returns the new accumulator.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           llvm::ArrayRef<int64_t> loopShape,
                           llvm::ArrayRef<int64_t> reducedDims,
                           mlir::Type accType, mlir::Value init,
                           mlir::ValueRange inputs, const BodyBuilder &body,
                           llvm::ArrayRef<mlir::AffineMap> maps = {});

/// Reshapes `value` (static) to `type` with tensor.collapse_shape or
/// tensor.expand_shape when one suffices, else tensor.reshape with a constant
/// shape. Returns `value` when the types already match.
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      mlir::RankedTensorType type);

/// Pads `value` with `low`/`high` amounts per dimension using `padValue`;
/// returns `value` when every amount is zero.
mlir::Value padTensor(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                      mlir::Value padValue);

/// Transposes `value` with linalg.transpose by `perm`.
mlir::Value transposeTensor(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value value, llvm::ArrayRef<int64_t> perm);

/// Pads `input` to `resultType` in edge (clamped) or reflect (mirrored) mode,
/// `low` elements before each dim, with a generic reading the source through
/// tensor.extract.
mlir::Value buildIndexPad(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value input, llvm::ArrayRef<int64_t> low,
                          mlir::RankedTensorType resultType, bool reflect);

/// Reads an I64 array attribute, or returns `fallback` when it is absent.
llvm::SmallVector<int64_t> getI64Array(std::optional<mlir::ArrayAttr> attr,
                                       llvm::ArrayRef<int64_t> fallback = {});

/// Returns `value` as a double (any float semantics).
double toDouble(const llvm::APFloat &value);

/// Normalizes a possibly negative `axis` against `rank`; std::nullopt when
/// out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Replaces `op` by `values` for its leading results; the remaining results
/// must be unused (optional ONNX outputs) and are dropped.
void replaceLeadingResults(mlir::ConversionPatternRewriter &rewriter,
                           mlir::Operation *op, mlir::ValueRange values);

/// Records that a lowering pattern reported its own error, so that the pass
/// drops the conversion framework's generic "failed to legalize" message.
struct ErrorState {
  bool reported = false;
};

/// Base of the lowering patterns: checks that every tensor operand and result
/// of the op has a static shape (reporting an error at the op otherwise),
/// then calls `lower`. Errors from `lower` go through `fail`.
template <typename OpTy>
class ONNXLowering : public mlir::OpConversionPattern<OpTy> {
public:
  using Adaptor = typename mlir::OpConversionPattern<OpTy>::OpAdaptor;

  ONNXLowering(const mlir::TypeConverter &converter, mlir::MLIRContext *ctx,
               ErrorState &errors)
      : mlir::OpConversionPattern<OpTy>(converter, ctx), errors(errors) {}

  mlir::LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  mlir::ConversionPatternRewriter &rewriter) const final {
    for (mlir::Type type : op->getOperandTypes()) {
      if (!mlir::isa<mlir::TensorType>(type))
        continue;
      if (!isStaticTensor(type))
        return fail(op, "unsupported dynamic shape " + typeString(type));
      if (!mlir::getElementTypeOrSelf(type).isIntOrFloat())
        return fail(op, "unsupported element type " + typeString(type));
    }
    for (mlir::Value result : op->getResults()) {
      mlir::Type type = result.getType();
      if (!mlir::isa<mlir::TensorType>(type) || result.use_empty())
        continue;
      if (!isStaticTensor(type))
        return fail(op, "unsupported dynamic shape " + typeString(type));
      if (!mlir::getElementTypeOrSelf(type).isIntOrFloat())
        return fail(op, "unsupported element type " + typeString(type));
    }
    return lower(op, adaptor, rewriter);
  }

protected:
  virtual mlir::LogicalResult
  lower(OpTy op, Adaptor adaptor,
        mlir::ConversionPatternRewriter &rewriter) const = 0;

  /// Reports `message` at `op` and fails the match.
  mlir::LogicalResult fail(mlir::Operation *op,
                           const llvm::Twine &message) const {
    errors.reported = true;
    op->emitError() << message;
    return mlir::failure();
  }

  /// The converted (signless, static) tensor type of `type`, or null.
  mlir::RankedTensorType convertType(mlir::Type type) const {
    return mlir::dyn_cast_or_null<mlir::RankedTensorType>(
        this->getTypeConverter()->convertType(type));
  }

  /// The scalar kind of the element type of ONNX-level `type`.
  ScalarKind kindOf(mlir::Type type) const {
    mlir::Type element = mlir::getElementTypeOrSelf(type);
    ScalarKind kind;
    kind.isUnsigned = isUnsignedType(element);
    kind.type = this->getTypeConverter()->convertType(element);
    return kind;
  }

  static std::string typeString(mlir::Type type) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << "'" << type << "'";
    return s;
  }

private:
  ErrorState &errors;
};

/// Pattern population, one function per lowering file.
void populateElementwisePatterns(mlir::RewritePatternSet &patterns,
                                 const mlir::TypeConverter &converter,
                                 ErrorState &errors);
void populateMatMulPatterns(mlir::RewritePatternSet &patterns,
                            const mlir::TypeConverter &converter,
                            ErrorState &errors);
void populateConvPatterns(mlir::RewritePatternSet &patterns,
                          const mlir::TypeConverter &converter,
                          ErrorState &errors);
void populateReductionPatterns(mlir::RewritePatternSet &patterns,
                               const mlir::TypeConverter &converter,
                               ErrorState &errors);
void populateIndexingPatterns(mlir::RewritePatternSet &patterns,
                              const mlir::TypeConverter &converter,
                              ErrorState &errors);
void populateQuantizationPatterns(mlir::RewritePatternSet &patterns,
                                  const mlir::TypeConverter &converter,
                                  ErrorState &errors);
void populateLossPatterns(mlir::RewritePatternSet &patterns,
                          const mlir::TypeConverter &converter,
                          ErrorState &errors);
void populateDataMovementPatterns(mlir::RewritePatternSet &patterns,
                                  const mlir::TypeConverter &converter,
                                  ErrorState &errors);

} // namespace onnx_to_linalg
} // namespace zellige

#endif // ZELLIGE_LIB_CONVERSION_ONNXTOLINALG_ONNXTOLINALGCOMMON_H
