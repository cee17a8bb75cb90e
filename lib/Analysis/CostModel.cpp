//===- CostModel.cpp - Roofline cost model of dispatches --------*- C++ -*-===//
//
// This file implements the roofline cost model: operation and byte counts
// of each kernel.dispatch, timed against a device profile's peaks and
// bandwidth.
//
//===----------------------------------------------------------------------===//

#include "zellige/Analysis/CostModel.h"
#include "zellige/Codegen/GPU/DeviceProfile.h"

#include "dialects/kernel/KernelDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/CastInterfaces.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <functional>

using namespace mlir;
using namespace zellige;

StringRef zellige::stringifyBound(Bound bound) {
  switch (bound) {
  case Bound::Compute:
    return "compute";
  case Bound::Memory:
    return "memory";
  case Bound::Unknown:
    return "unknown";
  }
  return "unknown";
}

double DispatchWork::totalFlops() const {
  double total = 0;
  for (const auto &entry : flops)
    total += entry.second;
  return total;
}

std::string zellige::getElementTypeKey(Type type) {
  type = getElementTypeOrSelf(type);
  if (type.isBF16())
    return "bf16";
  if (auto f = dyn_cast<FloatType>(type))
    return "f" + std::to_string(f.getWidth());
  if (auto i = dyn_cast<IntegerType>(type))
    return "i" + std::to_string(i.getWidth());
  if (type.isIndex())
    return "i64";
  return "other";
}

/// Bytes of a statically shaped tensor; nullopt for a dynamic one.
static std::optional<double> tensorBytes(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return 0.0;
  if (!shaped.hasStaticShape())
    return std::nullopt;
  unsigned bits = shaped.getElementType().isIntOrFloat()
                      ? shaped.getElementType().getIntOrFloatBitWidth()
                      : 64;
  return double(shaped.getNumElements()) * double(std::max(bits, 8u)) / 8.0;
}

/// Arithmetic operations in one execution of a linalg op's body: arith and
/// math ops, except constants and casts.
static int64_t countBodyOps(linalg::LinalgOp op) {
  int64_t count = 0;
  for (Operation &inner : op->getRegion(0).front()) {
    Dialect *dialect = inner.getDialect();
    if (!dialect || !isa<arith::ArithDialect, math::MathDialect>(dialect))
      continue;
    if (isa<arith::ConstantOp, CastOpInterface>(inner))
      continue;
    ++count;
  }
  return count;
}

/// The element type the op computes in: that of its first tensor input (an
/// i8 x i8 -> i32 matmul runs at the i8 peak), else of its first output.
static Type computeElementType(linalg::LinalgOp op) {
  for (OpOperand *input : op.getDpsInputOperands())
    if (auto shaped = dyn_cast<ShapedType>(input->get().getType()))
      return shaped.getElementType();
  for (OpOperand &init : op.getDpsInitsMutable())
    return getElementTypeOrSelf(init.get().getType());
  return Type();
}

DispatchWork zellige::countDispatchWork(kernel::DispatchOp dispatch) {
  DispatchWork work;
  work.name = dispatch.getSymName().str();
  for (Type type : llvm::concat<const Type>(dispatch->getOperandTypes(),
                                            dispatch->getResultTypes())) {
    if (std::optional<double> bytes = tensorBytes(type))
      work.bytes += *bytes;
    else
      work.dynamicShapes = true;
  }
  dispatch.getBody().walk([&](linalg::LinalgOp op) {
    int64_t bodyOps = countBodyOps(op);
    if (bodyOps == 0)
      return;
    double points = 1;
    for (int64_t range : op.getStaticLoopRanges()) {
      if (ShapedType::isDynamic(range)) {
        work.dynamicShapes = true;
        return;
      }
      points *= double(range);
    }
    Type type = computeElementType(op);
    if (!type)
      return;
    work.flops[getElementTypeKey(type)] += points * double(bodyOps);
  });
  return work;
}

/// The peak for `key`, falling back to the 16-bit sibling and then f32.
static std::pair<double, std::string> findPeak(const DeviceProfile &profile,
                                               const std::string &key) {
  SmallVector<std::string, 3> candidates = {key};
  if (key == "f16")
    candidates.push_back("bf16");
  if (key == "bf16")
    candidates.push_back("f16");
  if (key != "f32")
    candidates.push_back("f32");
  for (const std::string &candidate : candidates)
    if (double peak = profile.peakFor(candidate); peak > 0)
      return {peak, candidate};
  return {0.0, ""};
}

