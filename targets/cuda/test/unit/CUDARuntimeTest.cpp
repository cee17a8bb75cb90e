//===- CUDARuntimeTest.cpp - Unit tests of the CUDA runtime driver -------===//
//
// This file tests the "cuda" HAL driver three ways:
//
// * without a driver library: a missing ZELLIGE_CUDA_LIBRARY, the default
//   libcuda.so.1 (absent on machines without an NVIDIA driver) and, when
//   the CUDA toolkit is installed, its stub libcuda must all fail cleanly
//   with a message that says why;
// * against FakeCUDADriver (a host-memory stand-in for libcuda), which
//   checks the driver's calls on any machine;
// * against the real GPU when one is present (skipped otherwise): buffers,
//   views, copies and a PTX kernel launch. The device tests run on both the
//   fake and the GPU.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/HAL.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace zellige {
void registerCUDARuntimeDriver();
} // namespace zellige

using namespace zellige;
using llvm::StringRef;

namespace {

constexpr const char *kLibraryEnv = "ZELLIGE_CUDA_LIBRARY";

/// Sets (or, given null, unsets) an environment variable for the life of the
/// object.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const char *value) : name(name) {
    if (const char *old = std::getenv(name))
      saved = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (saved)
      ::setenv(name, saved->c_str(), 1);
    else
      ::unsetenv(name);
  }

private:
  const char *name;
  std::optional<std::string> saved;
};

hal::Driver &cudaDriver() {
  registerCUDARuntimeDriver();
  hal::Driver *d = hal::lookupDriver("cuda");
  EXPECT_NE(d, nullptr);
  return *d;
}

template <typename T> std::string errorOf(llvm::Expected<T> &value) {
  return value ? std::string() : llvm::toString(value.takeError());
}

/// What FakeCUDADriver records (its FakeState).
struct FakeState {
  int liveAllocations;
  int liveModules;
  int liveStreams;
  int primaryContextRetains;
  int launches;
  unsigned grid[3], block[3];
  unsigned sharedMemBytes;
  int numParams;
  unsigned long long params[8];
};

/// The fake's state; the fake is loaded by then (dlopen finds the same
/// library the driver opened).
FakeState &fakeState() {
  void *handle = dlopen(ZELLIGE_FAKE_CUDA_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  EXPECT_NE(handle, nullptr) << dlerror();
  auto fn =
      reinterpret_cast<FakeState *(*)()>(dlsym(handle, "zlgFakeCudaState"));
  EXPECT_NE(fn, nullptr);
  return *fn();
}

/// A buffer that belongs to no CUDA device.
class ForeignBuffer final : public hal::Buffer {
public:
  ForeignBuffer() : Buffer(16) {}
  void *hostPointer() override { return bytes; }
  llvm::Error read(uint64_t, llvm::MutableArrayRef<uint8_t>) override {
    return llvm::Error::success();
  }
  llvm::Error write(uint64_t, llvm::ArrayRef<uint8_t>) override {
    return llvm::Error::success();
  }

private:
  uint8_t bytes[16] = {};
};

/// out[i] = in[i] + 1 for every thread i along x.
constexpr const char *kAddOnePTX = R"(.version 7.0
.target sm_80
.address_size 64

.visible .entry add_one(
    .param .u64 add_one_param_0,
    .param .u64 add_one_param_1
)
{
    .reg .b32 %r<5>;
    .reg .f32 %f<3>;
    .reg .b64 %rd<8>;

    ld.param.u64 %rd1, [add_one_param_0];
    ld.param.u64 %rd2, [add_one_param_1];
    cvta.to.global.u64 %rd3, %rd1;
    cvta.to.global.u64 %rd4, %rd2;
    mov.u32 %r1, %ctaid.x;
    mov.u32 %r2, %ntid.x;
    mov.u32 %r3, %tid.x;
    mad.lo.s32 %r4, %r1, %r2, %r3;
    mul.wide.s32 %rd5, %r4, 4;
    add.s64 %rd6, %rd3, %rd5;
    ld.global.f32 %f1, [%rd6];
    add.f32 %f2, %f1, 0f3F800000;
    add.s64 %rd7, %rd4, %rd5;
    st.global.f32 [%rd7], %f2;
    ret;
}
)";

