//===- Schedule.cpp - Host CPU schedules and knobs --------------*- C++ -*-===//
//
// This file implements the host target's schedule heuristics. For each loop
// of a dispatch's root operation it picks a workgroup tile ("wg.<loop>"),
// which decides how the iteration space is split over the thread pool, and a
// register tile ("tile.<loop>"), which decides the vector shape of the inner
// computation; for reduction loops "tile.<loop>" is the reduction step. The
// knobs and their meaning are documented in README.md.
//
//===----------------------------------------------------------------------===//

#include "targets/host/Schedule.h"

#include "dialects/kernel/KernelDialect.h"
#include "zellige/Transforms/ScheduleUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "llvm/ADT/STLExtras.h"

#include <numeric>

using namespace mlir;
using namespace zellige;
using namespace zellige::host;

namespace {
/// Workgroup tile candidates; the loop size itself is added when small.
constexpr int64_t kWorkgroupCandidates[] = {1, 2, 4, 8, 16, 32, 64, 128, 256};
/// Register tile candidates for parallel loops.
constexpr int64_t kTileCandidates[] = {1, 2, 4, 8, 16, 32};
/// Reduction step candidates.
constexpr int64_t kReductionCandidates[] = {1, 2, 4, 8, 16, 32, 64};
} // namespace

namespace {
/// Builds a schedule loop by loop.
class ScheduleBuilder {
public:
  ScheduleBuilder(ArrayRef<int64_t> ranges, ArrayRef<bool> isReduction)
      : ranges(ranges), isReduction(isReduction) {
    schedule.workgroup.assign(ranges.size(), 0);
    schedule.tile.assign(ranges.size(), 0);
    for (auto [i, size] : llvm::enumerate(ranges)) {
      if (ShapedType::isDynamic(size))
        continue;
      // Parallel loops default to one iteration per workgroup and per
      // register tile; reduction loops default to whole.
      if (!isReduction[i]) {
        schedule.workgroup[i] = 1;
        schedule.tile[i] = 1;
      }
    }
  }

  bool isStatic(unsigned loop) const {
    return !ShapedType::isDynamic(ranges[loop]);
  }

  /// Exposes a workgroup knob on parallel loop `loop`.
  void workgroupKnob(unsigned loop, int64_t target) {
    if (!isStatic(loop) || isReduction[loop])
      return;
    SmallVector<int64_t> legal =
        legalTileSizes(ranges[loop], kWorkgroupCandidates, 512);
    int64_t value = pickTileSize(legal, target);
    schedule.workgroup[loop] = value;
    schedule.knobs.push_back({"wg." + std::to_string(loop), value, legal});
  }

  /// Exposes a register / reduction-step knob on loop `loop`.
  void tileKnob(unsigned loop, int64_t target) {
    if (!isStatic(loop))
      return;
    SmallVector<int64_t> legal =
        isReduction[loop]
            ? legalTileSizes(ranges[loop], kReductionCandidates, 64)
            : legalTileSizes(ranges[loop], kTileCandidates, 32);
    int64_t value = pickTileSize(legal, target);
    schedule.tile[loop] = value;
    schedule.knobs.push_back({"tile." + std::to_string(loop), value, legal});
  }

  Knob *findKnob(StringRef name) {
    for (Knob &knob : schedule.knobs)
      if (knob.name == name)
        return &knob;
    return nullptr;
  }

  /// Fixes the tile of `loop` without a knob (0: whole loop).
  void fixTile(unsigned loop, int64_t value) {
    if (isStatic(loop))
      schedule.tile[loop] = value;
  }
  void fixWorkgroup(unsigned loop, int64_t value) {
    if (isStatic(loop) && !isReduction[loop])
      schedule.workgroup[loop] = value;
  }

  ArrayRef<int64_t> ranges;
  ArrayRef<bool> isReduction;
  Schedule schedule;
};
} // namespace

static void scheduleMatmul(ScheduleBuilder &b,
                           const linalg::ContractionDimensions &dims) {
  // Batch and outer M/N loops: one per workgroup and per register tile.
  // Innermost M x N: a 64x128 workgroup tile and a 4x16 register tile (8
  // AVX2 accumulators), K stepped one at a time so each step is a rank-1
  // update of the accumulators held in registers.
  b.workgroupKnob(dims.m.back(), 64);
  b.workgroupKnob(dims.n.back(), 128);
  b.tileKnob(dims.m.back(), 4);
  b.tileKnob(dims.n.back(), 16);
  for (unsigned k : dims.k)
    b.fixTile(k, 1);
  b.tileKnob(dims.k.back(), 1);
  b.schedule.kind = "matmul";
}

