//===- Schedule.cpp - GPU schedules and knobs -------------------*- C++ -*-===//
//
// This file implements the GPU schedule heuristics (Schedule.h). The
// heuristic aims at 64 to 256 threads per workgroup, one output element per
// thread for elementwise work and reductions (each thread reduces its own
// row), and 4x4 outputs per thread for matmuls, so that every loaded operand
// is reused four times (on PoCL's CPU device a 1024^3 matmul takes 140 ms
// with 4x4, 530 ms with 2x2). Matmuls may stage the operand tiles of each
// reduction step in workgroup memory (`promote`) and matmuls and elementwise
// ops may load and store vectors along the innermost thread tile (`vector`);
// both are off by default: on PoCL the caches already do what workgroup
// memory would, so the barriers only cost (about 1.5x slower), and its
// compiler vectorizes across work-items by itself (vectors of 4 are as fast
// as scalars, vectors of 2 slower).
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/Schedule.h"
#include "zellige/Codegen/GPU/DeviceProfile.h"

#include "dialects/kernel/KernelDialect.h"
#include "zellige/Transforms/ScheduleUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "llvm/ADT/STLExtras.h"

#include <numeric>

using namespace mlir;
using namespace zellige;
using namespace zellige::gpu_codegen;

namespace {
constexpr int64_t kWorkgroupCandidates[] = {1,  2,  4,   8,   16,
                                            32, 64, 128, 256, 512};
constexpr int64_t kThreadCandidates[] = {1, 2, 4, 8};
constexpr int64_t kReductionStepCandidates[] = {1,  2,  4,   8,  16,
                                                32, 64, 128, 256};
constexpr int64_t kVectorCandidates[] = {1, 2, 4};
/// Threads per workgroup the heuristic aims for (the profile may lower it).
constexpr int64_t kTargetThreads = 256;
/// Reduction step of promoted operands the heuristic aims for.
constexpr int64_t kTargetReductionStep = 32;
/// Vector width the heuristic aims for (the thread tile may lower it).
constexpr int64_t kTargetVectorWidth = 1;
} // namespace

namespace {
class ScheduleBuilder {
public:
  ScheduleBuilder(ArrayRef<int64_t> ranges, ArrayRef<bool> isReduction,
                  const DeviceProfile &profile)
      : ranges(ranges), isReduction(isReduction), profile(profile) {
    s.workgroup.assign(ranges.size(), 0);
    s.thread.assign(ranges.size(), 0);
    s.reductionStep.assign(ranges.size(), 0);
  }

  /// The innermost `count` parallel loops with static ranges above one,
  /// outermost first.
  SmallVector<unsigned> innerParallel(unsigned count) const {
    SmallVector<unsigned> loops;
    for (unsigned i = ranges.size(); i-- > 0 && loops.size() < count;)
      if (!isReduction[i] && !ShapedType::isDynamic(ranges[i]) && ranges[i] > 1)
        loops.push_back(i);
    std::reverse(loops.begin(), loops.end());
    return loops;
  }

  /// Distributes `loop` with heuristic workgroup and thread tiles.
  void distribute(unsigned loop, int64_t wgTarget, int64_t threadTarget) {
    SmallVector<int64_t> wgLegal =
        legalTileSizes(ranges[loop], kWorkgroupCandidates, 1024);
    int64_t wg = pickTileSize(wgLegal, wgTarget);
    SmallVector<int64_t> threadLegal =
        legalTileSizes(ranges[loop], kThreadCandidates, 0);
    int64_t thread = std::gcd(pickTileSize(threadLegal, threadTarget), wg);
    s.distributed.push_back(loop);
    s.workgroup[loop] = wg;
    s.thread[loop] = thread;
    std::string suffix = std::to_string(loop);
    s.knobs.push_back({"wg." + suffix, wg, wgLegal});
    s.knobs.push_back({"thread." + suffix, thread, threadLegal});
  }

  int64_t threads() const {
    int64_t n = 1;
    for (unsigned loop : s.distributed)
      n *= s.threadsAlong(loop);
    return n;
  }

  int64_t maxThreads() const {
    return std::min<int64_t>(kTargetThreads, profile.maxWorkgroupSize);
  }

  ArrayRef<int64_t> ranges;
  ArrayRef<bool> isReduction;
  const DeviceProfile &profile;
  Schedule s;
};
} // namespace

/// Elementwise ops, reductions and anything else: one output element per
/// thread, the innermost loop across up to 256 threads (x), the next loops
/// filling the rest of the workgroup.
static void scheduleGeneric(ScheduleBuilder &b, bool hasReduction) {
  SmallVector<unsigned> loops = b.innerParallel(3);
  int64_t budget = hasReduction ? 64 : b.maxThreads();
  for (unsigned loop : llvm::reverse(loops)) {
    b.distribute(loop, std::max<int64_t>(budget, 1), 1);
    budget /= std::max<int64_t>(b.s.workgroup[loop], 1);
  }
  // The knobs were pushed innermost first; list them outermost first.
  std::reverse(b.s.distributed.begin(), b.s.distributed.end());
  b.s.kind = hasReduction ? "reduction" : "elementwise";
}