std::vector<uint8_t> bytesOf(StringRef text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

/// A manifest with one dispatch of `symbol` binding buffers 0 (in) and 1
/// (out), and its cuda executable with workgroups of `block` threads.
struct OneDispatch {
  BundleManifest manifest;
  ExecutableDesc exe;
  OneDispatch(const std::string &symbol, std::array<int64_t, 3> block) {
    DispatchDesc d;
    d.name = "dispatch_0_add_one";
    d.symbol = symbol;
    d.bindings = {0, 1};
    manifest.dispatches.push_back(d);
    exe.target = "cuda";
    exe.format = "ptx";
    exe.section = "exe.cuda";
    exe.workgroupCounts = {{1, 1, 1}};
    exe.workgroupSizes = {block};
  }
};

//===----------------------------------------------------------------------===//
// No driver library
//===----------------------------------------------------------------------===//

TEST(CUDARuntime, MissingLibraryFailsEnumerate) {
  const char *path = "/nonexistent/zellige/libcuda-missing.so.1";
  ScopedEnv env(kLibraryEnv, path);
  auto devices = cudaDriver().enumerate();
  ASSERT_FALSE(static_cast<bool>(devices));
  std::string msg = errorOf(devices);
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
}

TEST(CUDARuntime, MissingLibraryFailsCreateDevice) {
  const char *path = "/nonexistent/zellige/libcuda-missing.so.1";
  ScopedEnv env(kLibraryEnv, path);
  cudaDriver();
  auto device = hal::createDevice("cuda");
  ASSERT_FALSE(static_cast<bool>(device));
  std::string msg = errorOf(device);
  EXPECT_NE(msg.find("cannot run here"), std::string::npos) << msg;
  EXPECT_NE(msg.find(path), std::string::npos) << msg;

  std::vector<std::string> unavailable;
  std::vector<hal::DeviceInfo> devices = hal::enumerateDevices(&unavailable);
  for (const hal::DeviceInfo &d : devices)
    EXPECT_NE(d.driver, "cuda");
  bool listed = false;
  for (const std::string &line : unavailable)
    listed |= StringRef(line).starts_with("cuda: ");
  EXPECT_TRUE(listed);
}

TEST(CUDARuntime, DefaultLibraryFailsOrFindsDevices) {
  ScopedEnv env(kLibraryEnv, nullptr);
  auto devices = cudaDriver().enumerate();
  if (!devices) {
    std::string msg = errorOf(devices);
    EXPECT_FALSE(msg.empty());
    if (msg.find("libcuda.so.1") != std::string::npos) {
      EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
    }
    return;
  }
  ASSERT_FALSE(devices->empty());
  for (const hal::DeviceInfo &d : *devices) {
    EXPECT_EQ(d.driver, "cuda");
    EXPECT_TRUE(StringRef(d.name).starts_with("cuda:"));
    EXPECT_TRUE(StringRef(d.fingerprint).starts_with("NVIDIA/"));
  }
}

#ifdef ZELLIGE_CUDA_STUB_LIBRARY
// Runs in a child process: the stub's soname is libcuda.so.1, so once loaded
// it would answer this process's later dlopen("libcuda.so.1").
TEST(CUDARuntime, ToolkitStubLibraryIsNotADriver) {
  EXPECT_EXIT(
      {
        ScopedEnv env(kLibraryEnv, ZELLIGE_CUDA_STUB_LIBRARY);
        auto devices = cudaDriver().enumerate();
        std::string msg = errorOf(devices);
        std::fprintf(stderr, "%s\n", msg.c_str());
        std::exit(msg.find("stub library") != std::string::npos ? 0 : 1);
      },
      testing::ExitedWithCode(0), "cuInit failed: CUDA_ERROR_STUB_LIBRARY");
}
#endif

//===----------------------------------------------------------------------===//
// The fake driver library
//===----------------------------------------------------------------------===//

TEST(CUDARuntimeFake, EnumerateDescribesDevices) {
  ScopedEnv env(kLibraryEnv, ZELLIGE_FAKE_CUDA_LIBRARY);
  ScopedEnv count("ZLG_FAKE_CUDA_DEVICES", "2");
  auto devices = cudaDriver().enumerate();
  ASSERT_TRUE(static_cast<bool>(devices)) << errorOf(devices);
  ASSERT_EQ(devices->size(), 2u);
  EXPECT_EQ((*devices)[0].name, "cuda:0");
  EXPECT_EQ((*devices)[1].name, "cuda:1");
  EXPECT_EQ((*devices)[0].driver, "cuda");
  EXPECT_EQ((*devices)[0].description, "Fake GPU (sm_90, 132 SMs, 80.0 GiB)");
  EXPECT_EQ((*devices)[0].fingerprint, "NVIDIA/Fake GPU/13.0/132");

  auto device = hal::createDevice("cuda:1");
  ASSERT_TRUE(static_cast<bool>(device)) << errorOf(device);
  EXPECT_EQ((*device)->name(), "cuda:1");
  EXPECT_EQ((*device)->kind(), "cuda");
  EXPECT_EQ((*device)->fingerprint(), "NVIDIA/Fake GPU/13.0/132");

  auto missing = hal::createDevice("cuda:2");
  ASSERT_FALSE(static_cast<bool>(missing));
  EXPECT_NE(errorOf(missing).find("does not exist"), std::string::npos);
}

TEST(CUDARuntimeFake, InitFailureNamesTheResult) {
  ScopedEnv env(kLibraryEnv, ZELLIGE_FAKE_CUDA_LIBRARY);
  ScopedEnv init("ZLG_FAKE_CUDA_INIT_RESULT", "100");
  auto devices = cudaDriver().enumerate();
  ASSERT_FALSE(static_cast<bool>(devices));
  EXPECT_EQ(errorOf(devices), "cuInit failed: CUDA_ERROR_NO_DEVICE (no "
                              "CUDA-capable device is detected)");
}

TEST(CUDARuntimeFake, NoDevicesIsAnError) {
  ScopedEnv env(kLibraryEnv, ZELLIGE_FAKE_CUDA_LIBRARY);
  ScopedEnv count("ZLG_FAKE_CUDA_DEVICES", "0");
  auto devices = cudaDriver().enumerate();
  ASSERT_FALSE(static_cast<bool>(devices));
  EXPECT_NE(errorOf(devices).find("no CUDA devices"), std::string::npos);
  auto device = hal::createDevice("cuda");
  EXPECT_FALSE(static_cast<bool>(device));
  errorOf(device);
}

TEST(CUDARuntimeFake, EverythingIsReleased) {
  ScopedEnv env(kLibraryEnv, ZELLIGE_FAKE_CUDA_LIBRARY);
  FakeState before;
  std::unique_ptr<hal::Buffer> outlives;
  {
    auto device = hal::createDevice("cuda");
    ASSERT_TRUE(static_cast<bool>(device)) << errorOf(device);
    before = fakeState();
    EXPECT_GE(before.primaryContextRetains, 1);
    EXPECT_GE(before.liveStreams, 1);
    auto a = (*device)->allocate(64);
    ASSERT_TRUE(static_cast<bool>(a)) << errorOf(a);
    auto view = (*device)->createView(**a, 16, 16);
    ASSERT_TRUE(static_cast<bool>(view)) << errorOf(view);
    std::vector<uint8_t> ptx = bytesOf(kAddOnePTX);
    OneDispatch one("add_one", {32, 1, 1});
    auto exe = (*device)->loadExecutable(one.exe, ptx, one.manifest);
    ASSERT_TRUE(static_cast<bool>(exe)) << errorOf(exe);
    EXPECT_EQ(fakeState().liveModules, before.liveModules + 1);
    EXPECT_EQ(fakeState().liveAllocations, before.liveAllocations + 1);
    // The view keeps the allocation, and the device's context, alive after
    // its parent and the device are gone.
    outlives = std::move(*view);
  }
  FakeState &now = fakeState();
  EXPECT_EQ(now.liveModules, before.liveModules);
  EXPECT_EQ(now.liveAllocations, before.liveAllocations + 1);
  EXPECT_EQ(now.primaryContextRetains, before.primaryContextRetains);
  std::vector<uint8_t> out(16, 0xff);
  ASSERT_FALSE(llvm::errorToBool(outlives->read(0, out)));
  outlives.reset();
  EXPECT_EQ(now.liveAllocations, before.liveAllocations);
  EXPECT_EQ(now.liveStreams, before.liveStreams - 1);
  EXPECT_EQ(now.primaryContextRetains, before.primaryContextRetains - 1);
}

TEST(CUDARuntimeFake, LaunchPassesDeviceAddresses) {
  ScopedEnv env(kLibraryEnv, ZELLIGE_FAKE_CUDA_LIBRARY);
  auto device = hal::createDevice("cuda");
  ASSERT_TRUE(static_cast<bool>(device)) << errorOf(device);
  hal::Device &dev = **device;
  auto arena = dev.allocate(4096);
  ASSERT_TRUE(static_cast<bool>(arena)) << errorOf(arena);
  auto in = dev.createView(**arena, 256, 512);
  auto out = dev.createView(**arena, 1024, 512);
  ASSERT_TRUE(in && out);
  std::vector<uint8_t> ptx = bytesOf(kAddOnePTX);
  OneDispatch one("add_one", {64, 2, 1});
  auto exe = dev.loadExecutable(one.exe, ptx, one.manifest);
  ASSERT_TRUE(static_cast<bool>(exe)) << errorOf(exe);
  int launches = fakeState().launches;
  ASSERT_FALSE(llvm::errorToBool(
      (*exe)->dispatch(0, {in->get(), out->get()}, {2, 1, 1})));
  FakeState &s = fakeState();
  EXPECT_EQ(s.launches, launches + 1);
  EXPECT_EQ(s.grid[0], 2u);
  EXPECT_EQ(s.grid[1], 1u);
  EXPECT_EQ(s.grid[2], 1u);
  EXPECT_EQ(s.block[0], 64u);
  EXPECT_EQ(s.block[1], 2u);
  EXPECT_EQ(s.block[2], 1u);
  EXPECT_EQ(s.sharedMemBytes, 0u);
  ASSERT_EQ(s.numParams, 2);
  EXPECT_EQ(s.params[1] - s.params[0], 1024u - 256u);

  // An empty grid launches nothing.
  ASSERT_FALSE(llvm::errorToBool(
      (*exe)->dispatch(0, {in->get(), out->get()}, {0, 1, 1})));
  EXPECT_EQ(fakeState().launches, launches + 1);
}

TEST(CUDARuntimeFake, OtherThreadsMakeTheContextCurrent) {
  ScopedEnv env(kLibraryEnv, ZELLIGE_FAKE_CUDA_LIBRARY);
  auto device = hal::createDevice("cuda");
  ASSERT_TRUE(static_cast<bool>(device)) << errorOf(device);
  std::string failure;
  std::thread worker([&] {
    auto b = (*device)->allocate(8);
    if (!b) {
      failure = errorOf(b);
      return;
    }
    std::vector<uint8_t> in = {1, 2, 3, 4, 5, 6, 7, 8}, out(8);
    if (llvm::Error e = (*b)->write(0, in))
      failure = llvm::toString(std::move(e));
    else if (llvm::Error e = (*b)->read(0, out))
      failure = llvm::toString(std::move(e));
    else if (out != in)
      failure = "wrong contents";
    else if (llvm::Error e = (*device)->synchronize())
      failure = llvm::toString(std::move(e));
  });
  worker.join();
  EXPECT_EQ(failure, "");
}

//===----------------------------------------------------------------------===//
// Device tests, on the fake and on the GPU
//===----------------------------------------------------------------------===//

class CUDADeviceTest : public testing::TestWithParam<std::string> {
protected:
  void SetUp() override {
    bool fake = GetParam() == "fake";
    env.emplace(kLibraryEnv, fake ? ZELLIGE_FAKE_CUDA_LIBRARY : nullptr);
    auto devices = cudaDriver().enumerate();
    if (!devices) {
      std::string why = errorOf(devices);
      ASSERT_FALSE(fake) << why;
      GTEST_SKIP() << "no CUDA device on this machine: " << why;
    }
    auto dev = hal::createDevice("cuda");
    ASSERT_TRUE(static_cast<bool>(dev)) << errorOf(dev);
    device = std::move(*dev);
  }
  void TearDown() override {
    device.reset();
    env.reset();
  }

  std::unique_ptr<hal::Buffer> allocate(uint64_t size) {
    auto b = device->allocate(size);
    EXPECT_TRUE(static_cast<bool>(b)) << errorOf(b);
    return b ? std::move(*b) : nullptr;
  }

  std::optional<ScopedEnv> env;
  std::unique_ptr<hal::Device> device;
};

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

TEST_P(CUDADeviceTest, BufferRoundTrip) {
  auto b = allocate(1000);
  ASSERT_TRUE(static_cast<bool>(b));
  EXPECT_EQ(b->size(), 1000u);
  EXPECT_EQ(b->hostPointer(), nullptr);
  std::vector<uint8_t> in = pattern(1000, 3), out(1000);
  ASSERT_FALSE(llvm::errorToBool(b->write(0, in)));
  ASSERT_FALSE(llvm::errorToBool(b->read(0, out)));
  EXPECT_EQ(in, out);

  // A partial write and read at an offset.
  std::vector<uint8_t> part = pattern(10, 200), back(10);
  ASSERT_FALSE(llvm::errorToBool(b->write(990, part)));
  ASSERT_FALSE(llvm::errorToBool(b->read(990, back)));
  EXPECT_EQ(part, back);

  std::vector<uint8_t> tooMuch(11);
  llvm::Error e = b->read(990, tooMuch);
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("1000-byte"), std::string::npos);
  EXPECT_TRUE(llvm::errorToBool(b->write(1001, {})));
  ASSERT_FALSE(llvm::errorToBool(device->synchronize()));
}

