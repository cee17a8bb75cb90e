//===- MatMul.cpp - Lower onnx MatMul and Gemm ------------------*- C++ -*-===//
//
// This file implements the lowering of onnx.MatMul (1-D, 2-D and batched
// with broadcasting) to linalg.matmul / linalg.batch_matmul with reshapes
// around them, and of onnx.Gemm to transposes, linalg.matmul and one
// elementwise epilogue for alpha, beta and the broadcast C, and of
// onnx.Einsum to one linalg.generic whose loops are the equation's letters
// (output letters parallel, the others reductions).
//
//===----------------------------------------------------------------------===//

#include "ONNXToLinalgCommon.h"

#include <map>

using namespace mlir;
using namespace zellige;
using namespace zellige::onnx_to_linalg;

namespace {

int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Returns linalg.matmul(lhs, rhs) accumulated into zeros.
Value buildMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                  Type elementType) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  auto type = RankedTensorType::get(
      {lhsType.getDimSize(0), rhsType.getDimSize(1)}, elementType);
  Value init = createFilled(b, loc, type, createScalar(b, loc, elementType, 0));
  return linalg::MatmulOp::create(b, loc, TypeRange{type}, ValueRange{lhs, rhs},
                                  ValueRange{init})
      .getResult(0);
}

struct MatMulLowering : ONNXLowering<ONNX::MatMulOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::MatMulOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getA(), rhs = adaptor.getB();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    RankedTensorType resultType = convertType(op.getType());
    Type elementType = resultType.getElementType();
    if (lhsType.getRank() == 0 || rhsType.getRank() == 0)
      return fail(op, "unsupported rank-0 operand");

    // Promote 1-D operands to matrices: [K] -> [1, K] and [K] -> [K, 1].
    SmallVector<int64_t> lhsShape(lhsType.getShape());
    SmallVector<int64_t> rhsShape(rhsType.getShape());
    bool lhsVector = lhsShape.size() == 1, rhsVector = rhsShape.size() == 1;
    if (lhsVector)
      lhsShape.insert(lhsShape.begin(), 1);
    if (rhsVector)
      rhsShape.push_back(1);
    int64_t m = lhsShape[lhsShape.size() - 2], k = lhsShape.back();
    int64_t n = rhsShape.back();
    if (rhsShape[rhsShape.size() - 2] != k)
      return fail(op, "contraction dimensions differ: " + Twine(k) + " vs " +
                          Twine(rhsShape[rhsShape.size() - 2]));
    ArrayRef<int64_t> lhsBatch = ArrayRef(lhsShape).drop_back(2);
    ArrayRef<int64_t> rhsBatch = ArrayRef(rhsShape).drop_back(2);
    std::optional<SmallVector<int64_t>> batch =
        broadcastShapes(lhsBatch, rhsBatch);
    if (!batch)
      return fail(op, "batch dimensions do not broadcast");
    SmallVector<int64_t> expected(*batch);
    if (!lhsVector)
      expected.push_back(m);
    if (!rhsVector)
      expected.push_back(n);
    if (ArrayRef(expected) != resultType.getShape())
      return fail(op, "result type " + typeString(op.getType()) +
                          " does not match the operands");

    lhs = reshapeTo(rewriter, loc, lhs,
                    RankedTensorType::get(lhsShape, elementType));
    rhs = reshapeTo(rewriter, loc, rhs,
                    RankedTensorType::get(rhsShape, elementType));
    SmallVector<int64_t> fullShape(*batch);
    fullShape.append({m, n});
    Value result;
    if (batch->empty()) {
      result = buildMatmul(rewriter, loc, lhs, rhs, elementType);
    } else if (rhsBatch.empty()) {
      // [batch..., M, K] x [K, N]: one matmul on the collapsed rows.
      int64_t rows = product(*batch) * m;
      Value flat = reshapeTo(rewriter, loc, lhs,
                             RankedTensorType::get({rows, k}, elementType));
      result = buildMatmul(rewriter, loc, flat, rhs, elementType);
    } else {
      // Broadcast both operands to the full batch, collapse it to one
      // dimension and use linalg.batch_matmul.
      int64_t batchSize = product(*batch);
      auto broadcastTo = [&](Value value, ArrayRef<int64_t> shape) {
        SmallVector<int64_t> full(*batch);
        full.append(shape.end() - 2, shape.end());
        auto fullType = RankedTensorType::get(full, elementType);
        if (ArrayRef(full) != shape)
          value = buildElementwise(
              rewriter, loc, fullType, value,
              [](OpBuilder &, Location, ValueRange args) { return args[0]; });
        return reshapeTo(
            rewriter, loc, value,
            RankedTensorType::get(
                {batchSize, full[full.size() - 2], full.back()}, elementType));
      };
      Value lhs3 = broadcastTo(lhs, lhsShape);
      Value rhs3 = broadcastTo(rhs, rhsShape);
      auto type = RankedTensorType::get({batchSize, m, n}, elementType);
      Value init = createFilled(rewriter, loc, type,
                                createScalar(rewriter, loc, elementType, 0));
      result = linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{type},
                                             ValueRange{lhs3, rhs3},
                                             ValueRange{init})
                   .getResult(0);
    }
    result = reshapeTo(rewriter, loc, result,
                       RankedTensorType::get(fullShape, elementType));
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, result, resultType));
    return success();
  }
};