/// Bytes of workgroup memory that the tiles of `op`'s inputs indexed by
/// reduction loop `k` take when staged `step` iterations at a time: the
/// workgroup tile along the distributed loops, the whole range along the
/// others.
static int64_t promotedBytes(linalg::LinalgOp op, const Schedule &s,
                             ArrayRef<int64_t> ranges, unsigned k,
                             int64_t step) {
  int64_t bytes = 0;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    if (!map.isFunctionOfDim(k))
      continue;
    int64_t elements = 1;
    for (AffineExpr expr : map.getResults()) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim)
        continue;
      unsigned d = dim.getPosition();
      elements *= d == k               ? step
                  : s.workgroup[d] > 0 ? s.workgroup[d]
                                       : ranges[d];
    }
    Type elementType = getElementTypeOrSelf(input->get().getType());
    int64_t bits =
        elementType.isIntOrFloat() ? elementType.getIntOrFloatBitWidth() : 64;
    bytes += elements * std::max<int64_t>(1, bits / 8);
  }
  return bytes;
}

/// Adds the `vector` knob: widths among 1, 2, 4 dividing the range of the
/// innermost distributed loop; the heuristic also divides its thread tile.
static void addVectorKnob(ScheduleBuilder &b) {
  if (b.s.distributed.empty())
    return;
  unsigned inner = b.s.distributed.back();
  SmallVector<int64_t> legal =
      legalTileSizes(b.ranges[inner], kVectorCandidates, 0);
  int64_t width =
      std::gcd(pickTileSize(legal, kTargetVectorWidth), b.s.thread[inner]);
  b.s.vectorWidth = width;
  b.s.knobs.push_back({"vector", width, legal});
}

static void scheduleMatmul(ScheduleBuilder &b, linalg::LinalgOp op,
                           const linalg::ContractionDimensions &dims) {
  // A 32x32 output tile per workgroup, 4x4 outputs per thread: 64 threads.
  SmallVector<unsigned> loops;
  if (!dims.batch.empty() && b.ranges[dims.batch.back()] > 1)
    loops.push_back(dims.batch.back());
  loops.push_back(dims.m.back());
  loops.push_back(dims.n.back());
  for (unsigned loop : loops) {
    bool isBatch = !dims.batch.empty() && loop == dims.batch.back();
    b.distribute(loop, isBatch ? 1 : 32, isBatch ? 1 : 4);
  }
  b.s.kind = "matmul";

  // Promotion: reduction steps (powers of two, or the whole reduction when
  // it is short) whose operand tiles fit in shared memory.
  unsigned k = dims.k.back();
  if (!ShapedType::isDynamic(b.ranges[k])) {
    SmallVector<int64_t> steps;
    for (int64_t step :
         legalTileSizes(b.ranges[k], kReductionStepCandidates, 256))
      if (step == 1 || promotedBytes(op, b.s, b.ranges, k, step) <=
                           b.profile.sharedMemoryBytes)
        steps.push_back(step);
    int64_t step = pickTileSize(steps, kTargetReductionStep);
    b.s.reductionStep[k] = step;
    b.s.knobs.push_back({"promote", 0, {0, 1}});
    b.s.knobs.push_back({"ktile." + std::to_string(k), step, steps});
  }
  addVectorKnob(b);
}

static void scheduleConvolution(ScheduleBuilder &b,
                                const linalg::ConvolutionDimensions &dims,
                                bool pooling) {
  // Output channels (or depthwise channels), output rows and columns: one
  // output element per thread, 4 x 4 x 16 per workgroup.
  SmallVector<unsigned> loops;
  if (!dims.outputChannel.empty())
    loops.push_back(dims.outputChannel.back());
  else if (!dims.depth.empty())
    loops.push_back(dims.depth.back());
  for (unsigned loop : dims.outputImage)
    loops.push_back(loop);
  while (loops.size() > 3)
    loops.erase(loops.begin());
  SmallVector<int64_t> targets = {4, 4, 16};
  targets.erase(targets.begin(), targets.begin() + (3 - loops.size()));
  for (auto [loop, target] : llvm::zip(loops, targets))
    if (b.ranges[loop] > 1 && !ShapedType::isDynamic(b.ranges[loop]))
      b.distribute(loop, target, 1);
  b.s.kind = pooling ? "pooling" : "conv";
}