TEST_P(CUDADeviceTest, EmptyBuffersHaveDistinctAddresses) {
  auto a = allocate(0), b = allocate(0);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 0u);
  ASSERT_FALSE(llvm::errorToBool(a->write(0, {})));
  std::vector<uint8_t> none;
  ASSERT_FALSE(llvm::errorToBool(a->read(0, none)));
  ASSERT_FALSE(llvm::errorToBool(device->copy(*a, *b, 0)));
}

TEST_P(CUDADeviceTest, ViewsAliasTheirParent) {
  auto parent = allocate(256);
  ASSERT_TRUE(parent);
  std::vector<uint8_t> zeros(256, 0);
  ASSERT_FALSE(llvm::errorToBool(parent->write(0, zeros)));
  auto view = device->createView(*parent, 64, 32);
  ASSERT_TRUE(static_cast<bool>(view)) << errorOf(view);
  EXPECT_EQ((*view)->size(), 32u);
  std::vector<uint8_t> in = pattern(32, 9);
  ASSERT_FALSE(llvm::errorToBool((*view)->write(0, in)));
  std::vector<uint8_t> all(256);
  ASSERT_FALSE(llvm::errorToBool(parent->read(0, all)));
  for (size_t i = 0; i < 256; ++i)
    EXPECT_EQ(all[i], i >= 64 && i < 96 ? in[i - 64] : 0) << i;

  // A view of a view adds the offsets.
  auto inner = device->createView(**view, 8, 8);
  ASSERT_TRUE(static_cast<bool>(inner)) << errorOf(inner);
  std::vector<uint8_t> eight(8);
  ASSERT_FALSE(llvm::errorToBool((*inner)->read(0, eight)));
  EXPECT_EQ(eight, std::vector<uint8_t>(in.begin() + 8, in.begin() + 16));

  auto outside = device->createView(*parent, 250, 7);
  ASSERT_FALSE(static_cast<bool>(outside));
  EXPECT_NE(errorOf(outside).find("256-byte"), std::string::npos);
  ForeignBuffer foreign;
  auto notOurs = device->createView(foreign, 0, 4);
  ASSERT_FALSE(static_cast<bool>(notOurs));
  errorOf(notOurs);
}

