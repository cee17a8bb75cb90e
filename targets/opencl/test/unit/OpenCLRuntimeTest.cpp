//===- OpenCLRuntimeTest.cpp - OpenCL runtime driver tests -----*- C++ -*-===//
//
// This file tests the "opencl" HAL driver on the machine's first OpenCL
// device: enumeration, buffers and views, copies, program builds and their
// errors, the on-disk program cache and launch-size checks. The kernels here
// are tiny and only exercise the driver; results of real kernels are checked
// by the end-to-end tests with compiler-generated code.
//
//===----------------------------------------------------------------------===//

#include "targets/opencl/runtime/OpenCLDriver.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

using namespace llvm;
using namespace zellige;

namespace {

/// Sets an environment variable for the lifetime of this object, then
/// restores what was there.
class ScopedEnv {
public:
  ScopedEnv(const char *name, std::optional<std::string> value) : name(name) {
    if (const char *old = std::getenv(name))
      previous = old;
    set(value);
  }
  ~ScopedEnv() { set(previous); }

private:
  void set(const std::optional<std::string> &value) {
    if (value)
      ::setenv(name, value->c_str(), 1);
    else
      ::unsetenv(name);
  }
  const char *name;
  std::optional<std::string> previous;
};

/// Source of a tiny program with one kernel per name, each taking one
/// buffer.
std::string tinySource(ArrayRef<std::string> names) {
  std::string src;
  for (const std::string &n : names)
    src += "__kernel void " + n +
           "(__global float *a) {\n"
           "  a[get_global_id(0)] = (float)get_local_id(0);\n"
           "}\n";
  return src;
}

ArrayRef<uint8_t> bytesOf(StringRef s) {
  return ArrayRef<uint8_t>(s.bytes_begin(), s.bytes_end());
}

/// A manifest with one single-binding dispatch per kernel name, and the
/// matching OpenCL executable description.
struct TinyBundle {
  BundleManifest manifest;
  ExecutableDesc exe;
  std::string source;

  explicit TinyBundle(std::vector<std::string> names,
                      std::array<int64_t, 3> local = {4, 1, 1}) {
    for (const std::string &n : names) {
      DispatchDesc d;
      d.name = "dispatch_" + n;
      d.symbol = n;
      d.bindings = {0};
      manifest.dispatches.push_back(d);
      exe.workgroupCounts.push_back({1, 1, 1});
      exe.workgroupSizes.push_back(local);
    }
    exe.target = "opencl";
    exe.format = "opencl-c";
    exe.section = "exe.opencl";
    source = tinySource(names);
  }
};

class OpenCLRuntimeTest : public ::testing::Test {
protected:
  void SetUp() override {
    registerOpenCLRuntimeDriver();
    driver = hal::lookupDriver("opencl");
    ASSERT_NE(driver, nullptr);
    Expected<std::vector<hal::DeviceInfo>> devices = driver->enumerate();
    if (!devices)
      GTEST_SKIP() << "no OpenCL device: " << toString(devices.takeError());
    infos = std::move(*devices);

    // Every test gets its own cache folder, so that runs do not share
    // state and nothing is written to the user's cache.
    ASSERT_FALSE(sys::fs::createUniqueDirectory("zellige-opencl-test", tmp));
    cacheEnv.emplace("ZELLIGE_CACHE_DIR", tmp.str().str());
    cacheSwitch.emplace("ZELLIGE_OPENCL_CACHE", std::nullopt);

    Expected<std::unique_ptr<hal::Device>> dev =
        driver->createDevice(0, hal::DeviceOptions());
    ASSERT_TRUE(!!dev) << toString(dev.takeError());
    device = std::move(*dev);
    limits = opencl::getDeviceLimits(*device);
    ASSERT_NE(limits, nullptr);
  }

  void TearDown() override {
    device.reset();
    cacheSwitch.reset();
    cacheEnv.reset();
    if (!tmp.empty())
      sys::fs::remove_directories(tmp);
  }