DispatchCost zellige::estimateDispatch(const DispatchWork &work,
                                       const DeviceProfile &profile,
                                       const CostModelOptions &options) {
  DispatchCost cost;
  cost.work = work;
  bool computeKnown = true;
  for (const auto &[key, flops] : work.flops) {
    if (flops <= 0)
      continue;
    auto [peak, used] = findPeak(profile, key);
    if (peak <= 0) {
      computeKnown = false;
      cost.notes.push_back("no " + key + " peak in profile '" + profile.name +
                           "'");
      continue;
    }
    if (used != key)
      cost.notes.push_back("no " + key + " peak; used " + used);
    cost.computeSeconds += flops / peak;
  }
  bool memoryKnown = profile.bandwidthBytes > 0;
  if (memoryKnown)
    cost.memorySeconds = work.bytes / profile.bandwidthBytes;
  else
    cost.notes.push_back("no memory bandwidth in profile '" + profile.name +
                         "'");
  if (work.dynamicShapes)
    cost.notes.push_back("dynamic shapes: counts leave them out");
  if (!computeKnown || !memoryKnown) {
    cost.bound = Bound::Unknown;
    cost.seconds = 0;
    return cost;
  }
  cost.bound = cost.computeSeconds >= cost.memorySeconds ? Bound::Compute
                                                         : Bound::Memory;
  cost.seconds = std::max(cost.computeSeconds, cost.memorySeconds) +
                 options.launchOverheadSeconds;
  return cost;
}

std::vector<DispatchCost>
zellige::estimateModule(ModuleOp module, const DeviceProfile &profile,
                        const CostModelOptions &options) {
  std::vector<DispatchCost> costs;
  module.walk([&](kernel::DispatchOp dispatch) {
    costs.push_back(
        estimateDispatch(countDispatchWork(dispatch), profile, options));
  });
  return costs;
}

//===----------------------------------------------------------------------===//
// The schedule term
//===----------------------------------------------------------------------===//

bool DispatchShape::isContraction() const {
  return valid && llvm::is_contained(reduction, true);
}

/// The loops (with coefficients) an index expression adds up, or an empty
/// list when it is not a sum of loops times constants.
static std::vector<std::pair<unsigned, int64_t>> indexTerms(AffineExpr expr) {
  std::vector<std::pair<unsigned, int64_t>> terms;
  std::function<bool(AffineExpr)> walk = [&](AffineExpr e) {
    if (auto dim = dyn_cast<AffineDimExpr>(e)) {
      terms.push_back({dim.getPosition(), 1});
      return true;
    }
    if (isa<AffineConstantExpr>(e))
      return true;
    auto bin = dyn_cast<AffineBinaryOpExpr>(e);
    if (!bin)
      return false;
    if (bin.getKind() == AffineExprKind::Add)
      return walk(bin.getLHS()) && walk(bin.getRHS());
    if (bin.getKind() == AffineExprKind::Mul) {
      auto dim = dyn_cast<AffineDimExpr>(bin.getLHS());
      auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
      if (dim && c && c.getValue() > 0) {
        terms.push_back({dim.getPosition(), c.getValue()});
        return true;
      }
    }
    return false;
  };
  if (!walk(expr))
    terms.clear();
  return terms;
}

DispatchShape zellige::getDispatchShape(kernel::DispatchOp dispatch) {
  DispatchShape shape;
  for (Type type : dispatch->getResultTypes())
    shape.resultBytes += tensorBytes(type).value_or(0.0);
  // The root: a contraction (an op with a reduction loop) before any other
  // op, then the most iterations; the last of equals (the result producer).
  linalg::LinalgOp root;
  auto rank = [](linalg::LinalgOp op) {
    double points = 1;
    for (int64_t range : op.getStaticLoopRanges())
      points *= ShapedType::isDynamic(range) ? 1.0 : double(range);
    return std::make_pair(op.getNumReductionLoops() > 0, points);
  };
  dispatch.getBody().walk([&](linalg::LinalgOp op) {
    if (countBodyOps(op) == 0)
      return; // fills and copies
    if (!root || rank(op) >= rank(root))
      root = op;
  });
  if (!root)
    return shape;
  for (int64_t range : root.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range))
      return shape;
    shape.loopRanges.push_back(range);
  }
  for (utils::IteratorType it : root.getIteratorTypesArray())
    shape.reduction.push_back(it == utils::IteratorType::reduction);
  for (OpOperand *input : root.getDpsInputOperands()) {
    auto type = dyn_cast<ShapedType>(input->get().getType());
    if (!type)
      continue; // a scalar: no traffic
    AffineMap map = root.getMatchingIndexingMap(input);
    std::vector<std::vector<std::pair<unsigned, int64_t>>> indexing;
    for (AffineExpr expr : map.getResults())
      indexing.push_back(indexTerms(expr));
    std::vector<int64_t> dims;
    for (int64_t size : type.getShape())
      dims.push_back(ShapedType::isDynamic(size) ? 0 : size);
    unsigned bits = type.getElementType().isIntOrFloat()
                        ? type.getElementType().getIntOrFloatBitWidth()
                        : 64;
    shape.inputIndexing.push_back(std::move(indexing));
    shape.inputShapes.push_back(std::move(dims));
    shape.inputElementBytes.push_back(double(std::max(bits, 8u)) / 8.0);
  }
  shape.valid = true;
  return shape;
}

