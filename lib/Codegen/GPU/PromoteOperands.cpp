//===- PromoteOperands.cpp - Operand tiles in workgroup memory --*- C++ -*-===//
//
// This file implements zellige-gpu-promote-operands (see Passes.td). The
// contraction each thread computes is tiled along the promoted reduction
// loop. At each step the workgroup's threads copy the workgroup's tile of
// every input that a dispatch argument holds into workgroup memory (thread t
// of T copies elements t, t + T, ...: consecutive threads copy consecutive
// elements), wait at a barrier, compute their outputs from workgroup memory
// and wait again before the next step overwrites the tiles.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/DeviceProfile.h"
#include "zellige/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "zellige-gpu-promote-operands"

namespace zellige {
namespace gpu_codegen {
#define GEN_PASS_DEF_GPUPROMOTEOPERANDS
#include "zellige/Codegen/GPU/Passes.h.inc"
} // namespace gpu_codegen
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::gpu_codegen;

namespace {

/// Whether `forall` is mapped to GPU mapping `MappingT` (blocks or threads).
template <typename MappingT> bool isMapped(scf::ForallOp forall) {
  std::optional<ArrayAttr> mapping = forall.getMapping();
  return mapping && !mapping->empty() &&
         isa<MappingT>(mapping->getValue().front());
}

/// Whether `forall` has static bounds and maps to x, y and z only.
bool hasStaticMapping(scf::ForallOp forall) {
  std::optional<SmallVector<int64_t>> steps =
      getConstantIntValues(forall.getMixedStep());
  return getConstantIntValues(forall.getMixedLowerBound()) &&
         getConstantIntValues(forall.getMixedUpperBound()) && steps &&
         llvm::all_of(*steps, [](int64_t step) { return step > 0; }) &&
         llvm::all_of(forall.getMapping()->getValue(), [](Attribute attr) {
           return cast<DeviceMappingAttrInterface>(attr).getMappingId() < 3;
         });
}

/// The linear id of the running thread of `forall` (x fastest, then y, z)
/// and the number of threads; `forall` has a static mapping.
std::pair<Value, int64_t> linearThreadId(OpBuilder &b, Location loc,
                                         scf::ForallOp forall) {
  SmallVector<int64_t> lbs = *getConstantIntValues(forall.getMixedLowerBound());
  SmallVector<int64_t> ubs = *getConstantIntValues(forall.getMixedUpperBound());
  SmallVector<int64_t> steps = *getConstantIntValues(forall.getMixedStep());
  std::array<Value, 3> ids;
  std::array<int64_t, 3> counts = {1, 1, 1};
  for (auto [i, attr] : llvm::enumerate(forall.getMapping()->getValue())) {
    int64_t dim = cast<DeviceMappingAttrInterface>(attr).getMappingId();
    counts[dim] = llvm::divideCeil(ubs[i] - lbs[i], steps[i]);
    Value id = forall.getInductionVars()[i];
    if (lbs[i] != 0)
      id = arith::SubIOp::create(
          b, loc, id, arith::ConstantIndexOp::create(b, loc, lbs[i]));
    if (steps[i] != 1)
      id = arith::DivUIOp::create(
          b, loc, id, arith::ConstantIndexOp::create(b, loc, steps[i]));
    ids[dim] = id;
  }
  Value linear;
  int64_t threads = 1;
  for (int64_t dim = 0; dim < 3; ++dim) {
    if (!ids[dim])
      continue;
    Value term = ids[dim];
    if (threads > 1)
      term = arith::MulIOp::create(
          b, loc, term, arith::ConstantIndexOp::create(b, loc, threads));
    linear = linear ? arith::AddIOp::create(b, loc, linear, term) : term;
    threads *= counts[dim];
  }
  if (!linear)
    linear = arith::ConstantIndexOp::create(b, loc, 0);
  return std::make_pair(linear, threads);
}

/// Whether `value` is a dispatch argument or a view of one.
bool viewsArgument(Value value, func::FuncOp func) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  auto arg = dyn_cast<BlockArgument>(value);
  return arg && arg.getOwner() == &func.getBody().front();
}

/// An input of the contraction whose workgroup tile is staged in workgroup
/// memory.
struct PromotedInput {
  unsigned operand;  ///< Operand number in the contraction.
  unsigned position; ///< Dimension the reduction loop indexes.
  Value source;      ///< The workgroup's tile (the whole reduction range).
  /// The thread's tile within `source`.
  SmallVector<OpFoldResult> offsets, sizes;
  MemRefType bufferType; ///< One reduction step of `source`.
  Value buffer;
};

/// The dimension of `operand` indexed by loop `loop` alone, if any.
std::optional<unsigned> positionOf(linalg::LinalgOp op, OpOperand &operand,
                                   unsigned loop) {
  AffineMap map = op.getMatchingIndexingMap(&operand);
  for (auto [r, expr] : llvm::enumerate(map.getResults()))
    if (auto dim = dyn_cast<AffineDimExpr>(expr);
        dim && dim.getPosition() == loop)
      return r;
  return std::nullopt;
}

/// Whether `value` is defined inside `forall`.
bool isDefinedIn(Value value, scf::ForallOp forall) {
  return forall.getRegion().isAncestor(value.getParentRegion());
}

/// Describes how input `operand` of `op` (in `threads`) can be staged, or
/// nullopt: its thread tile must be a unit-stride view of a workgroup-level
/// tile of a dispatch argument that covers the whole reduction range.
std::optional<PromotedInput> analyzeInput(linalg::LinalgOp op,
                                          OpOperand &operand, unsigned loop,
                                          int64_t range, int64_t step,
                                          scf::ForallOp threads,
                                          func::FuncOp func) {
  std::optional<unsigned> position = positionOf(op, operand, loop);
  if (!position)
    return std::nullopt;
  PromotedInput input;
  input.operand = operand.getOperandNumber();
  input.position = *position;
  Value value = operand.get();
  auto type = dyn_cast<MemRefType>(value.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  Builder b(op.getContext());
  if (!isDefinedIn(value, threads)) {
    input.source = value;
    input.offsets.assign(type.getRank(), b.getIndexAttr(0));
    input.sizes = getAsIndexOpFoldResult(op.getContext(), type.getShape());
  } else if (auto view = value.getDefiningOp<memref::SubViewOp>();
             view && !isDefinedIn(view.getSource(), threads) &&
             view.getSourceType().getRank() == type.getRank() &&
             llvm::all_of(view.getStaticStrides(),
                          [](int64_t s) { return s == 1; })) {
    input.source = view.getSource();
    input.offsets = view.getMixedOffsets();
    input.sizes = view.getMixedSizes();
  } else {
    return std::nullopt;
  }
  auto sourceType = cast<MemRefType>(input.source.getType());
  if (!sourceType.hasStaticShape() ||
      sourceType.getDimSize(*position) != range ||
      type.getDimSize(*position) != range ||
      !isConstantIntValue(input.offsets[*position], 0) ||
      !viewsArgument(input.source, func))
    return std::nullopt;
  SmallVector<int64_t> shape(sourceType.getShape());
  shape[*position] = step;
  input.bufferType = MemRefType::get(
      shape, sourceType.getElementType(), MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(op.getContext(),
                                 gpu::AddressSpace::Workgroup));
  return input;
}

/// Emits the copy of one reduction step of `input` (starting at `k`) into
/// its buffer, element e by thread e mod `threads`.
void emitCopy(OpBuilder &b, Location loc, const PromotedInput &input, Value k,
              Value thread, int64_t threads) {
  ArrayRef<int64_t> shape = input.bufferType.getShape();
  Value end =
      arith::ConstantIndexOp::create(b, loc, input.bufferType.getNumElements());
  Value stride = arith::ConstantIndexOp::create(b, loc, threads);
  scf::ForOp::create(
      b, loc, thread, end, stride, ValueRange{},
      [&](OpBuilder &nb, Location l, Value element, ValueRange) {
        SmallVector<Value> indices(shape.size());
        Value rest = element;
        for (int64_t d = shape.size() - 1; d > 0; --d) {
          Value size = arith::ConstantIndexOp::create(nb, l, shape[d]);
          indices[d] = arith::RemUIOp::create(nb, l, rest, size);
          rest = arith::DivUIOp::create(nb, l, rest, size);
        }
        indices[0] = rest;
        SmallVector<Value> from(indices);
        from[input.position] =
            arith::AddIOp::create(nb, l, indices[input.position], k);
        Value v = memref::LoadOp::create(nb, l, input.source, from);
        memref::StoreOp::create(nb, l, v, input.buffer, indices);
        scf::YieldOp::create(nb, l);
      });
}

/// Number of bytes of `type`'s data.
int64_t bytesOf(MemRefType type) {
  Type element = type.getElementType();
  int64_t bits = element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 64;
  return type.getNumElements() * std::max<int64_t>(1, bits / 8);
}

struct GPUPromoteOperandsPass
    : public gpu_codegen::impl::GPUPromoteOperandsBase<GPUPromoteOperandsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    auto attr = func->getAttrOfType<DenseI64ArrayAttr>(kPromoteAttrName);
    if (func.isExternal() || !attr)
      return;
    if (attr.size() != 2 || attr[0] < 0 || attr[1] <= 0) {
      func.emitError() << "GPU target: '" << kPromoteAttrName
                       << "' must hold a reduction loop and a positive step";
      return signalPassFailure();
    }
    llvm::Expected<DeviceProfile> deviceProfile = loadDeviceProfile(profile);
    if (!deviceProfile) {
      func.emitError() << llvm::toString(deviceProfile.takeError());
      return signalPassFailure();
    }
    unsigned loop = attr[0];
    int64_t step = attr[1];

    // The contractions each thread computes over reduction loop `loop`.
    SmallVector<linalg::LinalgOp> contractions;
    func.walk([&](linalg::LinalgOp op) {
      auto threads = dyn_cast<scf::ForallOp>(op->getParentOp());
      if (threads && isMapped<gpu::GPUThreadMappingAttr>(threads) &&
          op.hasPureBufferSemantics() && loop < op.getNumLoops() &&
          op.getIteratorTypesArray()[loop] == utils::IteratorType::reduction &&
          linalg::isaContractionOpInterface(op))
        contractions.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    workgroupBytes = 0;
    for (linalg::LinalgOp op : contractions)
      if (failed(promote(rewriter, op, loop, step, *deviceProfile)))
        return signalPassFailure();
    func->removeAttr(kPromoteAttrName);
  }

  /// Workgroup memory the buffers allocated so far take.
  int64_t workgroupBytes = 0;

  LogicalResult promote(RewriterBase &rewriter, linalg::LinalgOp op,
                        unsigned loop, int64_t step,
                        const DeviceProfile &deviceProfile) {
    func::FuncOp func = getOperation();
    auto threads = cast<scf::ForallOp>(op->getParentOp());
    auto blocks = threads->getParentOfType<scf::ForallOp>();
    if (!blocks || !isMapped<gpu::GPUBlockMappingAttr>(blocks) ||
        blocks.getBody() != threads->getBlock() || !hasStaticMapping(threads))
      return success();
    int64_t range = op.getStaticLoopRanges()[loop];
    if (ShapedType::isDynamic(range) || range % step != 0)
      return op->emitError() << "GPU target: promoted reduction step " << step
                             << " does not divide the reduction loop of "
                             << range << " iterations";

    SmallVector<PromotedInput> inputs;
    int64_t bytes = 0;
    for (OpOperand *operand : op.getDpsInputOperands())
      if (std::optional<PromotedInput> input =
              analyzeInput(op, *operand, loop, range, step, threads, func)) {
        bytes += bytesOf(input->bufferType);
        inputs.push_back(std::move(*input));
      }
    if (inputs.empty())
      return success();
    bytes += workgroupBytes;
    if (bytes > deviceProfile.sharedMemoryBytes)
      return op->emitError()
             << "GPU target: the promoted operand tiles of dispatch '"
             << func.getName() << "' need " << bytes
             << " bytes of workgroup memory; profile '" << deviceProfile.name
             << "' has " << deviceProfile.sharedMemoryBytes;
    workgroupBytes = bytes;

    Location loc = op.getLoc();
    rewriter.setInsertionPointToStart(blocks.getBody());
    for (PromotedInput &input : inputs)
      input.buffer = memref::AllocaOp::create(rewriter, loc, input.bufferType);

    rewriter.setInsertionPoint(op);
    auto [threadId, threadCount] = linearThreadId(rewriter, loc, threads);
    // Accumulate across the steps in a buffer of the thread's own.
    SmallVector<Value> oldOperands(op->getOperands());
    SmallVector<Value> newOperands(oldOperands);
    SmallVector<std::pair<Value, Value>> accumulators;
    for (OpOperand &init : op.getDpsInitsMutable()) {
      auto type = dyn_cast<MemRefType>(init.get().getType());
      if (!type || !type.hasStaticShape() ||
          init.get().getDefiningOp<memref::AllocOp>() ||
          init.get().getDefiningOp<memref::AllocaOp>())
        continue;
      Value accumulator = memref::AllocOp::create(
          rewriter, loc,
          MemRefType::get(type.getShape(), type.getElementType()));
      linalg::CopyOp::create(rewriter, loc, init.get(), accumulator);
      accumulators.emplace_back(accumulator, init.get());
      newOperands[init.getOperandNumber()] = accumulator;
    }
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value end = arith::ConstantIndexOp::create(rewriter, loc, range);
    Value stepValue = arith::ConstantIndexOp::create(rewriter, loc, step);
    scf::ForOp::create(
        rewriter, loc, zero, end, stepValue, ValueRange{},
        [&](OpBuilder &b, Location l, Value k, ValueRange) {
          for (const PromotedInput &input : inputs)
            emitCopy(b, l, input, k, threadId, threadCount);
          gpu::BarrierOp::create(b, l);
          // The step of each operand the reduction loop indexes: the
          // thread's tile of the buffer, or a view of the operand.
          SmallVector<Value> operands(newOperands);
          for (OpOperand &operand : op->getOpOperands()) {
            std::optional<unsigned> position = positionOf(op, operand, loop);
            if (!position)
              continue;
            unsigned number = operand.getOperandNumber();
            const PromotedInput *input =
                llvm::find_if(inputs, [&](const PromotedInput &p) {
                  return p.operand == number;
                });
            SmallVector<OpFoldResult> offsets, sizes;
            Value base;
            if (input != inputs.end()) {
              base = input->buffer;
              offsets = input->offsets;
              sizes = input->sizes;
            } else {
              base = operand.get();
              auto type = cast<MemRefType>(base.getType());
              offsets.assign(type.getRank(), b.getIndexAttr(0));
              offsets[*position] = k;
              sizes = getAsIndexOpFoldResult(b.getContext(), type.getShape());
            }
            sizes[*position] = b.getIndexAttr(step);
            SmallVector<OpFoldResult> strides(offsets.size(),
                                              b.getIndexAttr(1));
            operands[number] =
                memref::SubViewOp::create(b, l, base, offsets, sizes, strides);
          }
          Operation *stepOp = b.clone(*op);
          stepOp->setOperands(operands);
          gpu::BarrierOp::create(b, l);
          scf::YieldOp::create(b, l);
        });
    for (auto [accumulator, init] : accumulators)
      linalg::CopyOp::create(rewriter, loc, accumulator, init);
    rewriter.eraseOp(op);
    // The thread's views of the whole reduction range are dead now.
    llvm::SetVector<Operation *> views;
    for (Value operand : oldOperands)
      if (auto view = operand.getDefiningOp<memref::SubViewOp>())
        views.insert(view);
    for (Operation *view : views)
      if (view->use_empty())
        rewriter.eraseOp(view);
    return success();
  }
};
} // namespace