  std::unique_ptr<hal::Buffer> allocate(uint64_t size) {
    Expected<std::unique_ptr<hal::Buffer>> b = device->allocate(size);
    EXPECT_TRUE(!!b) << toString(b.takeError());
    return b ? std::move(*b) : nullptr;
  }

  Expected<std::unique_ptr<hal::Executable>> load(const TinyBundle &t) {
    return device->loadExecutable(t.exe, bytesOf(t.source), t.manifest);
  }

  /// The files of the OpenCL cache folder.
  std::vector<std::string> cacheFiles() {
    std::vector<std::string> out;
    std::optional<std::string> dir = opencl::getCacheDirectory();
    if (!dir)
      return out;
    std::error_code ec;
    for (sys::fs::directory_iterator it(*dir, ec), end; it != end && !ec;
         it.increment(ec))
      out.push_back(it->path());
    return out;
  }

  hal::Driver *driver = nullptr;
  std::vector<hal::DeviceInfo> infos;
  SmallString<128> tmp;
  std::optional<ScopedEnv> cacheEnv, cacheSwitch;
  std::unique_ptr<hal::Device> device;
  const opencl::DeviceLimits *limits = nullptr;
};

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

TEST_F(OpenCLRuntimeTest, EnumerateFindsDevices) {
  ASSERT_FALSE(infos.empty());
  for (auto [i, info] : llvm::enumerate(infos)) {
    EXPECT_EQ(info.name, "opencl:" + std::to_string(i));
    EXPECT_EQ(info.driver, "opencl");
    EXPECT_NE(info.description.find("compute units"), std::string::npos)
        << info.description;
    EXPECT_EQ(StringRef(info.fingerprint).count('/'), 3u) << info.fingerprint;
  }
  EXPECT_EQ(device->name(), "opencl:0");
  EXPECT_EQ(device->kind(), "opencl");
  EXPECT_EQ(device->fingerprint(), infos[0].fingerprint);
  EXPECT_GT(limits->maxWorkGroupSize, 0u);
  EXPECT_GT(limits->computeUnits, 0u);
  EXPECT_GT(limits->baseAddrAlign, 0u);
  for (uint64_t s : limits->maxWorkItemSizes)
    EXPECT_GT(s, 0u);

  // The registry opens it by name too.
  Expected<std::unique_ptr<hal::Device>> byName = hal::createDevice("opencl");
  ASSERT_TRUE(!!byName) << toString(byName.takeError());
  EXPECT_EQ((*byName)->name(), "opencl:0");
  Expected<std::unique_ptr<hal::Device>> missing =
      driver->createDevice(static_cast<unsigned>(infos.size()), {});
  ASSERT_FALSE(!!missing);
  EXPECT_NE(toString(missing.takeError()).find("does not exist"),
            std::string::npos);
}

TEST_F(OpenCLRuntimeTest, CanLoadOpenCLExecutablesOnly) {
  ExecutableDesc exe;
  exe.target = "opencl";
  EXPECT_TRUE(device->canLoad(exe));
  exe.target = "host";
  EXPECT_FALSE(device->canLoad(exe));
}

TEST_F(OpenCLRuntimeTest, BufferRoundTrip) {
  std::unique_ptr<hal::Buffer> b = allocate(1000);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->size(), 1000u);
  EXPECT_EQ(b->hostPointer(), nullptr);
  std::vector<uint8_t> in = pattern(1000, 3);
  ASSERT_FALSE(errorToBool(b->write(0, in)));
  std::vector<uint8_t> out(1000);
  ASSERT_FALSE(errorToBool(b->read(0, out)));
  EXPECT_EQ(in, out);

  // Partial reads and writes at an offset.
  std::vector<uint8_t> part = pattern(10, 99);
  ASSERT_FALSE(errorToBool(b->write(500, part)));
  std::vector<uint8_t> back(10);
  ASSERT_FALSE(errorToBool(b->read(500, back)));
  EXPECT_EQ(part, back);

  // Out of range.
  Error e = b->read(995, out);
  ASSERT_TRUE(!!e);
  EXPECT_NE(toString(std::move(e)).find("1000-byte buffer"), std::string::npos);
  EXPECT_TRUE(errorToBool(b->write(1001, {})));

