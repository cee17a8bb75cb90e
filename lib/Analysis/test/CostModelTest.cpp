//===- CostModelTest.cpp - Roofline cost model tests ------------*- C++ -*-===//
//
// This file tests the roofline cost model on synthetic dispatches: the
// operation and byte counts of a matmul and of an elementwise dispatch, the
// compute- and memory-bound verdicts on a made-up profile, the peak
// fallbacks and the unknown cases; and the schedule term: the root op's
// shape, occupancy, lane utilization, thread efficiency and tile traffic.
//
//===----------------------------------------------------------------------===//

#include "zellige/Analysis/CostModel.h"
#include "zellige/Codegen/GPU/DeviceProfile.h"

#include "dialects/kernel/KernelDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace mlir;
using namespace zellige;

namespace {

// A 256x512 by 512x128 f32 matmul with a fused bias add, and a 1024-element
// f16 elementwise dispatch computing exp(a - b).
constexpr const char *kModule = R"mlir(
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#flat = affine_map<(d0) -> (d0)>
func.func @f(%a: tensor<256x512xf32>, %b: tensor<512x128xf32>, %bias: tensor<128xf32>,
             %x: tensor<1024xf16>, %y: tensor<1024xf16>) -> (tensor<256x128xf32>, tensor<1024xf16>) {
  %0 = kernel.dispatch @mm (%a, %b, %bias : tensor<256x512xf32>, tensor<512x128xf32>, tensor<128xf32>) config <"matmul", []> -> tensor<256x128xf32> {
  ^bb0(%arg0: tensor<256x512xf32>, %arg1: tensor<512x128xf32>, %arg2: tensor<128xf32>):
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<256x128xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<256x128xf32>) -> tensor<256x128xf32>
    %m = linalg.matmul ins(%arg0, %arg1 : tensor<256x512xf32>, tensor<512x128xf32>) outs(%z : tensor<256x128xf32>) -> tensor<256x128xf32>
    %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %arg2 : tensor<256x128xf32>, tensor<128xf32>) outs(%e : tensor<256x128xf32>) {
    ^bb0(%in: f32, %in2: f32, %out: f32):
      %s = arith.addf %in, %in2 : f32
      linalg.yield %s : f32
    } -> tensor<256x128xf32>
    kernel.yield %r : tensor<256x128xf32>
  }
  %1 = kernel.dispatch @ew (%x, %y : tensor<1024xf16>, tensor<1024xf16>) config <"elementwise", []> -> tensor<1024xf16> {
  ^bb0(%arg0: tensor<1024xf16>, %arg1: tensor<1024xf16>):
    %e = tensor.empty() : tensor<1024xf16>
    %r = linalg.generic {indexing_maps = [#flat, #flat, #flat], iterator_types = ["parallel"]} ins(%arg0, %arg1 : tensor<1024xf16>, tensor<1024xf16>) outs(%e : tensor<1024xf16>) {
    ^bb0(%in: f16, %in2: f16, %out: f16):
      %d = arith.subf %in, %in2 : f16
      %x32 = arith.extf %d : f16 to f32
      %t = arith.truncf %x32 : f32 to f16
      %ex = math.exp %t : f16
      linalg.yield %ex : f16
    } -> tensor<1024xf16>
    kernel.yield %r : tensor<1024xf16>
  }
  return %0, %1 : tensor<256x128xf32>, tensor<1024xf16>
}
)mlir";

// 1 TFLOP/s f32, 4 TFLOP/s f16, 100 GB/s: a ridge point of 10 f32 FLOP per
// byte.
constexpr const char *kProfile = R"toml(
name = "toy"
target = "cuda"
arch = "sm_80"
[peak]
f32_flops = 1.0e12
f32_flops_source = "test profile"
f16_flops = 4.0e12
f16_flops_source = "test profile"
bandwidth_bytes = 100.0e9
bandwidth_source = "test profile"
)toml";

