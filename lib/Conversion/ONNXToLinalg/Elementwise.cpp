//===- Elementwise.cpp - Lower elementwise onnx ops -------------*- C++ -*-===//
//
// This file implements the lowering of the elementwise onnx operators
// (arithmetic, activations, comparisons, logic, Where, Clip and Cast) to one
// all-parallel linalg.generic each, with numpy broadcasting of the operands
// through the indexing maps.
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

using namespace mlir;
using namespace zellige;
using namespace zellige::onnx_to_linalg;

namespace {

/// What the scalar body of an elementwise op sees: the kind of its first
/// operand, the kinds of all operands and the result element type.
struct ScalarContext {
  ScalarKind in;
  SmallVector<ScalarKind> operands;
  ScalarKind out;
};

template <typename OpTy>
using ScalarFn = std::function<Value(OpBuilder &, Location, OpTy, ValueRange,
                                     const ScalarContext &)>;

/// Returns true when `shape` broadcasts to `result` (numpy rules).
bool broadcastsTo(ArrayRef<int64_t> shape, ArrayRef<int64_t> result) {
  if (shape.size() > result.size())
    return false;
  size_t offset = result.size() - shape.size();
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] != 1 && shape[i] != result[offset + i])
      return false;
  return true;
}

/// Lowers an elementwise op: every non-absent operand is an input of one
/// linalg.generic over the result shape, and `fn` builds the scalar body.
template <typename OpTy> struct ElementwiseLowering : ONNXLowering<OpTy> {
  using Adaptor = typename ONNXLowering<OpTy>::Adaptor;

  ElementwiseLowering(const TypeConverter &converter, MLIRContext *ctx,
                      ErrorState &errors, ScalarFn<OpTy> fn,
                      bool floatOnly = false)
      : ONNXLowering<OpTy>(converter, ctx, errors), fn(std::move(fn)),
        floatOnly(floatOnly) {}

  LogicalResult lower(OpTy op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    RankedTensorType resultType = this->convertType(op->getResult(0).getType());
    ScalarContext context;
    SmallVector<Value> inputs;
    for (auto [original, converted] :
         llvm::zip(op->getOperands(), adaptor.getOperands())) {
      if (isNoValue(original))
        continue;
      auto type = cast<RankedTensorType>(converted.getType());
      if (!broadcastsTo(type.getShape(), resultType.getShape()))
        return this->fail(op, "operand type " +
                                  this->typeString(original.getType()) +
                                  " does not broadcast to result type " +
                                  this->typeString(op->getResult(0).getType()));
      inputs.push_back(converted);
      context.operands.push_back(this->kindOf(original.getType()));
    }
    if (inputs.empty())
      return this->fail(op, "expected at least one input");
    context.in = context.operands.front();
    context.out = this->kindOf(op->getResult(0).getType());
    if (floatOnly && !context.in.isFloat())
      return this->fail(op, "unsupported non-float element type " +
                                this->typeString(op->getOperand(0).getType()));
    Value result =
        buildElementwise(rewriter, op.getLoc(), resultType, inputs,
                         [&](OpBuilder &b, Location loc, ValueRange args) {
                           return fn(b, loc, op, args.drop_back(), context);
                         });
    rewriter.replaceOp(op, result);
    return success();
  }

  ScalarFn<OpTy> fn;
  bool floatOnly;
};

//===----------------------------------------------------------------------===//
// Scalar bodies
//===----------------------------------------------------------------------===//

Value isNegative(OpBuilder &b, Location loc, ScalarKind kind, Value x) {
  Value zero = createScalar(b, loc, kind.type, 0.0);
  if (kind.isFloat())
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, zero);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero);
}

/// clamp(x, 0, 1) in floating point.
Value clampUnit(OpBuilder &b, Location loc, ScalarKind kind, Value x) {
  Value zero = createScalar(b, loc, kind.type, 0.0);
  Value one = createScalar(b, loc, kind.type, 1.0);
  return arith::MaximumFOp::create(b, loc, zero,
                                   arith::MinimumFOp::create(b, loc, one, x));
}

Value compare(OpBuilder &b, Location loc, ScalarKind kind, Value x, Value y,
              arith::CmpFPredicate fp, arith::CmpIPredicate sp,
              arith::CmpIPredicate up) {
  if (kind.isFloat())
    return arith::CmpFOp::create(b, loc, fp, x, y);
  return arith::CmpIOp::create(b, loc, kind.isUnsigned ? up : sp, x, y);
}

template <typename OpTy>
void addElementwise(RewritePatternSet &patterns, const TypeConverter &converter,
                    ErrorState &errors, ScalarFn<OpTy> fn,
                    bool floatOnly = false) {
  patterns.add<ElementwiseLowering<OpTy>>(converter, patterns.getContext(),
                                          errors, std::move(fn), floatOnly);
}