FailureOr<Schedule> gpu_codegen::computeSchedule(Operation *op,
                                                 kernel::ConfigAttr config,
                                                 const DeviceProfile &profile) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  if (!linalgOp)
    return failure();
  SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
  SmallVector<bool> isReduction;
  for (utils::IteratorType t : linalgOp.getIteratorTypesArray())
    isReduction.push_back(t == utils::IteratorType::reduction);
  ScheduleBuilder b(ranges, isReduction, profile);
  if (ranges.empty()) {
    b.s.kind = "generic";
    return b.s;
  }

  bool pooling = op->getName().getStringRef().starts_with("linalg.pooling_");
  FailureOr<linalg::ConvolutionDimensions> convDims =
      linalg::isaConvolutionOpInterface(linalgOp)
          ? linalg::inferConvolutionDims(linalgOp)
          : FailureOr<linalg::ConvolutionDimensions>(failure());
  FailureOr<linalg::ContractionDimensions> mmDims =
      linalg::isaContractionOpInterface(linalgOp)
          ? linalg::inferContractionDims(linalgOp)
          : FailureOr<linalg::ContractionDimensions>(failure());
  if (succeeded(convDims) && !convDims->outputImage.empty() &&
      !convDims->filterLoop.empty()) {
    scheduleConvolution(b, *convDims, pooling);
  } else if (succeeded(mmDims) && !mmDims->m.empty() && !mmDims->n.empty() &&
             !mmDims->k.empty()) {
    scheduleMatmul(b, linalgOp, *mmDims);
  } else {
    bool hasReduction = linalgOp.getNumReductionLoops() > 0;
    scheduleGeneric(b, hasReduction);
    if (!hasReduction && !linalg::isElementwise(linalgOp))
      b.s.kind = "generic";
    else if (!hasReduction)
      addVectorKnob(b);
  }

  Schedule &s = b.s;
  if (config) {
    for (const Knob &knob : s.knobs) {
      StringRef name = knob.name;
      if (name == "promote") {
        s.promote = config.getValue(name, knob.value) != 0;
        continue;
      }
      if (name == "vector") {
        s.vectorWidth = config.getValue(name, knob.value);
        continue;
      }
      int64_t value = config.getValue(name, 0);
      if (value <= 0)
        continue;
      unsigned loop = std::stoul(knob.name.substr(knob.name.find('.') + 1));
      if (name.starts_with("wg."))
        s.workgroup[loop] = value;
      else if (name.starts_with("thread."))
        s.thread[loop] = value;
      else if (name.starts_with("ktile."))
        s.reductionStep[loop] = value;
    }
  }
  // Clamp: tiles divide their loops, thread tiles divide workgroup tiles.
  for (unsigned loop : s.distributed) {
    s.workgroup[loop] = std::gcd(s.workgroup[loop], ranges[loop]);
    s.thread[loop] = std::gcd(s.thread[loop], s.workgroup[loop]);
  }
  // Keep the workgroup within the profile: per-dimension limits (x is the
  // last distributed loop), then the total, by giving each thread more work
  // where the tile allows and shrinking the workgroup tile otherwise.
  auto dimLimit = [&](size_t position) {
    size_t fromInner = s.distributed.size() - 1 - position;
    return profile.maxWorkgroupDims[std::min<size_t>(fromInner, 2)];
  };
  auto shrink = [&](unsigned loop) {
    s.workgroup[loop] =
        std::max<int64_t>(1, std::gcd(s.workgroup[loop] / 2, ranges[loop]));
    s.thread[loop] = std::gcd(s.thread[loop], s.workgroup[loop]);
  };
  for (auto [position, loop] : llvm::enumerate(s.distributed))
    while (s.threadsAlong(loop) > dimLimit(position))
      shrink(loop);
  while (b.threads() > profile.maxWorkgroupSize) {
    unsigned widest = s.distributed.front();
    for (unsigned loop : s.distributed)
      if (s.threadsAlong(loop) > s.threadsAlong(widest))
        widest = loop;
    if (s.threadsAlong(widest) % 2 == 0)
      s.thread[widest] *= 2;
    else
      shrink(widest);
  }
  // Promoted tiles divide their reduction loops and fit in shared memory
  // with the workgroup tiles chosen.
  bool promoted = false;
  for (unsigned k = 0, e = ranges.size(); k < e && s.promote; ++k) {
    int64_t &step = s.reductionStep[k];
    if (step <= 0)
      continue;
    step = std::gcd(step, ranges[k]);
    while (step > 1 && promotedBytes(linalgOp, s, ranges, k, step) >
                           profile.sharedMemoryBytes)
      step = std::gcd(step / 2, ranges[k]);
    if (promotedBytes(linalgOp, s, ranges, k, step) > profile.sharedMemoryBytes)
      s.promote = false;
    promoted = true;
  }
  s.promote = s.promote && promoted;
  if (!s.promote)
    s.reductionStep.assign(ranges.size(), 0);
  // Vectors divide the innermost thread tile.
  s.vectorWidth = s.distributed.empty()
                      ? 1
                      : std::gcd(std::max<int64_t>(s.vectorWidth, 1),
                                 s.thread[s.distributed.back()]);
  return s;
}