struct GemmLowering : ONNXLowering<ONNX::GemmOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::GemmOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = convertType(op.getType());
    ScalarKind kind = kindOf(op.getType());
    auto lhsType = cast<RankedTensorType>(adaptor.getA().getType());
    auto rhsType = cast<RankedTensorType>(adaptor.getB().getType());
    if (lhsType.getRank() != 2 || rhsType.getRank() != 2)
      return fail(op, "expected 2-D A and B");
    bool transA = op.getTransA() != 0, transB = op.getTransB() != 0;
    int64_t m = lhsType.getDimSize(transA ? 1 : 0);
    int64_t k = lhsType.getDimSize(transA ? 0 : 1);
    int64_t kB = rhsType.getDimSize(transB ? 1 : 0);
    int64_t n = rhsType.getDimSize(transB ? 0 : 1);
    if (k != kB)
      return fail(op, "contraction dimensions differ: " + Twine(k) + " vs " +
                          Twine(kB));
    if (resultType.getShape() != ArrayRef<int64_t>{m, n})
      return fail(op, "result type " + typeString(op.getType()) +
                          " does not match the operands");
    double alpha = op.getAlpha().convertToFloat();
    double beta = op.getBeta().convertToFloat();
    bool hasC = !isNoValue(op.getC());
    if (!kind.isFloat() && (alpha != 1.0 || (hasC && beta != 1.0)))
      return fail(op, "unsupported alpha/beta other than 1 on integers");
    if (hasC) {
      auto cType = cast<RankedTensorType>(adaptor.getC().getType());
      auto shape = broadcastShapes(cType.getShape(), resultType.getShape());
      if (cType.getRank() > 2 || !shape ||
          ArrayRef(*shape) != resultType.getShape())
        return fail(op, "C of type " + typeString(op.getC().getType()) +
                            " does not broadcast to the result");
    }

    Value lhs = adaptor.getA(), rhs = adaptor.getB();
    if (transA)
      lhs = transposeTensor(rewriter, loc, lhs, {1, 0});
    if (transB)
      rhs = transposeTensor(rewriter, loc, rhs, {1, 0});
    Value product =
        buildMatmul(rewriter, loc, lhs, rhs, resultType.getElementType());
    if (!hasC && alpha == 1.0) {
      rewriter.replaceOp(op, product);
      return success();
    }
    SmallVector<Value> inputs{product};
    if (hasC)
      inputs.push_back(adaptor.getC());
    Value result = buildElementwise(
        rewriter, loc, resultType, inputs,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value acc = args[0];
          if (alpha != 1.0)
            acc =
                buildMul(b, l, kind, createScalar(b, l, kind.type, alpha), acc);
          if (!hasC)
            return acc;
          Value c = args[1];
          if (beta != 1.0)
            c = buildMul(b, l, kind, createScalar(b, l, kind.type, beta), c);
          return buildAdd(b, l, kind, acc, c);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

namespace {

/// Einsum: each distinct letter is one loop; an input reads its letters'
/// loops (a repeated letter takes a diagonal), the output is indexed by the
/// output letters and accumulates the product of the inputs.
struct EinsumLowering : ONNXLowering<ONNX::EinsumOp> {
  using ONNXLowering::ONNXLowering;
  LogicalResult lower(ONNX::EinsumOp op, Adaptor adaptor,
                      ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = convertType(op.getType());
    ScalarKind kind = kindOf(op.getType());
    std::string equation;
    for (char ch : op.getEquation())
      if (ch != ' ')
        equation.push_back(ch);
    StringRef eq(equation);
    auto [lhs, rhsPart] = eq.split("->");
    bool explicitOutput = eq.contains("->");
    SmallVector<StringRef> terms;
    lhs.split(terms, ',');
    ValueRange inputs = adaptor.getInputs();
    if (terms.size() != inputs.size())
      return fail(op, "equation has " + Twine(terms.size()) +
                          " input terms for " + Twine(inputs.size()) +
                          " inputs");

    // Expand "..." into fresh upper-case letters (right-aligned).
    int64_t ellipsisRank = 0;
    SmallVector<std::string> inLetters;
    for (auto [term, input] : llvm::zip(terms, inputs)) {
      int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
      size_t dots = term.find("...");
      int64_t named =
          static_cast<int64_t>(term.size()) - (dots == StringRef::npos ? 0 : 3);
      if (dots != StringRef::npos)
        ellipsisRank = std::max(ellipsisRank, rank - named);
      else if (named != rank)
        return fail(op, "term '" + term + "' does not match the rank " +
                            Twine(rank));
    }
    auto expand = [&](StringRef term, int64_t rank) -> std::string {
      size_t dots = term.find("...");
      if (dots == StringRef::npos)
        return term.str();
      int64_t fill = rank - (static_cast<int64_t>(term.size()) - 3);
      std::string out = term.substr(0, dots).str();
      for (int64_t i = ellipsisRank - fill; i < ellipsisRank; ++i)
        out.push_back(static_cast<char>('A' + i));
      out += term.substr(dots + 3).str();
      return out;
    };
    for (auto [term, input] : llvm::zip(terms, inputs))
      inLetters.push_back(
          expand(term, cast<RankedTensorType>(input.getType()).getRank()));
    std::string outLetters;
    if (explicitOutput) {
      outLetters = expand(rhsPart, resultType.getRank());
    } else {
      // Implicit output: the ellipsis, then letters used once, sorted.
      for (int64_t i = 0; i < ellipsisRank; ++i)
        outLetters.push_back(static_cast<char>('A' + i));
      std::map<char, int> counts;
      for (const std::string &t : inLetters)
        for (char ch : t)
          if (ch >= 'a' && ch <= 'z')
            ++counts[ch];
      for (auto [ch, n] : counts)
        if (n == 1)
          outLetters.push_back(ch);
    }

    // Loops: output letters first, then the summed ones; sizes from inputs.
    std::string loops = outLetters;
    std::map<char, int64_t> sizes;
    for (auto [letters, input] : llvm::zip(inLetters, inputs)) {
      auto type = cast<RankedTensorType>(input.getType());
      for (auto [i, ch] : llvm::enumerate(letters)) {
        int64_t size = type.getDimSize(i);
        auto [it, inserted] = sizes.try_emplace(ch, size);
        if (!inserted && it->second != size) {
          if (it->second == 1)
            it->second = size;
          else if (size != 1)
            return fail(op,
                        "letter '" + Twine(ch) + "' has inconsistent sizes");
        }
        if (loops.find(ch) == std::string::npos)
          loops.push_back(ch);
      }
    }
    if (static_cast<int64_t>(outLetters.size()) != resultType.getRank())
      return fail(op, "output term does not match the result rank");
    for (auto [i, ch] : llvm::enumerate(outLetters)) {
      auto it = sizes.find(ch);
      if (it == sizes.end() || it->second != resultType.getDimSize(i))
        return fail(op, "result type " + typeString(op.getType()) +
                            " does not match the equation");
    }

    MLIRContext *ctx = rewriter.getContext();
    int64_t numLoops = static_cast<int64_t>(loops.size());
    auto mapOf = [&](StringRef letters, ArrayRef<int64_t> shape) {
      SmallVector<AffineExpr> exprs;
      for (auto [i, ch] : llvm::enumerate(letters)) {
        // Size-1 dims broadcast against a larger loop.
        if (!shape.empty() && shape[i] == 1 && sizes[ch] != 1)
          exprs.push_back(getAffineConstantExpr(0, ctx));
        else
          exprs.push_back(
              getAffineDimExpr(static_cast<int64_t>(loops.find(ch)), ctx));
      }
      return AffineMap::get(numLoops, 0, exprs, ctx);
    };
    SmallVector<AffineMap> maps;
    for (auto [letters, input] : llvm::zip(inLetters, inputs))
      maps.push_back(
          mapOf(letters, cast<RankedTensorType>(input.getType()).getShape()));
    maps.push_back(mapOf(outLetters, {}));
    SmallVector<utils::IteratorType> iterators;
    for (int64_t i = 0; i < numLoops; ++i)
      iterators.push_back(i < static_cast<int64_t>(outLetters.size())
                              ? utils::IteratorType::parallel
                              : utils::IteratorType::reduction);
    Value init = createFilled(rewriter, loc, resultType,
                              createScalar(rewriter, loc, kind.type, 0));
    Value result = linalg::GenericOp::create(
                       rewriter, loc, TypeRange{resultType}, inputs,
                       ValueRange{init}, maps, iterators,
                       [&](OpBuilder &b, Location l, ValueRange a) {
                         Value product = a[0];
                         for (Value v : a.drop_front().drop_back())
                           product = buildMul(b, l, kind, product, v);
                         linalg::YieldOp::create(
                             b, l, buildAdd(b, l, kind, a.back(), product));
                       })
                       .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void zellige::onnx_to_linalg::populateMatMulPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    ErrorState &errors) {
  patterns.add<MatMulLowering, GemmLowering, EinsumLowering>(
      converter, patterns.getContext(), errors);
}