static void scheduleConvolution(ScheduleBuilder &b,
                                const linalg::ConvolutionDimensions &dims,
                                bool pooling) {
  // Output rows are tiled to one (and window rows to one) so that the 2-D
  // window decomposes into 1-D convolutions the vectorizer handles.
  for (auto [i, loop] : llvm::enumerate(dims.outputImage)) {
    if (i + 1 < dims.outputImage.size()) {
      b.workgroupKnob(loop, 4);
      b.fixTile(loop, 1);
    } else {
      b.workgroupKnob(loop, 512);
      b.tileKnob(loop, 8);
    }
  }
  for (auto [i, loop] : llvm::enumerate(dims.filterLoop))
    b.fixTile(loop, i + 1 < dims.filterLoop.size() ? 1 : 0);
  if (!dims.outputChannel.empty()) {
    b.workgroupKnob(dims.outputChannel.back(), 16);
    b.tileKnob(dims.outputChannel.back(), 8);
  }
  if (!dims.depth.empty()) {
    // Depthwise channels and groups are stepped one at a time, so that each
    // step is a plain convolution the vectorizer handles (NCHW layouts).
    b.workgroupKnob(dims.depth.back(), 8);
    for (unsigned d : dims.depth)
      b.fixTile(d, 1);
  }
  if (!dims.inputChannel.empty()) {
    for (unsigned c : dims.inputChannel)
      b.fixTile(c, 1);
    b.tileKnob(dims.inputChannel.back(), 8);
  }
  b.schedule.kind = pooling ? "pooling" : "conv";
}

static void scheduleGeneric(ScheduleBuilder &b, bool hasReduction) {
  SmallVector<unsigned> parallel, reduction;
  for (unsigned i = 0, e = b.ranges.size(); i < e; ++i)
    (b.isReduction[i] ? reduction : parallel).push_back(i);
  // Workgroups cover about 4096 elements (64 rows for reductions), filled
  // from the innermost parallel loop outwards.
  int64_t budget = hasReduction ? 64 : 4096;
  for (unsigned loop : llvm::reverse(parallel)) {
    if (!b.isStatic(loop))
      continue;
    b.workgroupKnob(loop, std::max<int64_t>(budget, 1));
    budget /= std::max<int64_t>(b.schedule.workgroup[loop], 1);
  }
  // Keep at least 8 workgroups when the shape allows, shrinking the
  // outermost workgroup tiles first.
  auto countWorkgroups = [&] {
    int64_t count = 1;
    for (unsigned loop : parallel)
      if (b.isStatic(loop) && b.schedule.workgroup[loop] > 0)
        count *= b.ranges[loop] / b.schedule.workgroup[loop];
    return count;
  };
  for (unsigned loop : parallel) {
    if (!b.isStatic(loop))
      continue;
    Knob *knob = b.findKnob("wg." + std::to_string(loop));
    while (knob && countWorkgroups() < 8 && b.schedule.workgroup[loop] > 1) {
      auto it = llvm::find(knob->legal, b.schedule.workgroup[loop]);
      if (it == knob->legal.begin())
        break;
      knob->value = b.schedule.workgroup[loop] = *std::prev(it);
    }
  }
  // The innermost loop is the vector dimension when it is parallel.
  unsigned last = b.ranges.size() - 1;
  if (!parallel.empty() && parallel.back() == last)
    b.tileKnob(last, 8);
  if (!reduction.empty()) {
    for (unsigned r : reduction)
      b.fixTile(r, 1);
    b.tileKnob(reduction.back(), 64);
  }
  b.schedule.kind = hasReduction ? "reduction" : "elementwise";
}

FailureOr<Schedule> host::computeSchedule(Operation *op,
                                          kernel::ConfigAttr config) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  if (!linalgOp)
    return failure();
  SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
  SmallVector<bool> isReduction;
  for (utils::IteratorType t : linalgOp.getIteratorTypesArray())
    isReduction.push_back(t == utils::IteratorType::reduction);
  ScheduleBuilder b(ranges, isReduction);
  if (ranges.empty()) {
    b.schedule.kind = "generic";
    return b.schedule;
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
    scheduleMatmul(b, *mmDims);
  } else {
    bool hasReduction = linalgOp.getNumReductionLoops() > 0;
    scheduleGeneric(b, hasReduction);
    if (!hasReduction && !linalg::isElementwise(linalgOp))
      b.schedule.kind = "generic";
  }

  Schedule &s = b.schedule;
  // Apply the configured values.
  if (config) {
    for (Knob &knob : s.knobs) {
      int64_t value = config.getValue(knob.name, 0);
      if (value <= 0)
        continue;
      unsigned loop = std::stoul(knob.name.substr(knob.name.find('.') + 1));
      if (StringRef(knob.name).starts_with("wg."))
        s.workgroup[loop] = value;
      else
        s.tile[loop] = value;
    }
  }
  // Clamp so that every tile divides its loop and every register tile
  // divides its workgroup tile; a whole loop is written as 0.
  for (unsigned i = 0, e = ranges.size(); i < e; ++i) {
    if (ShapedType::isDynamic(ranges[i])) {
      s.workgroup[i] = s.tile[i] = 0;
      continue;
    }
    int64_t size = ranges[i];
    if (s.workgroup[i] > 0)
      s.workgroup[i] = std::gcd(s.workgroup[i], size);
    if (s.workgroup[i] == size)
      s.workgroup[i] = 0;
    int64_t bound = s.workgroup[i] > 0 ? s.workgroup[i] : size;
    if (s.tile[i] > 0)
      s.tile[i] = std::gcd(s.tile[i], bound);
    if (s.tile[i] == bound && s.workgroup[i] == 0)
      s.tile[i] = 0;
  }
  return s;
}