  // Empty buffers exist and read nothing.
  std::unique_ptr<hal::Buffer> empty = allocate(0);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->size(), 0u);
  EXPECT_FALSE(errorToBool(empty->read(0, {})));
}

TEST_F(OpenCLRuntimeTest, ConstantsAreCopiedAndReadOnly) {
  std::vector<uint8_t> bytes = pattern(300, 11);
  Expected<std::unique_ptr<hal::Buffer>> c = device->importConstant(bytes);
  ASSERT_TRUE(!!c) << toString(c.takeError());
  bytes.assign(bytes.size(), 0); // The device has its own copy.
  std::vector<uint8_t> out(300);
  ASSERT_FALSE(errorToBool((*c)->read(0, out)));
  EXPECT_EQ(out, pattern(300, 11));
  Error e = (*c)->write(0, out);
  ASSERT_TRUE(!!e);
  EXPECT_NE(toString(std::move(e)).find("constant"), std::string::npos);

  Expected<std::unique_ptr<hal::Buffer>> none = device->importConstant({});
  ASSERT_TRUE(!!none) << toString(none.takeError());
  EXPECT_EQ((*none)->size(), 0u);
}

TEST_F(OpenCLRuntimeTest, ViewsAliasTheirParent) {
  uint64_t align = limits->baseAddrAlign;
  std::unique_ptr<hal::Buffer> parent = allocate(8 * align);
  ASSERT_TRUE(parent);
  ASSERT_FALSE(errorToBool(parent->write(0, pattern(8 * align, 0))));

  Expected<std::unique_ptr<hal::Buffer>> view =
      device->createView(*parent, 2 * align, 3 * align);
  ASSERT_TRUE(!!view) << toString(view.takeError());
  EXPECT_EQ((*view)->size(), 3 * align);

  // The view sees the parent's bytes ...
  std::vector<uint8_t> seen(3 * align);
  ASSERT_FALSE(errorToBool((*view)->read(0, seen)));
  std::vector<uint8_t> all = pattern(8 * align, 0);
  EXPECT_EQ(seen, std::vector<uint8_t>(all.begin() + 2 * align,
                                       all.begin() + 5 * align));

  // ... and the parent sees writes through the view.
  std::vector<uint8_t> patch = pattern(16, 200);
  ASSERT_FALSE(errorToBool((*view)->write(align, patch)));
  std::vector<uint8_t> back(16);
  ASSERT_FALSE(errorToBool(parent->read(3 * align, back)));
  EXPECT_EQ(back, patch);

  // A view of a view is a view of the allocation.
  Expected<std::unique_ptr<hal::Buffer>> inner =
      device->createView(**view, align, align);
  ASSERT_TRUE(!!inner) << toString(inner.takeError());
  std::vector<uint8_t> innerBytes(16);
  ASSERT_FALSE(errorToBool((*inner)->read(0, innerBytes)));
  EXPECT_EQ(innerBytes, patch);

  // Views stay inside their parent; empty views are fine anywhere inside.
  EXPECT_TRUE(errorToBool(
      device->createView(*parent, 6 * align, 3 * align).takeError()));
  Expected<std::unique_ptr<hal::Buffer>> empty =
      device->createView(*parent, 8 * align, 0);
  ASSERT_TRUE(!!empty) << toString(empty.takeError());
}