TEST_P(CUDADeviceTest, CopyBetweenBuffers) {
  auto a = allocate(512), b = allocate(512);
  ASSERT_TRUE(a && b);
  std::vector<uint8_t> in = pattern(512, 1), zeros(512, 0), out(512);
  ASSERT_FALSE(llvm::errorToBool(a->write(0, in)));
  ASSERT_FALSE(llvm::errorToBool(b->write(0, zeros)));
  ASSERT_FALSE(llvm::errorToBool(device->copy(*a, *b, 300)));
  ASSERT_FALSE(llvm::errorToBool(device->synchronize()));
  ASSERT_FALSE(llvm::errorToBool(b->read(0, out)));
  for (size_t i = 0; i < 512; ++i)
    EXPECT_EQ(out[i], i < 300 ? in[i] : 0) << i;

  EXPECT_TRUE(llvm::errorToBool(device->copy(*a, *b, 513)));
  ForeignBuffer foreign;
  llvm::Error e = device->copy(foreign, *b, 4);
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("not buffers of cuda:0"),
            std::string::npos);
}

TEST_P(CUDADeviceTest, OverlappingViewsCopyLikeMemmove) {
  auto arena = allocate(64);
  ASSERT_TRUE(static_cast<bool>(arena));
  std::vector<uint8_t> in = pattern(64, 5), out(64);
  ASSERT_FALSE(llvm::errorToBool(arena->write(0, in)));
  auto src = device->createView(*arena, 0, 48);
  auto dst = device->createView(*arena, 16, 48);
  ASSERT_TRUE(src && dst);
  ASSERT_FALSE(llvm::errorToBool(device->copy(**src, **dst, 48)));
  ASSERT_FALSE(llvm::errorToBool(arena->read(0, out)));
  for (size_t i = 0; i < 64; ++i)
    EXPECT_EQ(out[i], i < 16 ? in[i] : in[i - 16]) << i;
}