/// Elements of input `i` that a block of `extent[loop]` iterations reads.
static double footprint(const DispatchShape &shape, size_t i,
                        ArrayRef<double> extent) {
  double elements = 1;
  for (auto [d, terms] : llvm::enumerate(shape.inputIndexing[i])) {
    double size = shape.inputShapes[i][d];
    double e = 1;
    if (terms.empty()) {
      e = size > 0 ? size : 1;
    } else {
      for (auto [loop, coefficient] : terms)
        if (loop < extent.size())
          e += double(coefficient) * (extent[loop] - 1);
      if (size > 0)
        e = std::min(e, size);
    }
    elements *= e;
  }
  return elements;
}

ScheduleCost
zellige::estimateSchedule(const DispatchCost &cost, const DispatchShape &shape,
                          const std::map<std::string, int64_t> &knobs,
                          const DeviceProfile &profile,
                          const CostModelOptions &options) {
  ScheduleCost s;
  if (cost.bound == Bound::Unknown || !shape.valid)
    return s;
  auto knob = [&](StringRef prefix, size_t loop) -> std::optional<int64_t> {
    auto it = knobs.find((prefix + "." + Twine(loop)).str());
    if (it == knobs.end() || it->second <= 0)
      return std::nullopt;
    return it->second;
  };
  bool gpu = llvm::any_of(knobs, [](const auto &k) {
    return StringRef(k.first).starts_with("thread.");
  });
  size_t loops = shape.loopRanges.size();
  // Iterations of each loop per workgroup and per thread.
  std::vector<double> wgExtent(loops), threadExtent(loops, 1);
  double workgroups = 1, threads = 1, accumulators = 1;
  for (size_t l = 0; l < loops; ++l) {
    double range = std::max<int64_t>(shape.loopRanges[l], 1);
    wgExtent[l] = range;
    if (shape.reduction[l])
      continue;
    if (std::optional<int64_t> wg = knob("wg", l)) {
      wgExtent[l] = std::min(range, double(*wg));
      workgroups *= std::ceil(range / wgExtent[l]);
    }
    std::optional<int64_t> t = gpu ? knob("thread", l) : knob("tile", l);
    if (gpu && knob("wg", l))
      threadExtent[l] = std::min(wgExtent[l], double(t.value_or(1)));
    else if (!gpu && t)
      threadExtent[l] = std::min(wgExtent[l], double(*t));
    if (gpu && knob("wg", l))
      threads *= std::ceil(wgExtent[l] / threadExtent[l]);
    accumulators *= threadExtent[l];
  }
  s.workgroups = int64_t(workgroups);
  s.threadsPerWorkgroup = int64_t(threads);
  double units = double(std::max<int64_t>(profile.computeUnits, 1));
  s.occupancy = workgroups / (std::ceil(workgroups / units) * units);
  if (gpu) {
    double warp = double(std::max<int64_t>(profile.warpSize, 1));
    s.laneUtilization = threads / (std::ceil(threads / warp) * warp);
  }
  if (shape.isContraction()) {
    double loads = 0;
    std::vector<double> step = threadExtent;
    for (size_t l = 0; l < loops; ++l)
      if (shape.reduction[l])
        step[l] = 1;
    for (size_t i = 0; i < shape.inputIndexing.size(); ++i)
      loads += footprint(shape, i, step);
    s.threadEfficiency = std::min(1.0, accumulators / kLatencyAccumulators) *
                         accumulators / (accumulators + loads);
  }
  s.trafficBytes = shape.resultBytes;
  for (size_t i = 0; i < shape.inputIndexing.size(); ++i)
    s.trafficBytes +=
        workgroups * footprint(shape, i, wgExtent) * shape.inputElementBytes[i];
  s.trafficBytes = std::max(s.trafficBytes, cost.work.bytes);
  s.computeSeconds = cost.computeSeconds /
                     (s.occupancy * s.laneUtilization * s.threadEfficiency);
  s.memorySeconds = s.trafficBytes / profile.bandwidthBytes;
  s.seconds = std::max(s.computeSeconds, s.memorySeconds) +
              options.launchOverheadSeconds;
  return s;
}