/// Adds a float-only unary op computed by `MathOp`.
template <typename OpTy, typename MathOp>
void addUnaryMath(RewritePatternSet &patterns, const TypeConverter &converter,
                  ErrorState &errors) {
  addElementwise<OpTy>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, OpTy, ValueRange args,
         const ScalarContext &) -> Value {
        return MathOp::create(b, loc, args[0]);
      },
      /*floatOnly=*/true);
}

/// Adds a comparison op.
template <typename OpTy>
void addCompare(RewritePatternSet &patterns, const TypeConverter &converter,
                ErrorState &errors, arith::CmpFPredicate fp,
                arith::CmpIPredicate sp, arith::CmpIPredicate up) {
  addElementwise<OpTy>(patterns, converter, errors,
                       [=](OpBuilder &b, Location loc, OpTy, ValueRange args,
                           const ScalarContext &c) -> Value {
                         return compare(b, loc, c.in, args[0], args[1], fp, sp,
                                        up);
                       });
}

/// Adds a variadic op folding its operands with `combine`.
template <typename OpTy>
void addVariadic(RewritePatternSet &patterns, const TypeConverter &converter,
                 ErrorState &errors,
                 Value (*combine)(OpBuilder &, Location, ScalarKind, Value,
                                  Value),
                 bool mean = false) {
  addElementwise<OpTy>(patterns, converter, errors,
                       [=](OpBuilder &b, Location loc, OpTy, ValueRange args,
                           const ScalarContext &c) -> Value {
                         Value acc = args[0];
                         for (Value arg : args.drop_front())
                           acc = combine(b, loc, c.in, acc, arg);
                         if (mean && args.size() > 1)
                           acc = buildDiv(
                               b, loc, c.in, acc,
                               createScalar(b, loc, c.in.type,
                                            static_cast<double>(args.size())));
                         return acc;
                       });
}

} // namespace

