//===- Loss.cpp - Lower onnx loss functions ---------------------*- C++ -*-===//
//
// This file implements the lowering of NegativeLogLikelihoodLoss and
// SoftmaxCrossEntropyLoss: a generic over the target picks each sample's
// (weighted, negated) log-probability with tensor.extract, and the sum and
// mean reductions divide by the sum of the picked weights. The softmax cross
// entropy computes the log-softmax over the class dim first.
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

using namespace mlir;
using namespace zellige;
using namespace zellige::onnx_to_linalg;

namespace {

/// The operands and attributes of a negative log-likelihood.
struct NLLParams {
  Value logProb;   ///< (N, C, d1, ...), float
  Value target;    ///< (N, d1, ...), integer
  Value weight;    ///< (C) or null
  ScalarKind kind; ///< of logProb
  ScalarKind targetKind;
  std::optional<int64_t> ignoreIndex;
  StringRef reduction;
};

/// Checks the shapes of `p`; returns an error message or an empty string.
std::string checkNLL(const NLLParams &p, RankedTensorType resultType) {
  auto inType = cast<RankedTensorType>(p.logProb.getType());
  auto targetType = cast<RankedTensorType>(p.target.getType());
  if (inType.getRank() < 2)
    return "expected an input of rank 2 or more";
  if (targetType.getRank() != inType.getRank() - 1 ||
      targetType.getDimSize(0) != inType.getDimSize(0) ||
      targetType.getShape().drop_front() != inType.getShape().drop_front(2))
    return "target shape does not match the input";
  if (p.weight && cast<RankedTensorType>(p.weight.getType()).getShape() !=
                      ArrayRef<int64_t>{inType.getDimSize(1)})
    return "weight must have one element per class";
  if (p.reduction != "none" && p.reduction != "sum" && p.reduction != "mean")
    return ("unsupported reduction '" + p.reduction + "'").str();
  if (p.reduction == "none" ? resultType.getShape() != targetType.getShape()
                            : resultType.getRank() != 0)
    return "result type does not match the reduction";
  return "";
}

/// Builds the loss of `p` as `resultType`.
Value buildNLL(OpBuilder &b, Location loc, const NLLParams &p,
               RankedTensorType resultType) {
  auto inType = cast<RankedTensorType>(p.logProb.getType());
  auto targetType = cast<RankedTensorType>(p.target.getType());
  int64_t rank = targetType.getRank();
  int64_t classes = inType.getDimSize(1);
  ScalarKind kind = p.kind;
  auto lossType = RankedTensorType::get(targetType.getShape(), kind.type);

  // The class of each sample, its weight (0 when ignored) and whether to
  // produce the loss or the weight.
  auto pick = [&](bool wantLoss) {
    return buildElementwise(
        b, loc, lossType, p.target,
        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
          Value t =
              convertScalar(nb, l, a[0], p.targetKind, nb.getI64Type(), false);
          Value ignored = createScalar(nb, l, nb.getI1Type(), 0);
          if (p.ignoreIndex)
            ignored = arith::CmpIOp::create(
                nb, l, arith::CmpIPredicate::eq, t,
                createScalar(nb, l, nb.getI64Type(),
                             static_cast<double>(*p.ignoreIndex)));
          Value idx = arith::IndexCastOp::create(nb, l, nb.getIndexType(), t);
          Value zero = arith::ConstantIndexOp::create(nb, l, 0);
          Value last = arith::ConstantIndexOp::create(nb, l, classes - 1);
          idx = arith::MinSIOp::create(
              nb, l, arith::MaxSIOp::create(nb, l, idx, zero), last);
          Value w = createScalar(nb, l, kind.type, 1);
          if (p.weight)
            w = tensor::ExtractOp::create(nb, l, p.weight, ValueRange{idx});
          w = arith::SelectOp::create(nb, l, ignored,
                                      createScalar(nb, l, kind.type, 0), w);
          if (!wantLoss)
            return w;
          SmallVector<Value> coords{linalg::IndexOp::create(nb, l, 0), idx};
          for (int64_t d = 1; d < rank; ++d)
            coords.push_back(linalg::IndexOp::create(nb, l, d));
          Value v = tensor::ExtractOp::create(nb, l, p.logProb, coords);
          Value loss =
              arith::NegFOp::create(nb, l, arith::MulFOp::create(nb, l, v, w));
          return arith::SelectOp::create(
              nb, l, ignored, createScalar(nb, l, kind.type, 0), loss);
        });
  };
  Value loss = pick(true);
  if (p.reduction == "none")
    return loss;
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < rank; ++d)
    all.push_back(d);
  auto sum = [&](Value v) {
    return buildReduction(b, loc, targetType.getShape(), all, kind.type,
                          createScalar(b, loc, kind.type, 0), v,
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            return buildAdd(nb, l, kind, a[0], a[1]);
                          });
  };
  Value total = sum(loss);
  if (p.reduction == "sum")
    return reshapeTo(b, loc, total, resultType);
  // Without weights or an ignored class every sample weighs 1: divide by
  // the sample count.
  Value weights =
      p.weight || p.ignoreIndex
          ? sum(pick(false))
          : arith::ConstantOp::create(
                b, loc,
                DenseElementsAttr::get(
                    RankedTensorType::get({}, kind.type),
                    ArrayRef<Attribute>{b.getFloatAttr(
                        kind.type,
                        static_cast<double>(targetType.getNumElements()))}));
  return buildElementwise(b, loc, resultType, ValueRange{total, weights},
                          [](OpBuilder &nb, Location l, ValueRange a) -> Value {
                            return arith::DivFOp::create(nb, l, a[0], a[1]);
                          });
}

