//===- Elementwise.cpp - Lower elementwise onnx ops -------------*- C++ -*-===//
//
// This file implements the lowering of the elementwise onnx operators
// (arithmetic including Pow, Mod and BitShift, math and trigonometric
// functions, activations, IsInf/IsNaN, comparisons, logic, Where, Clip and
// Cast) to one all-parallel linalg.generic each, with numpy broadcasting of
// the operands through the indexing maps.
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
  // Float bases raise to integer exponents through math.powf (libm pow is
  // exact for integral exponents and handles negative bases): math.fpowi has
  // no vector lowering on every target. Integer powers are computed exactly
  // by binary exponentiation over the exponent's bits (wrapping like the
  // integer type), with no f64 math, which some GPU targets lack.
  addElementwise<PowOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, PowOp, ValueRange a,
         const ScalarContext &c) -> Value {
        ScalarKind base = c.operands[0], exponent = c.operands[1];
        if (base.isFloat()) {
          Value e = convertScalar(b, loc, a[1], exponent, base.type, false);
          return math::PowFOp::create(b, loc, a[0], e);
        }
        if (exponent.isFloat()) {
          // Integer base, float exponent: compute in the exponent's type.
          Value x = convertScalar(b, loc, a[0], base, exponent.type, false);
          Value p = math::PowFOp::create(b, loc, x, a[1]);
          return convertScalar(b, loc, p, exponent, c.out.type,
                               c.out.isUnsigned);
        }
        Type type = base.type;
        unsigned width = type.getIntOrFloatBitWidth();
        Value e = convertScalar(b, loc, a[1], exponent, type, base.isUnsigned);
        Value zero = createScalar(b, loc, type, 0);
        Value one = createScalar(b, loc, type, 1);
        Value result = one, square = a[0];
        for (unsigned bit = 0; bit < width; ++bit) {
          Value mask = arith::ConstantOp::create(
              b, loc, IntegerAttr::get(type, APInt::getOneBitSet(width, bit)));
          Value set = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ne,
              arith::AndIOp::create(b, loc, e, mask), zero);
          result = arith::SelectOp::create(
              b, loc, set, arith::MulIOp::create(b, loc, result, square),
              result);
          if (bit + 1 < width)
            square = arith::MulIOp::create(b, loc, square, square);
        }
        if (base.isUnsigned || exponent.isUnsigned)
          return result;
        // A negative exponent: 1 / x^|e| truncates to 0 unless |x| = 1.
        Value negative =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, e, zero);
        Value isOne =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a[0], one);
        Value isMinusOne =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a[0],
                                  createScalar(b, loc, type, -1));
        Value odd =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                  arith::AndIOp::create(b, loc, e, one), zero);
        Value fraction = arith::SelectOp::create(
            b, loc, isOne, one,
            arith::SelectOp::create(
                b, loc, isMinusOne,
                arith::SelectOp::create(b, loc, odd,
                                        createScalar(b, loc, type, -1), one),
                zero));
        return arith::SelectOp::create(b, loc, negative, fraction, result);
      });
  addElementwise<ModOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, ModOp op, ValueRange a,
         const ScalarContext &c) -> Value {
        if (c.in.isFloat()) {
          // fmod semantics (sign of the dividend); for fmod = 0 the result
          // takes the divisor's sign, like Python's %.
          Value r = arith::RemFOp::create(b, loc, a[0], a[1]);
          if (op.getFmod() != 0)
            return r;
          Value zero = createScalar(b, loc, c.in.type, 0);
          Value nonzero =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, r, zero);
          Value rNeg =
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, zero);
          Value bNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                             a[1], zero);
          Value differ = arith::XOrIOp::create(b, loc, rNeg, bNeg);
          Value fix = arith::AndIOp::create(b, loc, nonzero, differ);
          return arith::SelectOp::create(
              b, loc, fix, arith::AddFOp::create(b, loc, r, a[1]), r);
        }
        if (c.in.isUnsigned)
          return arith::RemUIOp::create(b, loc, a[0], a[1]);
        Value r = arith::RemSIOp::create(b, loc, a[0], a[1]);
        if (op.getFmod() != 0)
          return r;
        Value zero = createScalar(b, loc, c.in.type, 0);
        Value nonzero =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r, zero);
        Value rNeg =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, r, zero);
        Value bNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                           a[1], zero);
        Value differ = arith::XOrIOp::create(b, loc, rNeg, bNeg);
        Value fix = arith::AndIOp::create(b, loc, nonzero, differ);
        return arith::SelectOp::create(
            b, loc, fix, arith::AddIOp::create(b, loc, r, a[1]), r);
      });
  addElementwise<BitShiftOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, BitShiftOp op, ValueRange a,
         const ScalarContext &) -> Value {
        if (op.getDirection() == "LEFT")
          return arith::ShLIOp::create(b, loc, a[0], a[1]);
        return arith::ShRUIOp::create(b, loc, a[0], a[1]);
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
  addUnaryMath<TanOp, math::TanOp>(patterns, converter, errors);
  addUnaryMath<AsinOp, math::AsinOp>(patterns, converter, errors);
  addUnaryMath<AcosOp, math::AcosOp>(patterns, converter, errors);
  addUnaryMath<AtanOp, math::AtanOp>(patterns, converter, errors);
  addUnaryMath<SinhOp, math::SinhOp>(patterns, converter, errors);
  addUnaryMath<CoshOp, math::CoshOp>(patterns, converter, errors);
  // The inverse hyperbolic functions through log and sqrt: math.asinh,
  // math.acosh and math.atanh have no vector lowering on the host.
  addElementwise<AsinhOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, AsinhOp, ValueRange a,
         const ScalarContext &c) -> Value {
        // sign(x) * log(|x| + sqrt(x^2 + 1))
        Value one = createScalar(b, loc, c.in.type, 1);
        Value ax = math::AbsFOp::create(b, loc, a[0]);
        Value root = math::SqrtOp::create(
            b, loc,
            arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, ax, ax),
                                  one));
        Value r = math::LogOp::create(b, loc,
                                      arith::AddFOp::create(b, loc, ax, root));
        return math::CopySignOp::create(b, loc, r, a[0]);
      },
      /*floatOnly=*/true);
  addElementwise<AcoshOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, AcoshOp, ValueRange a,
         const ScalarContext &c) -> Value {
        // log(x + sqrt(x^2 - 1))
        Value one = createScalar(b, loc, c.in.type, 1);
        Value root = math::SqrtOp::create(
            b, loc,
            arith::SubFOp::create(
                b, loc, arith::MulFOp::create(b, loc, a[0], a[0]), one));
        return math::LogOp::create(b, loc,
                                   arith::AddFOp::create(b, loc, a[0], root));
      },
      /*floatOnly=*/true);
  addElementwise<AtanhOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, AtanhOp, ValueRange a,
         const ScalarContext &c) -> Value {
        // 0.5 * log1p(2x / (1 - x))
        Value one = createScalar(b, loc, c.in.type, 1);
        Value half = createScalar(b, loc, c.in.type, 0.5);
        Value twoX = arith::AddFOp::create(b, loc, a[0], a[0]);
        Value q = arith::DivFOp::create(
            b, loc, twoX, arith::SubFOp::create(b, loc, one, a[0]));
        return arith::MulFOp::create(b, loc, half,
                                     math::Log1pOp::create(b, loc, q));
      },
      /*floatOnly=*/true);
  addElementwise<IsNaNOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, IsNaNOp, ValueRange a,
         const ScalarContext &) -> Value {
        return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a[0],
                                     a[0]);
      },
      /*floatOnly=*/true);
  addElementwise<IsInfOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, IsInfOp op, ValueRange a,
         const ScalarContext &c) -> Value {
        auto type = cast<FloatType>(c.in.type);
        const llvm::fltSemantics &sem = type.getFloatSemantics();
        Value posInf = arith::ConstantOp::create(
            b, loc, FloatAttr::get(type, APFloat::getInf(sem, false)));
        Value negInf = arith::ConstantOp::create(
            b, loc, FloatAttr::get(type, APFloat::getInf(sem, true)));
        Value result = createScalar(b, loc, b.getI1Type(), 0);
        if (op.getDetectPositive() != 0)
          result = arith::OrIOp::create(
              b, loc, result,
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a[0],
                                    posInf));
        if (op.getDetectNegative() != 0)
          result = arith::OrIOp::create(
              b, loc, result,
              arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, a[0],
                                    negInf));
        return result;
      },
      /*floatOnly=*/true);
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
  addElementwise<SeluOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, SeluOp op, ValueRange a,
         const ScalarContext &c) -> Value {
        Value alpha = createScalar(b, loc, c.in.type, toDouble(op.getAlpha()));
        Value gamma = createScalar(b, loc, c.in.type, toDouble(op.getGamma()));
        Value neg = arith::SubFOp::create(
            b, loc,
            arith::MulFOp::create(b, loc, alpha,
                                  math::ExpOp::create(b, loc, a[0])),
            alpha);
        Value zero = createScalar(b, loc, c.in.type, 0);
        Value positive = arith::CmpFOp::create(
            b, loc, arith::CmpFPredicate::OGT, a[0], zero);
        return arith::MulFOp::create(
            b, loc, gamma,
            arith::SelectOp::create(b, loc, positive, a[0], neg));
      },
      /*floatOnly=*/true);
  addElementwise<CeluOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, CeluOp op, ValueRange a,
         const ScalarContext &c) -> Value {
        Value alpha = createScalar(b, loc, c.in.type, toDouble(op.getAlpha()));
        Value zero = createScalar(b, loc, c.in.type, 0);
        Value one = createScalar(b, loc, c.in.type, 1);
        Value em1 = arith::SubFOp::create(
            b, loc,
            math::ExpOp::create(b, loc,
                                arith::DivFOp::create(b, loc, a[0], alpha)),
            one);
        Value neg = arith::MinimumFOp::create(
            b, loc, zero, arith::MulFOp::create(b, loc, alpha, em1));
        return arith::AddFOp::create(
            b, loc, arith::MaximumFOp::create(b, loc, zero, a[0]), neg);
      },
      /*floatOnly=*/true);
  addElementwise<ThresholdedReluOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, ThresholdedReluOp op, ValueRange a,
         const ScalarContext &c) -> Value {
        Value alpha = createScalar(b, loc, c.in.type, toDouble(op.getAlpha()));
        Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                            a[0], alpha);
        return arith::SelectOp::create(b, loc, above, a[0],
                                       createScalar(b, loc, c.in.type, 0));
      },
      /*floatOnly=*/true);
  addElementwise<SoftsignOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, SoftsignOp, ValueRange a,
         const ScalarContext &c) -> Value {
        Value one = createScalar(b, loc, c.in.type, 1);
        return arith::DivFOp::create(
            b, loc, a[0],
            arith::AddFOp::create(b, loc, one,
                                  math::AbsFOp::create(b, loc, a[0])));
      },
      /*floatOnly=*/true);
  addElementwise<ShrinkOp>(
      patterns, converter, errors,
      [](OpBuilder &b, Location loc, ShrinkOp op, ValueRange a,
         const ScalarContext &c) -> Value {
        double lambd = toDouble(op.getLambd()), bias = toDouble(op.getBias());
        Value x = a[0];
        Value zero = createScalar(b, loc, c.in.type, 0);
        Value biasV = createScalar(b, loc, c.in.type, bias);
        Value hi = createScalar(b, loc, c.in.type, lambd);
        Value below;
        if (c.in.isUnsigned) {
          below = createScalar(b, loc, b.getI1Type(), 0);
        } else {
          Value lo = createScalar(b, loc, c.in.type, -lambd);
          below = compare(b, loc, c.in, x, lo, arith::CmpFPredicate::OLT,
                          arith::CmpIPredicate::slt, arith::CmpIPredicate::ult);
        }
        Value above =
            compare(b, loc, c.in, x, hi, arith::CmpFPredicate::OGT,
                    arith::CmpIPredicate::sgt, arith::CmpIPredicate::ugt);
        Value up = buildAdd(b, loc, c.in, x, biasV);
        Value down = buildSub(b, loc, c.in, x, biasV);
        return arith::SelectOp::create(
            b, loc, below, up,
            arith::SelectOp::create(b, loc, above, down, zero));
      });
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