TEST_P(CUDADeviceTest, ConstantsAreCopiedAndReadOnly) {
  std::vector<uint8_t> weights = pattern(100, 42);
  auto c = device->importConstant(weights);
  ASSERT_TRUE(static_cast<bool>(c)) << errorOf(c);
  weights.assign(100, 0); // The device has its own copy.
  std::vector<uint8_t> out(100);
  ASSERT_FALSE(llvm::errorToBool((*c)->read(0, out)));
  EXPECT_EQ(out, pattern(100, 42));
  llvm::Error e = (*c)->write(0, out);
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("constant"), std::string::npos);
  auto b = allocate(100);
  ASSERT_TRUE(static_cast<bool>(b));
  EXPECT_TRUE(llvm::errorToBool(device->copy(*b, **c, 100)));
  auto empty = device->importConstant({});
  ASSERT_TRUE(static_cast<bool>(empty)) << errorOf(empty);
}

TEST_P(CUDADeviceTest, DispatchRunsTheKernelOnViews) {
  constexpr int kBlock = 128, kGrid = 4, kN = kBlock * kGrid;
  auto arena = allocate(2 * kN * sizeof(float) + 512);
  ASSERT_TRUE(static_cast<bool>(arena));
  auto in = device->createView(*arena, 256, kN * sizeof(float));
  auto out = device->createView(*arena, 256 + kN * sizeof(float) + 256,
                                kN * sizeof(float));
  ASSERT_TRUE(in && out);
  std::vector<float> values(kN);
  std::iota(values.begin(), values.end(), -10.0f);
  ASSERT_FALSE(llvm::errorToBool((*in)->write(
      0, llvm::ArrayRef<uint8_t>(reinterpret_cast<uint8_t *>(values.data()),
                                 kN * sizeof(float)))));

  std::vector<uint8_t> ptx = bytesOf(kAddOnePTX);
  OneDispatch one("add_one", {kBlock, 1, 1});
  auto exe = device->loadExecutable(one.exe, ptx, one.manifest);
  ASSERT_TRUE(static_cast<bool>(exe)) << errorOf(exe);
  ASSERT_FALSE(llvm::errorToBool(
      (*exe)->dispatch(0, {in->get(), out->get()}, {kGrid, 1, 1})));
  ASSERT_FALSE(llvm::errorToBool(device->synchronize()));
  std::vector<float> result(kN);
  ASSERT_FALSE(llvm::errorToBool((*out)->read(
      0, llvm::MutableArrayRef<uint8_t>(
             reinterpret_cast<uint8_t *>(result.data()), kN * sizeof(float)))));
  for (int i = 0; i < kN; ++i)
    EXPECT_EQ(result[i], values[i] + 1.0f) << i;

  // Wrong binding counts and foreign buffers are refused before launching.
  EXPECT_TRUE(llvm::errorToBool((*exe)->dispatch(0, {in->get()}, {1, 1, 1})));
  ForeignBuffer foreign;
  llvm::Error e = (*exe)->dispatch(0, {in->get(), &foreign}, {1, 1, 1});
  ASSERT_TRUE(static_cast<bool>(e));
  EXPECT_NE(llvm::toString(std::move(e)).find("binding 1"), std::string::npos);
  EXPECT_TRUE(llvm::errorToBool(
      (*exe)->dispatch(1, {in->get(), out->get()}, {1, 1, 1})));
}