struct NLLLowering : ONNXLowering<ONNX::NegativeLogLikelihoodLossOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::NegativeLogLikelihoodLossOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    NLLParams p;
    p.logProb = adaptor.getInput();
    p.target = adaptor.getTarget();
    p.weight = isNoValue(op.getWeight()) ? Value() : adaptor.getWeight();
    p.kind = kindOf(op.getInput().getType());
    p.targetKind = kindOf(op.getTarget().getType());
    if (auto ii = op.getIgnoreIndex())
      p.ignoreIndex = static_cast<int64_t>(*ii);
    p.reduction = op.getReduction();
    RankedTensorType resultType = convertType(op.getType());
    std::string error = checkNLL(p, resultType);
    if (!error.empty())
      return fail(op, error);
    rewriter.replaceOp(op, buildNLL(rewriter, op.getLoc(), p, resultType));
    return success();
  }
};

/// SoftmaxCrossEntropyLoss: log-softmax over dim 1, then the negative
/// log-likelihood; the optional second result is the log-softmax.
struct SCELowering : ONNXLowering<ONNX::SoftmaxCrossEntropyLossOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::SoftmaxCrossEntropyLossOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value scores = adaptor.getScores();
    auto type = cast<RankedTensorType>(scores.getType());
    int64_t rank = type.getRank();
    ScalarKind kind = kindOf(op.getScores().getType());
    if (rank < 2)
      return fail(op, "expected scores of rank 2 or more");
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<int64_t> dims{1};
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reducedMap = getReducedMap(ctx, rank, dims);
    Value max = buildReduction(rewriter, loc, type.getShape(), dims, kind.type,
                               createLowest(rewriter, loc, kind), scores,
                               [&](OpBuilder &b, Location l, ValueRange a) {
                                 return buildMax(b, l, kind, a[0], a[1]);
                               });
    Value sum = buildReduction(
        rewriter, loc, type.getShape(), dims, kind.type,
        createScalar(rewriter, loc, kind.type, 0), ValueRange{scores, max},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value e = math::ExpOp::create(
              b, l, arith::SubFOp::create(b, l, a[0], a[1]));
          return arith::AddFOp::create(b, l, e, a[2]);
        },
        {id, reducedMap});
    Value logProb = buildElementwise(
        rewriter, loc, type, ValueRange{scores, max, sum},
        [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value shifted = arith::SubFOp::create(b, l, a[0], a[1]);
          return arith::SubFOp::create(b, l, shifted,
                                       math::LogOp::create(b, l, a[2]));
        },
        {id, reducedMap, reducedMap});

    NLLParams p;
    p.logProb = logProb;
    p.target = adaptor.getLabels();
    p.weight = isNoValue(op.getWeights()) ? Value() : adaptor.getWeights();
    p.kind = kind;
    p.targetKind = kindOf(op.getLabels().getType());
    if (auto ii = op.getIgnoreIndex())
      p.ignoreIndex = static_cast<int64_t>(*ii);
    p.reduction = op.getReduction();
    RankedTensorType resultType = convertType(op.getOutput().getType());
    std::string error = checkNLL(p, resultType);
    if (!error.empty())
      return fail(op, error);
    Value loss = buildNLL(rewriter, loc, p, resultType);
    if (op->getNumResults() > 1 && !op->getResult(1).use_empty())
      rewriter.replaceOp(op, ValueRange{loss, logProb});
    else
      replaceLeadingResults(rewriter, op, loss);
    return success();
  }
};

} // namespace

void zellige::onnx_to_linalg::populateLossPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    ErrorState &errors) {
  patterns.add<NLLLowering, SCELowering>(converter, patterns.getContext(),
                                         errors);
}
