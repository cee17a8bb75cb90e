//===- DeviceProfileTest.cpp - Device profile tests -------------*- C++ -*-===//
//
// This file tests the device profiles the cost model reads: every built-in
// profile parses and cites a source for each figure it gives; optional
// limits left out keep their defaults and are reported as unknown; a figure
// without a source is refused; and source strings are classified by their
// prefix.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/DeviceProfile.h"

#include "llvm/ADT/STLExtras.h"

#include <gtest/gtest.h>

using namespace zellige;

namespace {

TEST(DeviceProfileTest, EveryBuiltinProfileParsesWithSources) {
  std::vector<std::string> names = getBuiltinDeviceProfileNames();
  // The defaults of the built-in targets and of the vendor targets.
  for (const char *name :
       {"pocl-cpu", "opencl-generic", "nvidia-sm80", "nvidia-sm90", "mtt-s4000",
        "metax-c500", "hygon-k100", "ascend-910b", "mlu590", "h20"})
    EXPECT_TRUE(llvm::is_contained(names, name)) << name;
  for (const std::string &name : names) {
    llvm::Expected<DeviceProfile> p = loadDeviceProfile(name);
    ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
    EXPECT_EQ(p->name, name);
    EXPECT_FALSE(p->target.empty()) << name;
    EXPECT_FALSE(p->arch.empty()) << name;
    for (const std::string &key : p->given) {
      if (key == "name" || key == "target" || key == "vendor" ||
          key == "product")
        continue;
      EXPECT_FALSE(p->sourceOf(key).empty())
          << name << ": '" << key << "' has no source";
    }
  }
}

TEST(DeviceProfileTest, H20IsHopper) {
  llvm::Expected<DeviceProfile> p = loadDeviceProfile("h20");
  ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
  EXPECT_EQ(p->target, "cuda");
  EXPECT_EQ(p->arch, "sm_90");
  EXPECT_EQ(p->warpSize, 32);
  EXPECT_GT(p->peakFor("f16"), 0);
  EXPECT_GT(p->peakFor("i8"), 0);
  EXPECT_GT(p->memoryBytes, 0);
  EXPECT_EQ(classifySource(p->sourceOf("peak.f16_flops")),
            SourceKind::PressReport);
}

TEST(DeviceProfileTest, UnknownFiguresAreLeftOut) {
  const char *text = R"toml(
name = "partial"
target = "cambricon"
arch = "mtp_592"
)toml";
  llvm::Expected<DeviceProfile> p = parseDeviceProfile(text, "partial.toml");
  ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
  EXPECT_FALSE(p->has("warp_size"));
  EXPECT_FALSE(p->has("compute_units"));
  EXPECT_EQ(p->warpSize, 32); // The default stays for schedules.
  EXPECT_EQ(p->peakFor("f32"), 0);
  EXPECT_EQ(p->bandwidthBytes, 0);
  EXPECT_EQ(p->memoryBytes, 0);
}

TEST(DeviceProfileTest, FigureWithoutSourceIsRefused) {
  const char *text = R"toml(
name = "bad"
target = "cuda"
arch = "sm_90"
memory_bytes = 1024
)toml";
  llvm::Expected<DeviceProfile> p = parseDeviceProfile(text, "bad.toml");
  ASSERT_FALSE(bool(p));
  EXPECT_EQ(llvm::toString(p.takeError()),
            "bad.toml: 'memory_bytes' has no source");

  const char *peak = R"toml(
name = "bad"
target = "cuda"
arch = "sm_90"
[peak]
i8_flops = 1.0e12
)toml";
  p = parseDeviceProfile(peak, "bad.toml");
  ASSERT_FALSE(bool(p));
  EXPECT_EQ(llvm::toString(p.takeError()),
            "bad.toml: peak.i8_flops has no _flops_source");
}

TEST(DeviceProfileTest, MisspeltKeyIsRefused) {
  const char *text = R"toml(
name = "typo"
target = "cuda"
arch = "sm_90"
warp_sizes = 32
)toml";
  llvm::Expected<DeviceProfile> p = parseDeviceProfile(text, "typo.toml");
  ASSERT_FALSE(bool(p));
  EXPECT_EQ(llvm::toString(p.takeError()),
            "typo.toml: unknown key 'warp_sizes'");
}

TEST(DeviceProfileTest, TargetKindIsNotValidated) {
  // Target kinds are checked where a profile is used, not when it is read.
  const char *text = R"toml(
name = "future"
target = "no-such-target"
arch = "x"
)toml";
  llvm::Expected<DeviceProfile> p = parseDeviceProfile(text, "future.toml");
  ASSERT_TRUE(bool(p)) << llvm::toString(p.takeError());
  EXPECT_EQ(p->target, "no-such-target");
}

TEST(DeviceProfileTest, ClassifiesSources) {
  EXPECT_EQ(classifySource("NVIDIA H100 datasheet: FP32 67 TFLOPS"),
            SourceKind::Documented);
  EXPECT_EQ(classifySource("vendor claim: FP32 25 TFLOPS"),
            SourceKind::VendorClaim);
  EXPECT_EQ(classifySource("press report: 96 GB"), SourceKind::PressReport);
  EXPECT_EQ(classifySource("public code: gfx928"), SourceKind::PublicCode);
  EXPECT_EQ(classifySource("derived: half of 280 TOPS"), SourceKind::Derived);
  EXPECT_EQ(classifySource("assumption: a mid-range GPU"),
            SourceKind::Assumption);
  EXPECT_EQ(classifySource("estimate for one VM"), SourceKind::Assumption);
  EXPECT_EQ(classifySource("measured: clinfo"), SourceKind::Measured);
  EXPECT_EQ(stringifySourceKind(SourceKind::VendorClaim), "vendor claim");
}

} // namespace