TEST_F(OpenCLRuntimeTest, MisalignedViewIsAnError) {
  if (limits->baseAddrAlign <= 1)
    GTEST_SKIP() << "the device accepts any sub-buffer origin";
  std::unique_ptr<hal::Buffer> parent = allocate(4 * limits->baseAddrAlign);
  ASSERT_TRUE(parent);
  Expected<std::unique_ptr<hal::Buffer>> view =
      device->createView(*parent, 4, 16);
  ASSERT_FALSE(!!view);
  std::string msg = toString(view.takeError());
  EXPECT_NE(msg.find("CL_DEVICE_MEM_BASE_ADDR_ALIGN"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("offset 4"), std::string::npos) << msg;
}

TEST_F(OpenCLRuntimeTest, Copy) {
  std::unique_ptr<hal::Buffer> a = allocate(512), b = allocate(512);
  ASSERT_TRUE(a && b);
  std::vector<uint8_t> in = pattern(512, 5);
  ASSERT_FALSE(errorToBool(a->write(0, in)));
  ASSERT_FALSE(errorToBool(device->copy(*a, *b, 512)));
  ASSERT_FALSE(errorToBool(device->synchronize()));
  std::vector<uint8_t> out(512);
  ASSERT_FALSE(errorToBool(b->read(0, out)));
  EXPECT_EQ(in, out);

  // From a constant, and not into one.
  Expected<std::unique_ptr<hal::Buffer>> c =
      device->importConstant(pattern(64, 77));
  ASSERT_TRUE(!!c) << toString(c.takeError());
  ASSERT_FALSE(errorToBool(device->copy(**c, *b, 64)));
  std::vector<uint8_t> head(64);
  ASSERT_FALSE(errorToBool(b->read(0, head)));
  EXPECT_EQ(head, pattern(64, 77));
  EXPECT_TRUE(errorToBool(device->copy(*b, **c, 64)));
  EXPECT_TRUE(errorToBool(device->copy(*a, *b, 513)));
}

TEST_F(OpenCLRuntimeTest, OverlappingCopyBetweenViews) {
  uint64_t align = limits->baseAddrAlign;
  uint64_t n = 4 * align;
  std::unique_ptr<hal::Buffer> parent = allocate(2 * n);
  ASSERT_TRUE(parent);
  std::vector<uint8_t> all = pattern(2 * n, 9);
  ASSERT_FALSE(errorToBool(parent->write(0, all)));
  Expected<std::unique_ptr<hal::Buffer>> lo = device->createView(*parent, 0, n);
  Expected<std::unique_ptr<hal::Buffer>> hi =
      device->createView(*parent, align, n);
  ASSERT_TRUE(!!lo) << toString(lo.takeError());
  ASSERT_TRUE(!!hi) << toString(hi.takeError());
  ASSERT_FALSE(errorToBool(device->copy(**lo, **hi, n)));
  std::vector<uint8_t> out(n);
  ASSERT_FALSE(errorToBool((*hi)->read(0, out)));
  EXPECT_EQ(out, std::vector<uint8_t>(all.begin(), all.begin() + n));
}

TEST_F(OpenCLRuntimeTest, BuildFailureShowsTheLog) {
  TinyBundle t({"broken"});
  t.source = "__kernel void broken(__global float *a) {\n"
             "  a[0] = zellige_undeclared_name;\n"
             "}\n";
  Expected<std::unique_ptr<hal::Executable>> exe = load(t);
  ASSERT_FALSE(!!exe);
  std::string msg = toString(exe.takeError());
  EXPECT_NE(msg.find("clBuildProgram"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Build log"), std::string::npos) << msg;
  EXPECT_NE(msg.find("zellige_undeclared_name"), std::string::npos) << msg;
  EXPECT_NE(msg.find(limits->name), std::string::npos) << msg;
  EXPECT_TRUE(cacheFiles().empty());
}

TEST_F(OpenCLRuntimeTest, MissingKernelIsNamed) {
  TinyBundle t({"present", "absent_kernel"});
  t.source = tinySource({"present"});
  Expected<std::unique_ptr<hal::Executable>> exe = load(t);
  ASSERT_FALSE(!!exe);
  std::string msg = toString(exe.takeError());
  EXPECT_NE(msg.find("no kernel 'absent_kernel'"), std::string::npos) << msg;
}

TEST_F(OpenCLRuntimeTest, KernelArgumentsMustMatchBindings) {
  TinyBundle t({"k"});
  t.manifest.dispatches[0].bindings = {0, 1};
  Expected<std::unique_ptr<hal::Executable>> exe = load(t);
  ASSERT_FALSE(!!exe);
  std::string msg = toString(exe.takeError());
  EXPECT_NE(msg.find("takes 1 arguments"), std::string::npos) << msg;
}

TEST_F(OpenCLRuntimeTest, WrongFormatIsRefused) {
  TinyBundle t({"k"});
  t.exe.format = "ptx";
  Expected<std::unique_ptr<hal::Executable>> exe = load(t);
  ASSERT_FALSE(!!exe);
  EXPECT_NE(toString(exe.takeError()).find("opencl-c"), std::string::npos);
}

TEST_F(OpenCLRuntimeTest, DispatchRuns) {
  TinyBundle t({"first", "second"});
  t.manifest.dispatches[1].name = "";
  Expected<std::unique_ptr<hal::Executable>> exe = load(t);
  ASSERT_TRUE(!!exe) << toString(exe.takeError());
  std::unique_ptr<hal::Buffer> b = allocate(64 * sizeof(float));
  ASSERT_TRUE(b);
  hal::Buffer *bindings[] = {b.get()};
  ASSERT_FALSE(errorToBool((*exe)->dispatch(0, bindings, {16, 1, 1})));
  ASSERT_FALSE(errorToBool((*exe)->dispatch(1, bindings, {2, 1, 1})));
  // No workgroups: nothing to run.
  ASSERT_FALSE(errorToBool((*exe)->dispatch(0, bindings, {0, 1, 1})));
  ASSERT_FALSE(errorToBool(device->synchronize()));

  EXPECT_TRUE(errorToBool((*exe)->dispatch(2, bindings, {1, 1, 1})));
  EXPECT_TRUE(errorToBool((*exe)->dispatch(0, {}, {1, 1, 1})));
  EXPECT_TRUE(errorToBool((*exe)->dispatch(0, bindings, {-1, 1, 1})));

  // A buffer of another device is refused.
  Expected<std::unique_ptr<hal::Device>> other = driver->createDevice(0, {});
  ASSERT_TRUE(!!other) << toString(other.takeError());
  Expected<std::unique_ptr<hal::Buffer>> foreign = (*other)->allocate(64);
  ASSERT_TRUE(!!foreign) << toString(foreign.takeError());
  hal::Buffer *foreignBindings[] = {foreign->get()};
  Error e = (*exe)->dispatch(0, foreignBindings, {1, 1, 1});
  ASSERT_TRUE(!!e);
  EXPECT_NE(toString(std::move(e)).find("not a buffer of device"),
            std::string::npos);
}

TEST_F(OpenCLRuntimeTest, ReportsItsWorkgroupLimit) {
  EXPECT_GT(device->maxWorkgroupSize(), 0);
  EXPECT_EQ(uint64_t(device->maxWorkgroupSize()), limits->maxWorkGroupSize);
}

TEST_F(OpenCLRuntimeTest, DeviceTimersTimeTheLastDispatch) {
  TinyBundle t({"first"});
  std::unique_ptr<hal::Buffer> b = allocate(4096 * sizeof(float));
  ASSERT_TRUE(b);
  hal::Buffer *bindings[] = {b.get()};
  {
    // Without DeviceOptions::deviceTimers: no device time.
    Expected<std::unique_ptr<hal::Executable>> exe = load(t);
    ASSERT_TRUE(!!exe) << toString(exe.takeError());
    ASSERT_FALSE(errorToBool((*exe)->dispatch(0, bindings, {256, 1, 1})));
    ASSERT_FALSE(errorToBool(device->synchronize()));
    Expected<std::optional<double>> ms = device->lastDispatchDeviceMs();
    ASSERT_TRUE(!!ms) << toString(ms.takeError());
    EXPECT_FALSE(ms->has_value());
  }
  hal::DeviceOptions options;
  options.deviceTimers = true;
  Expected<std::unique_ptr<hal::Device>> timed =
      driver->createDevice(0, options);
  ASSERT_TRUE(!!timed) << toString(timed.takeError());
  hal::Device &dev = **timed;
  Expected<std::unique_ptr<hal::Buffer>> buf = dev.allocate(4096 * 4);
  ASSERT_TRUE(!!buf) << toString(buf.takeError());
  Expected<std::unique_ptr<hal::Executable>> exe =
      dev.loadExecutable(t.exe, bytesOf(t.source), t.manifest);
  ASSERT_TRUE(!!exe) << toString(exe.takeError());
  hal::Buffer *timedBindings[] = {buf->get()};
  ASSERT_FALSE(errorToBool((*exe)->dispatch(0, timedBindings, {256, 1, 1})));
  ASSERT_FALSE(errorToBool(dev.synchronize()));
  Expected<std::optional<double>> ms = dev.lastDispatchDeviceMs();
  ASSERT_TRUE(!!ms) << toString(ms.takeError());
  ASSERT_TRUE(ms->has_value());
  EXPECT_GE(**ms, 0.0);
  EXPECT_LT(**ms, 10000.0);
  // No workgroups: nothing ran, so nothing was timed.
  ASSERT_FALSE(errorToBool((*exe)->dispatch(0, timedBindings, {0, 1, 1})));
  ASSERT_FALSE(errorToBool(dev.synchronize()));
  Expected<std::optional<double>> none = dev.lastDispatchDeviceMs();
  ASSERT_TRUE(!!none) << toString(none.takeError());
  EXPECT_FALSE(none->has_value());
}

TEST_F(OpenCLRuntimeTest, OversizedWorkgroupIsAnError) {
  int64_t tooMany = static_cast<int64_t>(limits->maxWorkGroupSize) + 1;
  TinyBundle t({"big"}, {tooMany, 1, 1});
  Expected<std::unique_ptr<hal::Executable>> exe = load(t);
  ASSERT_TRUE(!!exe) << toString(exe.takeError());
  std::unique_ptr<hal::Buffer> b = allocate(tooMany * sizeof(float));
  ASSERT_TRUE(b);
  hal::Buffer *bindings[] = {b.get()};
  Error e = (*exe)->dispatch(0, bindings, {1, 1, 1});
  ASSERT_TRUE(!!e);
  std::string msg = toString(std::move(e));
  EXPECT_NE(msg.find("exceeds"), std::string::npos) << msg;
  EXPECT_NE(msg.find("CL_KERNEL_WORK_GROUP_SIZE"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'big'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(limits->name), std::string::npos) << msg;

  // Zero threads in a dimension, and no sizes at all, are errors too.
  TinyBundle zero({"zero"}, {0, 1, 1});
  Expected<std::unique_ptr<hal::Executable>> zeroExe = load(zero);
  ASSERT_TRUE(!!zeroExe) << toString(zeroExe.takeError());
  EXPECT_TRUE(errorToBool((*zeroExe)->dispatch(0, bindings, {1, 1, 1})));

  TinyBundle unsized({"unsized"});
  unsized.exe.workgroupSizes.clear();
  Expected<std::unique_ptr<hal::Executable>> unsizedExe = load(unsized);
  ASSERT_TRUE(!!unsizedExe) << toString(unsizedExe.takeError());
  Error noSize = (*unsizedExe)->dispatch(0, bindings, {1, 1, 1});
  ASSERT_TRUE(!!noSize);
  EXPECT_NE(toString(std::move(noSize)).find("workgroupSizes"),
            std::string::npos);
}

TEST_F(OpenCLRuntimeTest, ProgramCache) {
  TinyBundle t({"cached_a", "cached_b"});
  std::optional<std::string> dir = opencl::getCacheDirectory();
  ASSERT_TRUE(dir);
  EXPECT_TRUE(StringRef(*dir).starts_with(tmp)) << *dir;

  opencl::CacheStats before = opencl::getCacheStats();
  {
    Expected<std::unique_ptr<hal::Executable>> exe = load(t);
    ASSERT_TRUE(!!exe) << toString(exe.takeError());
  }
  opencl::CacheStats afterBuild = opencl::getCacheStats();
  EXPECT_EQ(afterBuild.misses, before.misses + 1);
  EXPECT_EQ(afterBuild.writes, before.writes + 1);
  std::vector<std::string> files = cacheFiles();
  ASSERT_EQ(files.size(), 1u);
  sys::fs::file_status first;
  ASSERT_FALSE(sys::fs::status(files[0], first));

  // The second load uses the entry and leaves it as it is.
  {
    Expected<std::unique_ptr<hal::Executable>> exe = load(t);
    ASSERT_TRUE(!!exe) << toString(exe.takeError());
    std::unique_ptr<hal::Buffer> b = allocate(16 * sizeof(float));
    hal::Buffer *bindings[] = {b.get()};
    EXPECT_FALSE(errorToBool((*exe)->dispatch(1, bindings, {4, 1, 1})));
    EXPECT_FALSE(errorToBool(device->synchronize()));
  }
  opencl::CacheStats afterHit = opencl::getCacheStats();
  EXPECT_EQ(afterHit.hits, afterBuild.hits + 1);
  EXPECT_EQ(afterHit.writes, afterBuild.writes);
  sys::fs::file_status second;
  ASSERT_FALSE(sys::fs::status(files[0], second));
  EXPECT_EQ(first.getUniqueID(), second.getUniqueID());

  // Other build options or source get their own entry.
  TinyBundle other({"cached_c"});
  ASSERT_TRUE(!!load(other));
  EXPECT_EQ(cacheFiles().size(), 2u);

  // An unusable entry is rebuilt from source and replaced.
  {
    std::error_code ec;
    raw_fd_ostream os(files[0], ec);
    ASSERT_FALSE(ec);
    os << "not a program binary";
  }
  {
    Expected<std::unique_ptr<hal::Executable>> exe = load(t);
    ASSERT_TRUE(!!exe) << toString(exe.takeError());
  }
  opencl::CacheStats afterReject = opencl::getCacheStats();
  EXPECT_EQ(afterReject.rejected, afterHit.rejected + 1);
  EXPECT_EQ(afterReject.writes, afterHit.writes + 2);
  uint64_t size = 0;
  ASSERT_FALSE(sys::fs::file_size(files[0], size));
  EXPECT_GT(size, 64u);
  ASSERT_TRUE(!!load(t));
  EXPECT_EQ(opencl::getCacheStats().hits, afterReject.hits + 1);
}

TEST_F(OpenCLRuntimeTest, CacheCanBeTurnedOff) {
  ScopedEnv off("ZELLIGE_OPENCL_CACHE", std::string("0"));
  EXPECT_FALSE(opencl::getCacheDirectory());
  opencl::CacheStats before = opencl::getCacheStats();
  TinyBundle t({"uncached"});
  ASSERT_TRUE(!!load(t));
  EXPECT_EQ(opencl::getCacheStats().writes, before.writes);
  EXPECT_FALSE(sys::fs::exists(Twine(tmp) + "/opencl"));
}

TEST_F(OpenCLRuntimeTest, UnwritableCacheIsSkipped) {
  // A cache "folder" that is a file cannot hold entries; loads still work.
  SmallString<128> file(tmp);
  sys::path::append(file, "not-a-dir");
  {
    std::error_code ec;
    raw_fd_ostream os(file, ec);
    ASSERT_FALSE(ec);
  }
  ScopedEnv env("ZELLIGE_CACHE_DIR", file.str().str());
  TinyBundle t({"nowhere"});
  Expected<std::unique_ptr<hal::Executable>> exe = load(t);
  ASSERT_TRUE(!!exe) << toString(exe.takeError());
}

TEST(OpenCLCacheDirectory, FollowsTheEnvironment) {
  ScopedEnv on("ZELLIGE_OPENCL_CACHE", std::nullopt);
  {
    ScopedEnv a("ZELLIGE_CACHE_DIR", std::string("/x/zc"));
    EXPECT_EQ(opencl::getCacheDirectory(), std::string("/x/zc/opencl"));
  }
  ScopedEnv a("ZELLIGE_CACHE_DIR", std::nullopt);
  {
    ScopedEnv b("XDG_CACHE_HOME", std::string("/x/xdg"));
    EXPECT_EQ(opencl::getCacheDirectory(),
              std::string("/x/xdg/zellige/opencl"));
  }
  ScopedEnv b("XDG_CACHE_HOME", std::nullopt);
  ScopedEnv c("HOME", std::string("/x/home"));
  EXPECT_EQ(opencl::getCacheDirectory(),
            std::string("/x/home/.cache/zellige/opencl"));
}

} // namespace
