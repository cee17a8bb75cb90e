//===- Vectorize.cpp - Vector loads and stores per thread -------*- C++ -*-===//
//
// This file implements zellige-gpu-vectorize (see Passes.td), a small loop
// vectorizer for the innermost loops of each thread's work. The linalg
// operations in the thread loop are lowered to loops first (contractions
// with their reduction loops outermost: C[i, j] += A[i, k] * B[k, j] runs j
// innermost), and views are folded into the loads and stores, so that every
// access is a load or store of a whole buffer (a dispatch argument or an
// allocation) whose indices are affine in the loop's induction variable. An
// innermost loop is vectorized when every access either does not depend on
// the induction variable (a load, kept scalar and broadcast) or moves along
// the innermost dimension of its buffer with it (a vector.load or
// vector.store), every other op depending on it is elementwise, and every
// buffer it stores to is read and written at the same place only.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "zellige-gpu-vectorize"

namespace zellige {
namespace gpu_codegen {
#define GEN_PASS_DEF_GPUVECTORIZE
#include "zellige/Codegen/GPU/Passes.h.inc"
} // namespace gpu_codegen
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::gpu_codegen;

namespace {

/// Whether `op` is nested in a thread-mapped scf.forall.
bool inThreadLoop(Operation *op) {
  for (auto forall = op->getParentOfType<scf::ForallOp>(); forall;
       forall = forall->getParentOfType<scf::ForallOp>()) {
    std::optional<ArrayAttr> mapping = forall.getMapping();
    if (mapping && !mapping->empty() &&
        isa<gpu::GPUThreadMappingAttr>(mapping->getValue().front()))
      return true;
  }
  return false;
}

/// Whether `type` may be the element type of a vector in the kernel form.
bool isVectorElement(Type type) {
  return type.isF16() || type.isF32() || type.isF64() ||
         type.isSignlessInteger(1) || type.isSignlessInteger(8) ||
         type.isSignlessInteger(16) || type.isSignlessInteger(32) ||
         type.isSignlessInteger(64);
}

/// Whether vectors of `type` may be loaded and stored: not i1, which a
/// buffer holds one byte per element but an LLVM vector packs into bits.
bool isVectorMemoryElement(Type type) {
  return isVectorElement(type) && !type.isSignlessInteger(1);
}

/// Whether `value` is a buffer of the thread's own.
bool isPrivate(Value value) {
  return value.getDefiningOp<memref::AllocOp>() ||
         value.getDefiningOp<memref::AllocaOp>();
}

/// Lowers linalg op `op` (on buffers) to loops and erases it.
LogicalResult lowerOpToLoops(RewriterBase &rewriter, Operation *op) {
  rewriter.setInsertionPoint(op);
  if (failed(linalg::linalgOpToLoops(rewriter, cast<linalg::LinalgOp>(op))))
    return op->emitError("GPU target: cannot lower to loops");
  rewriter.eraseOp(op);
  return success();
}

/// Lowers `op` (on buffers) to loops. A contraction first becomes a loop
/// nest over its reduction loops around a copy of itself that reduces one
/// step, so that its parallel loops end up innermost; it accumulates in a
/// buffer of the thread's own (copied in before and out after) when its
/// output is not one already.
LogicalResult lowerToLoops(RewriterBase &rewriter, linalg::LinalgOp op) {
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  bool outerProducts =
      linalg::isaContractionOpInterface(op) && !reductions.empty() &&
      op.getNumDpsInits() == 1 &&
      llvm::none_of(ranges, ShapedType::isDynamic) &&
      llvm::all_of(op.getIndexingMapsArray(),
                   [](AffineMap map) { return map.isProjectedPermutation(); });
  if (!outerProducts)
    return lowerOpToLoops(rewriter, op);

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Operation *> steps;
  Value init = op.getDpsInitOperand(0)->get();
  Value accumulator = init;
  auto initType = dyn_cast<MemRefType>(init.getType());
  if (!initType || !initType.hasStaticShape())
    return lowerOpToLoops(rewriter, op);
  if (!isPrivate(init)) {
    accumulator = memref::AllocOp::create(
        rewriter, loc,
        MemRefType::get(initType.getShape(), initType.getElementType()));
    steps.push_back(linalg::CopyOp::create(rewriter, loc, init, accumulator));
  }
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  SmallVector<Value> lbs(reductions.size(), zero);
  SmallVector<Value> unitSteps(reductions.size(), one);
  SmallVector<Value> ubs;
  for (unsigned d : reductions)
    ubs.push_back(arith::ConstantIndexOp::create(rewriter, loc, ranges[d]));
  scf::buildLoopNest(
      rewriter, loc, lbs, ubs, unitSteps,
      [&](OpBuilder &b, Location l, ValueRange ivs) {
        SmallVector<Value> operands;
        for (OpOperand &operand : op->getOpOperands()) {
          Value value = operand.get();
          if (op.isDpsInit(&operand)) {
            operands.push_back(accumulator);
            continue;
          }
          auto type = dyn_cast<MemRefType>(value.getType());
          if (!type) {
            operands.push_back(value);
            continue;
          }
          SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes =
              getAsIndexOpFoldResult(b.getContext(), type.getShape());
          SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
          bool sliced = false;
          AffineMap map = op.getMatchingIndexingMap(&operand);
          for (auto [r, expr] : llvm::enumerate(map.getResults())) {
            unsigned dim = cast<AffineDimExpr>(expr).getPosition();
            auto it = llvm::find(reductions, dim);
            if (it == reductions.end())
              continue;
            offsets[r] = ivs[it - reductions.begin()];
            sizes[r] = b.getIndexAttr(1);
            sliced = true;
          }
          if (sliced)
            value =
                memref::SubViewOp::create(b, l, value, offsets, sizes, strides);
          operands.push_back(value);
        }
        Operation *step = b.clone(*op);
        step->setOperands(operands);
        steps.push_back(step);
      });
  if (accumulator != init)
    steps.push_back(linalg::CopyOp::create(rewriter, loc, accumulator, init));
  rewriter.eraseOp(op);
  for (Operation *step : steps)
    if (failed(lowerOpToLoops(rewriter, step)))
      return failure();
  return success();
}

/// Folds views into loads and stores, drops single-iteration loops and
/// merges equal index computations.
void simplify(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  RewritePatternSet patterns(ctx);
  memref::populateFoldMemRefAliasOpPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    if (isa<scf::SCFDialect, arith::ArithDialect, affine::AffineDialect,
            memref::MemRefDialect>(&op.getDialect()))
      op.getCanonicalizationPatterns(patterns, ctx);
  // Not converging leaves valid, only less simplified, IR: loops that stay
  // scalar.
  (void)applyPatternsGreedily(func, std::move(patterns));
  IRRewriter rewriter(ctx);
  DominanceInfo dominance(func);
  eliminateCommonSubExpressions(rewriter, dominance, func);
}

/// Vectorizes one innermost loop `width` iterations at a time.
class LoopVectorizer {
public:
  LoopVectorizer(scf::ForOp loop, int64_t width) : loop(loop), width(width) {}

