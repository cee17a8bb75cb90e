//===- ONNXToLinalg.cpp - Lower onnx to linalg ------------------*- C++ -*-===//
//
// This file implements zellige-convert-onnx-to-linalg: the type converter
// (unsigned integers become signless), the conversion target, the lowering of
// constants and static shape queries, the report of unsupported operators,
// and the pass that applies the patterns of every lowering file.
//
//===----------------------------------------------------------------------===//

#include "zellige/Conversion/Passes.h"

#include "ONNXToLinalgCommon.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/StringSet.h"

#define DEBUG_TYPE "zellige-convert-onnx-to-linalg"

namespace zellige {
#define GEN_PASS_DEF_CONVERTONNXTOLINALG
#include "zellige/Conversion/Passes.h.inc"
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::onnx_to_linalg;

namespace {

/// onnx.Constant -> arith.constant (unsigned data reinterpreted as signless).
struct ConstantLowering : ONNXLowering<ONNX::ConstantOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ConstantOp op, Adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    ElementsAttr value = getONNXConstantValue(op);
    if (!value)
      return fail(op, "unsupported constant form (sparse or string value)");
    RankedTensorType type = convertType(op.getType());
    if (value.getNumElements() != type.getNumElements())
      return fail(op, "constant value does not match its result type");
    TypedAttr converted;
    if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      if (dense.getElementType() != type.getElementType()) {
        auto elementType = dyn_cast<IntegerType>(dense.getElementType());
        if (!elementType || elementType.getWidth() !=
                                type.getElementType().getIntOrFloatBitWidth())
          return fail(op, "constant element type does not match its result");
        dense = dense.bitcast(type.getElementType());
      }
      converted = dense.reshape(type);
    } else if (value.getType() == type) {
      converted = cast<TypedAttr>(value);
    } else {
      return fail(op, "unsupported constant storage for type " +
                          typeString(op.getType()));
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, type, converted);
    return success();
  }
};

/// onnx.Shape on a static tensor -> arith.constant.
struct ShapeLowering : ONNXLowering<ONNX::ShapeOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ShapeOp op, Adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getData().getType());
    int64_t rank = type.getRank();
    auto normalize = [&](int64_t i) {
      return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank);
    };
    int64_t start = normalize(static_cast<int64_t>(op.getStart()));
    int64_t end =
        normalize(op.getEnd() ? static_cast<int64_t>(*op.getEnd()) : rank);
    SmallVector<int64_t> dims;
    for (int64_t i = start; i < end; ++i)
      dims.push_back(type.getDimSize(i));
    RankedTensorType resultType = convertType(op.getType());
    if (resultType.getNumElements() != static_cast<int64_t>(dims.size()))
      return fail(op, "result type does not match the shape's rank");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, resultType, DenseElementsAttr::get(resultType, ArrayRef(dims)));
    return success();
  }
};

/// onnx.Size on a static tensor -> arith.constant.
struct SizeLowering : ONNXLowering<ONNX::SizeOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::SizeOp op, Adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getData().getType());
    RankedTensorType resultType = convertType(op.getType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, resultType,
        DenseElementsAttr::get(resultType, type.getNumElements()));
    return success();
  }
};

/// onnx.ConstantOfShape with a static result -> splat arith.constant.
struct ConstantOfShapeLowering : ONNXLowering<ONNX::ConstantOfShapeOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::ConstantOfShapeOp op, Adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = convertType(op.getType());
    Attribute element;
    if (auto value = op.getValueAttr()) {
      auto dense = dyn_cast<DenseElementsAttr>(value);
      if (!dense || dense.getNumElements() != 1)
        return fail(op, "unsupported 'value' (expected one dense element)");
      if (dense.getElementType() != resultType.getElementType())
        dense = dense.bitcast(resultType.getElementType());
      element = *dense.getValues<Attribute>().begin();
    } else {
      element = rewriter.getZeroAttr(resultType.getElementType());
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, resultType, DenseElementsAttr::get(resultType, element));
    return success();
  }
};

/// Any onnx operation whose results all hold no elements computes nothing:
/// its results become tensor.empty (zero-byte buffers in the bundle), ahead
/// of the operation's own lowering, which then never sees such a result.
struct ZeroSizeResults : ConversionPattern {
  ZeroSizeResults(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/10, ctx) {
  }

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value>,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa_and_nonnull<ONNX::ONNXDialect>(op->getDialect()) ||
        isa<ONNX::NoValueOp, ONNX::ConstantOp>(op) || op->getNumResults() == 0)
      return failure();
    SmallVector<Value> empties;
    for (Type type : op->getResultTypes()) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() || tensor.getNumElements() != 0)
        return failure();
      auto converted =
          dyn_cast_or_null<RankedTensorType>(typeConverter->convertType(type));
      if (!converted)
        return failure();
      empties.push_back(tensor::EmptyOp::create(rewriter, op->getLoc(),
                                                converted.getShape(),
                                                converted.getElementType()));
    }
    rewriter.replaceOp(op, empties);
    return success();
  }
};