TEST_P(CUDADeviceTest, DeviceTimersTimeTheLastDispatch) {
  constexpr int kBlock = 128, kGrid = 64, kN = kBlock * kGrid;
  std::vector<uint8_t> ptx = bytesOf(kAddOnePTX);
  OneDispatch one("add_one", {kBlock, 1, 1});
  // Without DeviceOptions::deviceTimers there is no device time.
  {
    auto in = allocate(kN * sizeof(float)), out = allocate(kN * sizeof(float));
    auto exe = device->loadExecutable(one.exe, ptx, one.manifest);
    ASSERT_TRUE(in && out && exe) << errorOf(exe);
    ASSERT_FALSE(llvm::errorToBool(
        (*exe)->dispatch(0, {in.get(), out.get()}, {kGrid, 1, 1})));
    ASSERT_FALSE(llvm::errorToBool(device->synchronize()));
    auto ms = device->lastDispatchDeviceMs();
    ASSERT_TRUE(static_cast<bool>(ms)) << errorOf(ms);
    EXPECT_FALSE(ms->has_value());
  }
  hal::DeviceOptions options;
  options.deviceTimers = true;
  auto timed = hal::createDevice("cuda", options);
  ASSERT_TRUE(static_cast<bool>(timed)) << errorOf(timed);
  hal::Device &dev = **timed;
  auto in = dev.allocate(kN * sizeof(float));
  auto out = dev.allocate(kN * sizeof(float));
  ASSERT_TRUE(in && out);
  auto exe = dev.loadExecutable(one.exe, ptx, one.manifest);
  ASSERT_TRUE(static_cast<bool>(exe)) << errorOf(exe);
  ASSERT_FALSE(llvm::errorToBool(
      (*exe)->dispatch(0, {in->get(), out->get()}, {kGrid, 1, 1})));
  ASSERT_FALSE(llvm::errorToBool(dev.synchronize()));
  auto ms = dev.lastDispatchDeviceMs();
  ASSERT_TRUE(static_cast<bool>(ms)) << errorOf(ms);
  ASSERT_TRUE(ms->has_value());
  EXPECT_GT(**ms, 0.0);
  EXPECT_LT(**ms, 1000.0);
  // A dispatch with no workgroups launches nothing and has no time.
  ASSERT_FALSE(llvm::errorToBool(
      (*exe)->dispatch(0, {in->get(), out->get()}, {0, 1, 1})));
  ASSERT_FALSE(llvm::errorToBool(dev.synchronize()));
  auto none = dev.lastDispatchDeviceMs();
  ASSERT_TRUE(static_cast<bool>(none)) << errorOf(none);
  EXPECT_FALSE(none->has_value());
}