  /// Whether the loop can run on vectors; records what becomes a vector op.
  bool analyze();
  /// Rewrites the loop (after a successful analyze()).
  void rewrite(RewriterBase &rewriter);

private:
  bool isVarying(Value value);
  std::optional<int64_t> coefficient(Value value);
  /// Whether an access to `memref` at `indices` can be vectorized; sets
  /// `contiguous` when it moves along the innermost dimension with the loop
  /// (otherwise it does not move at all).
  bool checkAccess(Value memref, ValueRange indices, bool &contiguous);

  scf::ForOp loop;
  int64_t width;
  DenseMap<Value, bool> varying;
  DenseMap<Value, std::optional<int64_t>> coefficients;
  /// Contiguous loads and the elementwise ops that depend on the loop.
  DenseSet<Operation *> vectorized;
};

bool LoopVectorizer::isVarying(Value value) {
  if (value == loop.getInductionVar())
    return true;
  Operation *def = value.getDefiningOp();
  if (!def || !loop->isProperAncestor(def))
    return false;
  auto it = varying.find(value);
  if (it != varying.end())
    return it->second;
  bool result = llvm::any_of(def->getOperands(),
                             [&](Value operand) { return isVarying(operand); });
  varying[value] = result;
  return result;
}

std::optional<int64_t> LoopVectorizer::coefficient(Value value) {
  if (value == loop.getInductionVar())
    return 1;
  if (!isVarying(value))
    return 0;
  auto it = coefficients.find(value);
  if (it != coefficients.end())
    return it->second;
  std::optional<int64_t> result;
  Operation *def = value.getDefiningOp();
  if (auto apply = dyn_cast<affine::AffineApplyOp>(def)) {
    // The change of the result when one operand grows by one, times the
    // change of that operand per iteration.
    AffineMap map = apply.getAffineMap();
    AffineExpr expr = map.getResult(0);
    int64_t total = 0;
    bool linear = true;
    for (auto [i, operand] : llvm::enumerate(apply.getMapOperands())) {
      std::optional<int64_t> c = coefficient(operand);
      if (!c) {
        linear = false;
        break;
      }
      if (*c == 0)
        continue;
      AffineExpr x =
          i < map.getNumDims()
              ? getAffineDimExpr(i, def->getContext())
              : getAffineSymbolExpr(i - map.getNumDims(), def->getContext());
      AffineExpr delta = simplifyAffineExpr(
          expr.replace(x, x + 1) - expr, map.getNumDims(), map.getNumSymbols());
      auto constant = dyn_cast<AffineConstantExpr>(delta);
      if (!constant) {
        linear = false;
        break;
      }
      total += constant.getValue() * *c;
    }
    if (linear)
      result = total;
  } else if (isa<arith::AddIOp, arith::SubIOp>(def)) {
    std::optional<int64_t> lhs = coefficient(def->getOperand(0));
    std::optional<int64_t> rhs = coefficient(def->getOperand(1));
    if (lhs && rhs)
      result = isa<arith::AddIOp>(def) ? *lhs + *rhs : *lhs - *rhs;
  } else if (isa<arith::MulIOp>(def)) {
    APInt factor;
    for (unsigned i = 0; i < 2 && !result; ++i)
      if (matchPattern(def->getOperand(i), m_ConstantInt(&factor)))
        if (std::optional<int64_t> c = coefficient(def->getOperand(1 - i)))
          result = factor.getSExtValue() * *c;
  }
  coefficients[value] = result;
  return result;
}

bool LoopVectorizer::checkAccess(Value memref, ValueRange indices,
                                 bool &contiguous) {
  // A whole buffer: no view left whose layout could hide a stride.
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type || type.getRank() == 0 || !type.getLayout().isIdentity() ||
      isVarying(memref))
    return false;
  if (!isa<BlockArgument>(memref) && !memref.getDefiningOp<memref::AllocOp>() &&
      !memref.getDefiningOp<memref::AllocaOp>())
    return false;
  for (Value index : indices.drop_back()) {
    std::optional<int64_t> c = coefficient(index);
    if (!c || *c != 0)
      return false;
  }
  std::optional<int64_t> c = coefficient(indices.back());
  if (!c || (*c != 0 && *c != 1))
    return false;
  contiguous = *c == 1;
  return true;
}

bool LoopVectorizer::analyze() {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound());
  std::optional<int64_t> ub = getConstantIntValue(loop.getUpperBound());
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!loop.getInitArgs().empty() || !lb || !ub || !step || *step != 1 ||
      *ub - *lb < width || (*ub - *lb) % width != 0)
    return false;

  // Accesses per buffer, and the buffers the loop stores to.
  llvm::MapVector<Value, SmallVector<Operation *>> accesses;
  llvm::SetVector<Value> stored;
  for (Operation &op : loop.getBody()->without_terminator()) {
    bool contiguous = false;
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      if (!checkAccess(load.getMemRef(), load.getIndices(), contiguous))
        return false;
      if (contiguous) {
        if (!isVectorMemoryElement(load.getType()))
          return false;
        vectorized.insert(&op);
      }
      accesses[load.getMemRef()].push_back(&op);
      continue;
    }
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      if (!checkAccess(store.getMemRef(), store.getIndices(), contiguous) ||
          !contiguous ||
          !isVectorMemoryElement(store.getValueToStore().getType()))
        return false;
      accesses[store.getMemRef()].push_back(&op);
      stored.insert(store.getMemRef());
      continue;
    }
    if (op.getNumRegions() != 0 || !isMemoryEffectFree(&op))
      return false;
    if (llvm::none_of(op.getOperands(),
                      [&](Value operand) { return isVarying(operand); }))
      continue;
    // Index arithmetic stays scalar: it computes the first lane's indices.
    // (Vector ops take no index operands, so its results only reach
    // indices.)
    if (llvm::all_of(op.getResultTypes(),
                     [](Type type) { return type.isIndex(); }))
      continue;
    if (!OpTrait::hasElementwiseMappableTraits(&op) ||
        !llvm::all_of(op.getOperandTypes(), isVectorElement) ||
        !llvm::all_of(op.getResultTypes(), isVectorElement))
      return false;
    vectorized.insert(&op);
  }
  // Lanes run in lockstep: a buffer the loop writes may only be accessed
  // where each iteration writes it.
  for (Value buffer : stored) {
    ArrayRef<Operation *> ops = accesses[buffer];
    auto indicesOf = [](Operation *op) -> ValueRange {
      if (auto load = dyn_cast<memref::LoadOp>(op))
        return load.getIndices();
      return cast<memref::StoreOp>(op).getIndices();
    };
    for (Operation *op : ops.drop_front())
      if (!llvm::equal(indicesOf(op), indicesOf(ops.front())))
        return false;
  }
  return true;
}