/// Reports every onnx operation that has no lowering pattern at all.
struct UnsupportedOperator : ConversionPattern {
  UnsupportedOperator(const TypeConverter &converter, MLIRContext *ctx,
                      ErrorState &errors, llvm::StringSet<> handled)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/0, ctx),
        errors(errors), handled(std::move(handled)) {}

  LogicalResult matchAndRewrite(Operation *op, ArrayRef<Value>,
                                ConversionPatternRewriter &) const override {
    if (!isa_and_nonnull<ONNX::ONNXDialect>(op->getDialect()) ||
        isa<ONNX::NoValueOp>(op) ||
        handled.contains(op->getName().getStringRef()))
      return failure();
    errors.reported = true;
    op->emitError() << "unsupported ONNX operator '"
                    << op->getName().getStringRef().drop_front(5) << "'";
    return failure();
  }

  ErrorState &errors;
  llvm::StringSet<> handled;
};

/// Maps unsigned and signed integers to signless ones, inside tensors too.
/// Other element types (strings, complex) are kept; the lowering patterns
/// report them as unsupported at the operation that uses them.
struct ONNXTypeConverter : TypeConverter {
  ONNXTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](IntegerType type) -> Type {
      if (type.isSignless())
        return type;
      return IntegerType::get(type.getContext(), type.getWidth());
    });
    addConversion([this](RankedTensorType type) -> Type {
      return RankedTensorType::get(type.getShape(),
                                   convertType(type.getElementType()));
    });
    addConversion([this](UnrankedTensorType type) -> Type {
      return UnrankedTensorType::get(convertType(type.getElementType()));
    });
  }
};

struct ConvertONNXToLinalgPass
    : zellige::impl::ConvertONNXToLinalgBase<ConvertONNXToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ModuleOp module = getOperation();
    ONNXTypeConverter converter;
    ErrorState errors;

    // Unsigned integers become signless below; remember which model inputs
    // and outputs were unsigned so that the bundle keeps their dtypes.
    auto isUnsigned = [](Type type) {
      return getElementTypeOrSelf(type).isUnsignedInteger();
    };
    UnitAttr unit = UnitAttr::get(ctx);
    module.walk([&](func::FuncOp func) {
      FunctionType type = func.getFunctionType();
      for (auto [i, t] : llvm::enumerate(type.getInputs()))
        if (isUnsigned(t))
          func.setArgAttr(i, "onnx.unsigned", unit);
      for (auto [i, t] : llvm::enumerate(type.getResults()))
        if (isUnsigned(t))
          func.setResultAttr(i, "onnx.unsigned", unit);
    });

    RewritePatternSet patterns(ctx);
    patterns.add<ConstantLowering, ShapeLowering, SizeLowering,
                 ConstantOfShapeLowering>(converter, ctx, errors);
    populateElementwisePatterns(patterns, converter, errors);
    populateMatMulPatterns(patterns, converter, errors);
    populateConvPatterns(patterns, converter, errors);
    populateReductionPatterns(patterns, converter, errors);
    populateDataMovementPatterns(patterns, converter, errors);
    populateIndexingPatterns(patterns, converter, errors);
    populateLossPatterns(patterns, converter, errors);
    populateQuantizationPatterns(patterns, converter, errors);
    llvm::StringSet<> handled;
    for (const auto &pattern : patterns.getNativePatterns())
      if (std::optional<OperationName> root = pattern->getRootKind())
        handled.insert(root->getStringRef());
    patterns.add<UnsupportedOperator>(converter, ctx, errors,
                                      std::move(handled));
    patterns.add<ZeroSizeResults>(converter, ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);

    ConversionTarget target(*ctx);
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect>();
    target.addIllegalDialect<ONNX::ONNXDialect>();
    // Absent optional operands die with their users; see below.
    target.addLegalOp<ONNX::NoValueOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });

    // A pattern that reported its own error at the node makes the generic
    // "failed to legalize" message redundant.
    ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
      if (errors.reported && diag.getSeverity() == DiagnosticSeverity::Error &&
          StringRef(diag.str()).starts_with("failed to legalize"))
        return success();
      return failure();
    });
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    module.walk([](ONNX::NoValueOp op) {
      if (op->use_empty())
        op->erase();
    });
  }
};

} // namespace

void zellige::registerConversionPasses() {
  registerZelligeConversionPasses();
  registerONNXToLinalgPipeline();
}