void zellige::onnx_to_linalg::populateElementwisePatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    ErrorState &errors) {
  using namespace ONNX;
  // Binary arithmetic.
  addElementwise<AddOp>(patterns, converter, errors,
                        [](OpBuilder &b, Location loc, AddOp, ValueRange a,
                           const ScalarContext &c) {
                          return buildAdd(b, loc, c.in, a[0], a[1]);
                        });
  addElementwise<SubOp>(patterns, converter, errors,
                        [](OpBuilder &b, Location loc, SubOp, ValueRange a,
                           const ScalarContext &c) {
                          return buildSub(b, loc, c.in, a[0], a[1]);
                        });
  addElementwise<MulOp>(patterns, converter, errors,
                        [](OpBuilder &b, Location loc, MulOp, ValueRange a,
                           const ScalarContext &c) {
                          return buildMul(b, loc, c.in, a[0], a[1]);
                        });
  addElementwise<DivOp>(patterns, converter, errors,
                        [](OpBuilder &b, Location loc, DivOp, ValueRange a,
                           const ScalarContext &c) {
                          return buildDiv(b, loc, c.in, a[0], a[1]);
                        });
  addElementwise<PowOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, PowOp, ValueRange a,
         const ScalarContext &c) -> Value {
        ScalarKind base = c.operands[0], exponent = c.operands[1];
        if (base.isFloat()) {
          if (!exponent.isFloat())
            return math::FPowIOp::create(b, loc, a[0], a[1]);
          Value e = convertScalar(b, loc, a[1], exponent, base.type, false);
          return math::PowFOp::create(b, loc, a[0], e);
        }
        if (!exponent.isFloat()) {
          Value e =
              convertScalar(b, loc, a[1], exponent, base.type, base.isUnsigned);
          return math::IPowIOp::create(b, loc, a[0], e);
        }
        // Integer base, float exponent: compute in the exponent's type.
        Value x = convertScalar(b, loc, a[0], base, exponent.type, false);
        Value p = math::PowFOp::create(b, loc, x, a[1]);
        return convertScalar(b, loc, p, exponent, c.out.type, c.out.isUnsigned);
      });

  // Unary math.
  addUnaryMath<SqrtOp, math::SqrtOp>(patterns, converter, errors);
  addUnaryMath<ExpOp, math::ExpOp>(patterns, converter, errors);
  addUnaryMath<LogOp, math::LogOp>(patterns, converter, errors);
  addUnaryMath<TanhOp, math::TanhOp>(patterns, converter, errors);
  addUnaryMath<ErfOp, math::ErfOp>(patterns, converter, errors);
  addUnaryMath<FloorOp, math::FloorOp>(patterns, converter, errors);
  addUnaryMath<CeilOp, math::CeilOp>(patterns, converter, errors);
  addUnaryMath<SinOp, math::SinOp>(patterns, converter, errors);
  addUnaryMath<CosOp, math::CosOp>(patterns, converter, errors);
  addUnaryMath<RoundOp, math::RoundEvenOp>(patterns, converter, errors);
  addElementwise<NegOp>(patterns, converter, errors,
                        [](OpBuilder &b, Location loc, NegOp, ValueRange a,
                           const ScalarContext &c) -> Value {
                          if (c.in.isFloat())
                            return arith::NegFOp::create(b, loc, a[0]);
                          return arith::SubIOp::create(
                              b, loc, createScalar(b, loc, c.in.type, 0), a[0]);
                        });
  addElementwise<AbsOp>(patterns, converter, errors,
                        [](OpBuilder &b, Location loc, AbsOp, ValueRange a,
                           const ScalarContext &c) -> Value {
                          if (c.in.isFloat())
                            return math::AbsFOp::create(b, loc, a[0]);
                          if (c.in.isUnsigned)
                            return a[0];
                          return math::AbsIOp::create(b, loc, a[0]);
                        });
  addElementwise<ReciprocalOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, ReciprocalOp, ValueRange a,
         const ScalarContext &c) -> Value {
        return arith::DivFOp::create(b, loc, createScalar(b, loc, c.in.type, 1),
                                     a[0]);
      },
      /*floatOnly=*/true);
  addElementwise<SignOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, SignOp, ValueRange a,
         const ScalarContext &c) -> Value {
        Value zero = createScalar(b, loc, c.in.type, 0);
        Value one = createScalar(b, loc, c.in.type, 1);
        Value positive =
            compare(b, loc, c.in, a[0], zero, arith::CmpFPredicate::OGT,
                    arith::CmpIPredicate::sgt, arith::CmpIPredicate::ugt);
        Value pos = arith::SelectOp::create(b, loc, positive, one, zero);
        if (c.in.isUnsigned)
          return pos;
        Value minusOne = createScalar(b, loc, c.in.type, -1);
        return arith::SelectOp::create(b, loc, isNegative(b, loc, c.in, a[0]),
                                       minusOne, pos);
      });

  // Activations.
  addElementwise<SigmoidOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, SigmoidOp, ValueRange a,
         const ScalarContext &c) -> Value {
        Value one = createScalar(b, loc, c.in.type, 1.0);
        Value e =
            math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, a[0]));
        return arith::DivFOp::create(b, loc, one,
                                     arith::AddFOp::create(b, loc, one, e));
      },
      /*floatOnly=*/true);
  addElementwise<ReluOp>(patterns, converter, errors,
                         [](OpBuilder &b, Location loc, ReluOp, ValueRange a,
                            const ScalarContext &c) {
                           return buildMax(b, loc, c.in, a[0],
                                           createScalar(b, loc, c.in.type, 0));
                         });
  addElementwise<LeakyReluOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, LeakyReluOp op, ValueRange a,
         const ScalarContext &c) -> Value {
        Value alpha = createScalar(b, loc, c.in.type, toDouble(op.getAlpha()));
        Value scaled = arith::MulFOp::create(b, loc, alpha, a[0]);
        return arith::SelectOp::create(b, loc, isNegative(b, loc, c.in, a[0]),
                                       scaled, a[0]);
      },
      /*floatOnly=*/true);
  addElementwise<PReluOp>(patterns, converter, errors,
                          [](OpBuilder &b, Location loc, PReluOp, ValueRange a,
                             const ScalarContext &c) -> Value {
                            Value scaled = buildMul(b, loc, c.in, a[1], a[0]);
                            if (c.in.isUnsigned)
                              return a[0];
                            return arith::SelectOp::create(
                                b, loc, isNegative(b, loc, c.in, a[0]), scaled,
                                a[0]);
                          });
  addElementwise<EluOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, EluOp op, ValueRange a,
         const ScalarContext &c) -> Value {
        Value alpha = createScalar(b, loc, c.in.type, toDouble(op.getAlpha()));
        Value one = createScalar(b, loc, c.in.type, 1.0);
        Value em1 = arith::SubFOp::create(
            b, loc, math::ExpOp::create(b, loc, a[0]), one);
        Value scaled = arith::MulFOp::create(b, loc, alpha, em1);
        return arith::SelectOp::create(b, loc, isNegative(b, loc, c.in, a[0]),
                                       scaled, a[0]);
      },
      /*floatOnly=*/true);
  addElementwise<HardSigmoidOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, HardSigmoidOp op, ValueRange a,
         const ScalarContext &c) -> Value {
        Value alpha = createScalar(b, loc, c.in.type, toDouble(op.getAlpha()));
        Value beta = createScalar(b, loc, c.in.type, toDouble(op.getBeta()));
        Value lin = arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, alpha, a[0]), beta);
        return clampUnit(b, loc, c.in, lin);
      },
      /*floatOnly=*/true);
  addElementwise<HardSwishOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, HardSwishOp, ValueRange a,
         const ScalarContext &c) -> Value {
        Value alpha = createScalar(b, loc, c.in.type, 1.0 / 6.0);
        Value half = createScalar(b, loc, c.in.type, 0.5);
        Value lin = arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, alpha, a[0]), half);
        return arith::MulFOp::create(b, loc, a[0],
                                     clampUnit(b, loc, c.in, lin));
      },
      /*floatOnly=*/true);
  addElementwise<SoftplusOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, SoftplusOp, ValueRange a,
         const ScalarContext &) -> Value {
        return math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, a[0]));
      },
      /*floatOnly=*/true);
  // Clip's min and max are optional scalar operands; absent ones are skipped
  // by the lowering, so the body looks them up by position.
  addElementwise<ClipOp>(patterns, converter, errors,
                         [](OpBuilder &b, Location loc, ClipOp op, ValueRange a,
                            const ScalarContext &c) -> Value {
                           Value x = a[0];
                           size_t next = 1;
                           if (!isNoValue(op.getMin()))
                             x = buildMax(b, loc, c.in, x, a[next++]);
                           if (!isNoValue(op.getMax()))
                             x = buildMin(b, loc, c.in, x, a[next++]);
                           return x;
                         });

  // Variadic.
  addVariadic<MaxOp>(patterns, converter, errors, buildMax);
  addVariadic<MinOp>(patterns, converter, errors, buildMin);
  addVariadic<SumOp>(patterns, converter, errors, buildAdd);
  addVariadic<MeanOp>(patterns, converter, errors, buildAdd, /*mean=*/true);

  // Selection, comparison and logic.
  addElementwise<WhereOp>(patterns, converter, errors,
                          [](OpBuilder &b, Location loc, WhereOp, ValueRange a,
                             const ScalarContext &) -> Value {
                            return arith::SelectOp::create(b, loc, a[0], a[1],
                                                           a[2]);
                          });
  addCompare<EqualOp>(patterns, converter, errors, arith::CmpFPredicate::OEQ,
                      arith::CmpIPredicate::eq, arith::CmpIPredicate::eq);
  addCompare<LessOp>(patterns, converter, errors, arith::CmpFPredicate::OLT,
                     arith::CmpIPredicate::slt, arith::CmpIPredicate::ult);
  addCompare<LessOrEqualOp>(
      patterns, converter, errors, arith::CmpFPredicate::OLE,
      arith::CmpIPredicate::sle, arith::CmpIPredicate::ule);
  addCompare<GreaterOp>(patterns, converter, errors, arith::CmpFPredicate::OGT,
                        arith::CmpIPredicate::sgt, arith::CmpIPredicate::ugt);
  addCompare<GreaterOrEqualOp>(
      patterns, converter, errors, arith::CmpFPredicate::OGE,
      arith::CmpIPredicate::sge, arith::CmpIPredicate::uge);
  addElementwise<NotOp>(patterns, converter, errors,
                        [](OpBuilder &b, Location loc, NotOp, ValueRange a,
                           const ScalarContext &c) -> Value {
                          return arith::XOrIOp::create(
                              b, loc, a[0], createScalar(b, loc, c.in.type, 1));
                        });
  addElementwise<AndOp>(patterns, converter, errors,
                        [](OpBuilder &b, Location loc, AndOp, ValueRange a,
                           const ScalarContext &) -> Value {
                          return arith::AndIOp::create(b, loc, a[0], a[1]);
                        });
  addElementwise<OrOp>(patterns, converter, errors,
                       [](OpBuilder &b, Location loc, OrOp, ValueRange a,
                          const ScalarContext &) -> Value {
                         return arith::OrIOp::create(b, loc, a[0], a[1]);
                       });
  addElementwise<XorOp>(patterns, converter, errors,
                        [](OpBuilder &b, Location loc, XorOp, ValueRange a,
                           const ScalarContext &) -> Value {
                          return arith::XOrIOp::create(b, loc, a[0], a[1]);
                        });

  // Cast: the target type is the result's element type.
  addElementwise<CastOp>(patterns, converter, errors,
                         [](OpBuilder &b, Location loc, CastOp, ValueRange a,
                            const ScalarContext &c) {
                           return convertScalar(b, loc, a[0], c.in, c.out.type,
                                                c.out.isUnsigned);
                         });
}