void LoopVectorizer::rewrite(RewriterBase &rewriter) {
  rewriter.setInsertionPoint(loop);
  Value step = arith::ConstantIndexOp::create(rewriter, loop.getLoc(), width);
  rewriter.modifyOpInPlace(loop, [&] { loop.getStepMutable().assign(step); });

  IRMapping vectors;
  auto vectorOf = [&](Value value) -> Value {
    if (Value vector = vectors.lookupOrNull(value))
      return vector;
    return vector::BroadcastOp::create(
        rewriter, value.getLoc(), VectorType::get({width}, value.getType()),
        value);
  };
  SmallVector<Operation *> replaced;
  for (Operation &op : loop.getBody()->without_terminator()) {
    rewriter.setInsertionPoint(&op);
    if (auto store = dyn_cast<memref::StoreOp>(op)) {
      vector::StoreOp::create(rewriter, store.getLoc(),
                              vectorOf(store.getValueToStore()),
                              store.getMemRef(), store.getIndices());
      replaced.push_back(&op);
      continue;
    }
    if (!vectorized.contains(&op))
      continue;
    replaced.push_back(&op);
    if (auto load = dyn_cast<memref::LoadOp>(op)) {
      Value vector = vector::LoadOp::create(
          rewriter, load.getLoc(), VectorType::get({width}, load.getType()),
          load.getMemRef(), load.getIndices());
      vectors.map(load.getResult(), vector);
      continue;
    }
    SmallVector<Value> operands =
        llvm::map_to_vector(op.getOperands(), vectorOf);
    Operation *vectorOp = rewriter.clone(op);
    vectorOp->setOperands(operands);
    for (auto [result, vectorResult] :
         llvm::zip(op.getResults(), vectorOp->getResults())) {
      vectorResult.setType(VectorType::get({width}, result.getType()));
      vectors.map(result, vectorResult);
    }
  }
  for (Operation *op : llvm::reverse(replaced))
    rewriter.eraseOp(op);
}