TEST_P(CUDADeviceTest, SymbolFallsBackToTheDispatchName) {
  std::vector<uint8_t> ptx = bytesOf(kAddOnePTX);
  OneDispatch one("", {32, 1, 1});
  one.manifest.dispatches[0].name = "add_one";
  auto exe = device->loadExecutable(one.exe, ptx, one.manifest);
  ASSERT_TRUE(static_cast<bool>(exe)) << errorOf(exe);
}

TEST_P(CUDADeviceTest, InvalidPTXReportsTheJITLog) {
  std::vector<uint8_t> junk = bytesOf("this is not ptx");
  OneDispatch one("add_one", {32, 1, 1});
  auto exe = device->loadExecutable(one.exe, junk, one.manifest);
  ASSERT_FALSE(static_cast<bool>(exe));
  std::string msg = errorOf(exe);
  EXPECT_NE(msg.find("cuModuleLoadDataEx failed: CUDA_ERROR_"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("JIT log"), std::string::npos) << msg;
}

TEST_P(CUDADeviceTest, MissingKernelIsNamed) {
  std::vector<uint8_t> ptx = bytesOf(kAddOnePTX);
  OneDispatch one("no_such_kernel", {32, 1, 1});
  auto exe = device->loadExecutable(one.exe, ptx, one.manifest);
  ASSERT_FALSE(static_cast<bool>(exe));
  std::string msg = errorOf(exe);
  EXPECT_NE(msg.find("'no_such_kernel'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cuModuleGetFunction failed: CUDA_ERROR_NOT_FOUND"),
            std::string::npos)
      << msg;
}

TEST_P(CUDADeviceTest, LoadChecksTheExecutableDescription) {
  std::vector<uint8_t> ptx = bytesOf(kAddOnePTX);
  OneDispatch wrongFormat("add_one", {32, 1, 1});
  wrongFormat.exe.format = "cubin";
  auto a = device->loadExecutable(wrongFormat.exe, ptx, wrongFormat.manifest);
  EXPECT_FALSE(static_cast<bool>(a));
  errorOf(a);
  OneDispatch noSizes("add_one", {32, 1, 1});
  noSizes.exe.workgroupSizes.clear();
  auto b = device->loadExecutable(noSizes.exe, ptx, noSizes.manifest);
  EXPECT_FALSE(static_cast<bool>(b));
  errorOf(b);
  OneDispatch zero("add_one", {0, 1, 1});
  auto c = device->loadExecutable(zero.exe, ptx, zero.manifest);
  EXPECT_FALSE(static_cast<bool>(c));
  errorOf(c);
}

TEST_P(CUDADeviceTest, OversizedBlocksFailAtDispatch) {
  std::vector<uint8_t> ptx = bytesOf(kAddOnePTX);
  OneDispatch one("add_one", {32, 32, 2});
  auto exe = device->loadExecutable(one.exe, ptx, one.manifest);
  ASSERT_TRUE(static_cast<bool>(exe)) << errorOf(exe);
  auto a = allocate(8192), b = allocate(8192);
  ASSERT_TRUE(a && b);
  llvm::Error e = (*exe)->dispatch(0, {a.get(), b.get()}, {1, 1, 1});
  ASSERT_TRUE(static_cast<bool>(e));
  std::string msg = llvm::toString(std::move(e));
  EXPECT_NE(msg.find("2048 threads"), std::string::npos) << msg;
  EXPECT_NE(msg.find("CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK"),
            std::string::npos)
      << msg;
}

INSTANTIATE_TEST_SUITE_P(CUDA, CUDADeviceTest, testing::Values("fake", "gpu"),
                         [](const testing::TestParamInfo<std::string> &info) {
                           return info.param;
                         });

} // namespace