class CostModelTest : public ::testing::Test {
protected:
  void SetUp() override {
    context.loadDialect<kernel::KernelDialect, arith::ArithDialect,
                        func::FuncDialect, linalg::LinalgDialect,
                        math::MathDialect, tensor::TensorDialect>();
    module = parseSourceString<ModuleOp>(kModule, &context);
    ASSERT_TRUE(module);
    module->walk([&](kernel::DispatchOp d) { dispatches.push_back(d); });
    ASSERT_EQ(dispatches.size(), 2u);
    llvm::Expected<DeviceProfile> p = parseDeviceProfile(kProfile, "toy");
    ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
    profile = *p;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::vector<kernel::DispatchOp> dispatches;
  DeviceProfile profile;
};

TEST_F(CostModelTest, CountsMatmulWork) {
  DispatchWork work = countDispatchWork(dispatches[0]);
  EXPECT_EQ(work.name, "mm");
  // 2*M*N*K for the matmul, M*N for the bias add; the fill is free.
  double expected = 2.0 * 256 * 128 * 512 + 256.0 * 128;
  ASSERT_EQ(work.flops.size(), 1u);
  EXPECT_DOUBLE_EQ(work.flops.at("f32"), expected);
  // Operands and result, 4 bytes each.
  EXPECT_DOUBLE_EQ(work.bytes, 4.0 * (256 * 512 + 512 * 128 + 128 + 256 * 128));
  EXPECT_FALSE(work.dynamicShapes);
}

TEST_F(CostModelTest, CountsElementwiseWork) {
  DispatchWork work = countDispatchWork(dispatches[1]);
  // subf and exp per element; the casts are not arithmetic.
  ASSERT_EQ(work.flops.size(), 1u);
  EXPECT_DOUBLE_EQ(work.flops.at("f16"), 2.0 * 1024);
  EXPECT_DOUBLE_EQ(work.bytes, 2.0 * 3 * 1024);
}

TEST_F(CostModelTest, MatmulIsComputeBound) {
  DispatchCost cost =
      estimateDispatch(countDispatchWork(dispatches[0]), profile);
  EXPECT_EQ(cost.bound, Bound::Compute);
  EXPECT_DOUBLE_EQ(cost.computeSeconds, cost.work.flops.at("f32") / 1.0e12);
  EXPECT_DOUBLE_EQ(cost.memorySeconds, cost.work.bytes / 100.0e9);
  EXPECT_DOUBLE_EQ(cost.seconds, cost.computeSeconds);
  EXPECT_TRUE(cost.notes.empty());
}

TEST_F(CostModelTest, ElementwiseIsMemoryBound) {
  CostModelOptions options;
  options.launchOverheadSeconds = 5e-6;
  DispatchCost cost =
      estimateDispatch(countDispatchWork(dispatches[1]), profile, options);
  EXPECT_EQ(cost.bound, Bound::Memory);
  EXPECT_DOUBLE_EQ(cost.computeSeconds, 2.0 * 1024 / 4.0e12);
  EXPECT_DOUBLE_EQ(cost.seconds, 6.0 * 1024 / 100.0e9 + 5e-6);
}

TEST_F(CostModelTest, FallsBackToF32Peak) {
  profile.peakFlops.erase("f16");
  DispatchCost cost =
      estimateDispatch(countDispatchWork(dispatches[1]), profile);
  EXPECT_DOUBLE_EQ(cost.computeSeconds, 2.0 * 1024 / 1.0e12);
  ASSERT_EQ(cost.notes.size(), 1u);
  EXPECT_EQ(cost.notes[0], "no f16 peak; used f32");
}

TEST_F(CostModelTest, UnknownWithoutPeakOrBandwidth) {
  DeviceProfile noPeak = profile;
  noPeak.peakFlops.clear();
  DispatchCost cost =
      estimateDispatch(countDispatchWork(dispatches[0]), noPeak);
  EXPECT_EQ(cost.bound, Bound::Unknown);
  EXPECT_EQ(cost.seconds, 0.0);

  DeviceProfile noBandwidth = profile;
  noBandwidth.bandwidthBytes = 0;
  cost = estimateDispatch(countDispatchWork(dispatches[1]), noBandwidth);
  EXPECT_EQ(cost.bound, Bound::Unknown);
}

TEST_F(CostModelTest, EstimatesEveryDispatchInOrder) {
  std::vector<DispatchCost> costs = estimateModule(*module, profile);
  ASSERT_EQ(costs.size(), 2u);
  EXPECT_EQ(costs[0].work.name, "mm");
  EXPECT_EQ(costs[1].work.name, "ew");
}

TEST(CostModelKeyTest, ElementTypeKeys) {
  MLIRContext context;
  Builder b(&context);
  EXPECT_EQ(getElementTypeKey(b.getF32Type()), "f32");
  EXPECT_EQ(getElementTypeKey(b.getF16Type()), "f16");
  EXPECT_EQ(getElementTypeKey(b.getBF16Type()), "bf16");
  EXPECT_EQ(getElementTypeKey(b.getI8Type()), "i8");
  EXPECT_EQ(getElementTypeKey(RankedTensorType::get({4}, b.getF16Type())),
            "f16");
}

//===----------------------------------------------------------------------===//
// The schedule term
//===----------------------------------------------------------------------===//

class ScheduleCostTest : public CostModelTest {
protected:
  void SetUp() override {
    CostModelTest::SetUp();
    profile.computeUnits = 4;
    profile.warpSize = 32;
    mm = estimateDispatch(countDispatchWork(dispatches[0]), profile);
    mmShape = getDispatchShape(dispatches[0]);
  }
  ScheduleCost matmul(int64_t wg0, int64_t wg1, int64_t t0, int64_t t1) {
    return estimateSchedule(
        mm, mmShape,
        {{"wg.0", wg0}, {"wg.1", wg1}, {"thread.0", t0}, {"thread.1", t1}},
        profile);
  }
  DispatchCost mm;
  DispatchShape mmShape;
};

TEST_F(ScheduleCostTest, MatmulShapeIsTheContraction) {
  // The matmul, not the fused bias add: M, N parallel, K a reduction.
  ASSERT_TRUE(mmShape.valid);
  EXPECT_TRUE(mmShape.isContraction());
  EXPECT_EQ(mmShape.loopRanges, (std::vector<int64_t>{256, 128, 512}));
  EXPECT_EQ(mmShape.reduction, (std::vector<bool>{false, false, true}));
  ASSERT_EQ(mmShape.inputIndexing.size(), 2u);
  // A[d0, d2], B[d2, d1].
  using Terms = std::vector<std::pair<unsigned, int64_t>>;
  EXPECT_EQ(mmShape.inputIndexing[0][0], (Terms{{0, 1}}));
  EXPECT_EQ(mmShape.inputIndexing[0][1], (Terms{{2, 1}}));
  EXPECT_EQ(mmShape.inputIndexing[1][1], (Terms{{1, 1}}));
  EXPECT_DOUBLE_EQ(mmShape.resultBytes, 256.0 * 128 * 4);

  DispatchShape ew = getDispatchShape(dispatches[1]);
  ASSERT_TRUE(ew.valid);
  EXPECT_FALSE(ew.isContraction());
  EXPECT_EQ(ew.loopRanges, (std::vector<int64_t>{1024}));
}

TEST_F(ScheduleCostTest, CountsWorkgroupsAndOccupancy) {
  // 256/64 x 128/32 = 16 workgroups on 4 compute units: full waves.
  ScheduleCost full = matmul(64, 32, 4, 4);
  EXPECT_EQ(full.workgroups, 16);
  EXPECT_EQ(full.threadsPerWorkgroup, 16 * 8);
  EXPECT_DOUBLE_EQ(full.occupancy, 1.0);
  // One workgroup leaves three of four compute units idle.
  ScheduleCost one = matmul(256, 128, 8, 8);
  EXPECT_EQ(one.workgroups, 1);
  EXPECT_DOUBLE_EQ(one.occupancy, 0.25);
  // Wave quantization: 16 workgroups on 3 units take 6 waves of 3.
  profile.computeUnits = 3;
  EXPECT_DOUBLE_EQ(matmul(64, 32, 4, 4).occupancy, 16.0 / 18.0);
}

TEST_F(ScheduleCostTest, LaneUtilizationAgainstTheWarp) {
  // 64/8 x 32/8 = 32 threads: one full warp.
  EXPECT_DOUBLE_EQ(matmul(64, 32, 8, 8).laneUtilization, 1.0);
  // 8/8 x 32/4 = 8 threads of a warp of 32.
  ScheduleCost small = matmul(8, 32, 8, 4);
  EXPECT_EQ(small.threadsPerWorkgroup, 8);
  EXPECT_DOUBLE_EQ(small.laneUtilization, 0.25);
}

TEST_F(ScheduleCostTest, ThreadTilesNeedAccumulatorsAndReuse) {
  // 1x1: one accumulator (1/8 of kLatencyAccumulators), 2 loads per step.
  EXPECT_DOUBLE_EQ(matmul(32, 32, 1, 1).threadEfficiency,
                   (1.0 / kLatencyAccumulators) * (1.0 / 3.0));
  // 4x4: 16 accumulators, 8 loads per step.
  EXPECT_DOUBLE_EQ(matmul(32, 32, 4, 4).threadEfficiency, 16.0 / 24.0);
  EXPECT_LT(matmul(64, 32, 8, 8).seconds, matmul(64, 32, 1, 1).seconds);
  // Not a contraction: no thread term.
  DispatchCost ew = estimateDispatch(countDispatchWork(dispatches[1]), profile);
  ScheduleCost s = estimateSchedule(ew, getDispatchShape(dispatches[1]),
                                    {{"wg.0", 256}, {"thread.0", 1}}, profile);
  EXPECT_DOUBLE_EQ(s.threadEfficiency, 1.0);
  EXPECT_EQ(s.workgroups, 4);
  EXPECT_EQ(s.threadsPerWorkgroup, 256);
}

TEST_F(ScheduleCostTest, TileTrafficFollowsTheWorkgroupTile) {
  // Each of the 16 workgroups reads a 64x512 slice of A and a 512x32 slice
  // of B: M*N*K*(1/wg.1 + 1/wg.0) elements, plus the result.
  ScheduleCost s = matmul(64, 32, 4, 4);
  double expected = 16.0 * (64 * 512 + 512 * 32) * 4 + 256.0 * 128 * 4;
  EXPECT_DOUBLE_EQ(s.trafficBytes, expected);
  EXPECT_DOUBLE_EQ(s.memorySeconds, expected / profile.bandwidthBytes);
  // Never below the roofline's bytes; smaller tiles move more.
  EXPECT_GE(matmul(256, 128, 8, 8).trafficBytes, mm.work.bytes);
  EXPECT_GT(matmul(8, 8, 1, 1).trafficBytes, s.trafficBytes);
  EXPECT_DOUBLE_EQ(s.seconds, std::max(s.computeSeconds, s.memorySeconds));
  EXPECT_GE(s.computeSeconds, mm.computeSeconds);
}

TEST_F(ScheduleCostTest, HostTilesHaveOneThreadPerWorkgroup) {
  ScheduleCost s = estimateSchedule(mm, mmShape,
                                    {{"wg.0", 64},
                                     {"wg.1", 128},
                                     {"tile.0", 4},
                                     {"tile.1", 16},
                                     {"tile.2", 1}},
                                    profile);
  EXPECT_EQ(s.workgroups, 4);
  EXPECT_EQ(s.threadsPerWorkgroup, 1);
  EXPECT_DOUBLE_EQ(s.laneUtilization, 1.0);
  // 64 accumulators, 4 + 16 loads per K step.
  EXPECT_DOUBLE_EQ(s.threadEfficiency, 64.0 / 84.0);
}

TEST_F(ScheduleCostTest, UnknownRooflineGivesNoEstimate) {
  DeviceProfile noBandwidth = profile;
  noBandwidth.bandwidthBytes = 0;
  DispatchCost unknown =
      estimateDispatch(countDispatchWork(dispatches[0]), noBandwidth);
  EXPECT_EQ(
      estimateSchedule(unknown, mmShape, {{"wg.0", 64}}, noBandwidth).seconds,
      0.0);
  EXPECT_EQ(
      estimateSchedule(mm, DispatchShape(), {{"wg.0", 64}}, profile).seconds,
      0.0);
}

} // namespace