struct GPUVectorizePass
    : public gpu_codegen::impl::GPUVectorizeBase<GPUVectorizePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    auto attr = func->getAttrOfType<IntegerAttr>(kVectorAttrName);
    if (func.isExternal() || !attr)
      return;
    func->removeAttr(kVectorAttrName);
    int64_t width = attr.getInt();
    if (width != 1 && !llvm::is_contained({2, 4, 8, 16}, width)) {
      func.emitError() << "GPU target: vector width " << width
                       << " is not 1, 2, 4, 8 or 16";
      return signalPassFailure();
    }

    // Each thread's work as loops.
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() && inThreadLoop(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops)
      if (failed(lowerToLoops(rewriter, op)))
        return signalPassFailure();
    if (width == 1)
      return;
    simplify(func);
    SmallVector<scf::ForOp> loops;
    func.walk([&](scf::ForOp loop) {
      bool innermost = true;
      loop.getBody()->walk([&](scf::ForOp) { innermost = false; });
      if (innermost && inThreadLoop(loop))
        loops.push_back(loop);
    });
    for (scf::ForOp loop : loops) {
      LoopVectorizer vectorizer(loop, width);
      if (vectorizer.analyze())
        vectorizer.rewrite(rewriter);
    }
  }
};
} // namespace
