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
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/CastInterfaces.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

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
