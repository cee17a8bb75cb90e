//===- SessionTest.cpp - Tests of the host driver and Session -------------===//
//
// This file tests the host driver through the HAL and through Session, end
// to end: an object compiled in the test from LLVM IR (with a libm call) is
// bundled, loaded with ORC, run over the thread pool with one and several
// threads, and checked against values computed here. It also tests the
// device registry's errors and Session's input checking.
//
//===----------------------------------------------------------------------===//

#include "TestObjects.h"

#include "zellige/Runtime/HAL.h"
#include "zellige/Runtime/Session.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>

using namespace zellige;
using namespace zellige::test;
using namespace llvm;

namespace {

const std::vector<uint8_t> &testObject() {
  static const std::vector<uint8_t> object = [] {
    Expected<std::vector<uint8_t>> obj = compileIRToObject(testKernelIR());
    if (!obj) {
      ADD_FAILURE() << toString(obj.takeError());
      return std::vector<uint8_t>();
    }
    return std::move(*obj);
  }();
  return object;
}

HostTensor inputX() {
  HostTensor x;
  x.name = "x";
  x.dtype = DType::F32;
  x.shape = {kElems};
  x.data.resize(kElems * sizeof(float));
  for (int64_t i = 0; i < kElems; ++i) {
    float v = float(i % 17) * 0.25f - 2.f;
    std::memcpy(x.data.data() + i * sizeof(float), &v, sizeof(float));
  }
  return x;
}

class SessionTest : public ::testing::Test {
protected:
  void SetUp() override {
    hal::registerRuntimeDrivers();
    ASSERT_FALSE(testObject().empty());
  }
  /// Writes a bundle of testManifest() (edited by `edit`) and opens it.
  std::unique_ptr<Bundle>
  makeBundle(function_ref<void(BundleManifest &)> edit = nullptr,
             const std::vector<uint8_t> *object = nullptr) {
    BundleManifest m = testManifest();
    std::map<std::string, std::vector<uint8_t>> exes;
    if (edit)
      edit(m);
    for (const ExecutableDesc &e : m.executables)
      exes[e.section] = object ? *object : testObject();
    std::string path = dir.path("model.zlg");
    if (Error e = writeBundle(path, m, testWeights(), exes)) {
      ADD_FAILURE() << toString(std::move(e));
      return nullptr;
    }
    Expected<std::unique_ptr<Bundle>> b = Bundle::open(path);
    if (!b) {
      ADD_FAILURE() << toString(b.takeError());
      return nullptr;
    }
    return std::move(*b);
  }
  std::string createError(const Bundle &b, StringRef device = "host") {
    Expected<std::unique_ptr<Session>> s = Session::create(b, device);
    return s ? "created" : toString(s.takeError());
  }
  TempDir dir;
};

TEST_F(SessionTest, RunsEndToEnd) {
  std::unique_ptr<Bundle> bundle = makeBundle();
  ASSERT_TRUE(bundle);
  HostTensor x = inputX();
  for (unsigned threads : {1u, 4u, 0u}) {
    SessionOptions options;
    options.threads = threads;
    Expected<std::unique_ptr<Session>> s =
        Session::create(*bundle, "host", options);
    ASSERT_TRUE(bool(s)) << toString(s.takeError());
    EXPECT_EQ((*s)->device().kind(), "host");
    EXPECT_EQ((*s)->executable().section, "exe.host");
    for (int run = 0; run < 2; ++run) {
      std::vector<HostTensor> outputs;
      ASSERT_FALSE(errorToBool((*s)->run({x}, outputs)));
      ASSERT_EQ(outputs.size(), 2u);
      EXPECT_EQ(outputs[0].name, "y");
      EXPECT_EQ(outputs[1].name, "z");
      EXPECT_EQ(outputs[0].shape, std::vector<int64_t>{kElems});
      ArrayRef<float> xs = x.values<float>();
      ArrayRef<float> ys = outputs[0].values<float>();
      ArrayRef<float> zs = outputs[1].values<float>();
      ASSERT_EQ(ys.size(), size_t(kElems));
      for (int64_t i = 0; i < kElems; ++i) {
        float expected = 2.f * (std::exp(xs[i]) + float(i) * 0.5f);
        ASSERT_NEAR(ys[i], expected, 1e-5f * std::fabs(expected))
            << "threads=" << threads << " i=" << i;
        ASSERT_EQ(zs[i], ys[i]);
      }
    }
  }
}

TEST_F(SessionTest, AutoPicksTheHost) {
  std::unique_ptr<Bundle> bundle = makeBundle();
  ASSERT_TRUE(bundle);
  Expected<std::unique_ptr<Session>> s = Session::create(*bundle, "auto");
  ASSERT_TRUE(bool(s)) << toString(s.takeError());
  EXPECT_EQ((*s)->device().name(), "host");
}

TEST_F(SessionTest, InputErrors) {
  std::unique_ptr<Bundle> bundle = makeBundle();
  ASSERT_TRUE(bundle);
  Expected<std::unique_ptr<Session>> s = Session::create(*bundle);
  ASSERT_TRUE(bool(s)) << toString(s.takeError());
  auto runError = [&](const std::vector<HostTensor> &inputs) {
    std::vector<HostTensor> outputs;
    Error e = (*s)->run(inputs, outputs);
    return e ? toString(std::move(e)) : std::string("ran");
  };
  HostTensor x = inputX();
  HostTensor shorter = x;
  shorter.shape = {999};
  EXPECT_EQ(runError({shorter}),
            "input 'x': expected shape [1000] f32, got [999] f32");
  HostTensor wrongType = x;
  wrongType.dtype = DType::I32;
  EXPECT_EQ(runError({wrongType}),
            "input 'x': expected shape [1000] f32, got [1000] i32");
  HostTensor shortData = x;
  shortData.data.resize(100);
  EXPECT_EQ(runError({shortData}),
            "input 'x': expected 4000 bytes of data for [1000] f32, got 100");
  HostTensor other = x;
  other.name = "input";
  EXPECT_EQ(runError({other}), "unknown input 'input' (expected inputs: 'x')");
  EXPECT_EQ(runError({}), "missing input 'x' (expected inputs: 'x')");
  EXPECT_EQ(runError({x, x}), "input 'x' is given twice");
  EXPECT_EQ(runError({x}), "ran");
}

TEST_F(SessionTest, ExecutableErrors) {
  // A target no driver of this build runs.
  std::unique_ptr<Bundle> bundle = makeBundle([](BundleManifest &m) {
    m.executables[0].target = "npu";
    m.executables[0].section = "exe.npu";
  });
  ASSERT_TRUE(bundle);
  EXPECT_EQ(createError(*bundle), bundle->path().str() +
                                      ": no executable for device 'host' (the "
                                      "bundle has executables for: npu)");
  std::string autoError = createError(*bundle, "auto");
  EXPECT_EQ(autoError.rfind(bundle->path().str() +
                                ": no available device runs this bundle (it "
                                "has executables for: npu; ",
                            0),
            0u)
      << autoError;
  EXPECT_NE(autoError.find("host: the bundle has no executable for it)"),
            std::string::npos)
      << autoError;

  bundle = makeBundle(
      [](BundleManifest &m) { m.dispatches[1].symbol = "zlg_missing"; });
  ASSERT_TRUE(bundle);
  std::string err = createError(*bundle);
  EXPECT_EQ(err.rfind(bundle->path().str() +
                          ": cannot load the host executable: cannot link "
                          "symbol 'zlg_missing' of dispatch "
                          "'dispatch_1_scale': ",
                      0),
            0u)
      << err;

  std::vector<uint8_t> garbage(256, 0xab);
  bundle = makeBundle(nullptr, &garbage);
  ASSERT_TRUE(bundle);
  err = createError(*bundle);
  EXPECT_EQ(err.rfind(bundle->path().str() +
                          ": cannot load the host executable: section "
                          "'exe.host' is not an object file: ",
                      0),
            0u)
      << err;

  bundle =
      makeBundle([](BundleManifest &m) { m.executables[0].format = "ptx"; });
  ASSERT_TRUE(bundle);
  EXPECT_EQ(createError(*bundle),
            bundle->path().str() +
                ": cannot load the host executable: host executables must "
                "have format 'elf-relocatable', not 'ptx'");
}

TEST(DeviceRegistryTest, Errors) {
  hal::registerRuntimeDrivers();
  auto error = [](StringRef name) {
    Expected<std::unique_ptr<hal::Device>> d = hal::createDevice(name);
    return d ? std::string("created") : toString(d.takeError());
  };
  std::vector<std::string> names;
  for (hal::Driver *driver : hal::getDrivers())
    names.push_back(driver->name().str());
  std::string available = llvm::join(names, ", ");
  EXPECT_EQ(error("tpu"),
            "unknown device 'tpu' (available drivers: " + available + ")");
  EXPECT_EQ(error("host:1"),
            "device 'host:1' does not exist (the 'host' driver has 1 device)");
  EXPECT_EQ(error("host:x"),
            "invalid device 'host:x' (expected <driver> or <driver>:<index>)");
  EXPECT_EQ(error("host:0"), "created");
}

TEST(DeviceRegistryTest, EnumeratesTheHost) {
  hal::registerRuntimeDrivers();
  hal::registerRuntimeDrivers(); // Idempotent.
  std::vector<std::string> unavailable;
  std::vector<hal::DeviceInfo> devices = hal::enumerateDevices(&unavailable);
  // Other drivers (opencl, cuda) may add devices or say why they have none.
  auto host = llvm::find_if(
      devices, [](const hal::DeviceInfo &d) { return d.name == "host"; });
  ASSERT_NE(host, devices.end());
  EXPECT_EQ(host->driver, "host");
  EXPECT_FALSE(host->description.empty());
  // vendor/name/driver/compute units.
  EXPECT_EQ(std::count(host->fingerprint.begin(), host->fingerprint.end(), '/'),
            3)
      << host->fingerprint;
  for (const std::string &reason : unavailable)
    EXPECT_NE(reason.rfind("host:", 0), 0u) << reason;
}

TEST(HostDeviceTest, BuffersAndDirectDispatch) {
  hal::registerRuntimeDrivers();
  hal::DeviceOptions options;
  options.threads = 2;
  Expected<std::unique_ptr<hal::Device>> dev =
      hal::createDevice("host", options);
  ASSERT_TRUE(bool(dev)) << toString(dev.takeError());
  hal::Device &d = **dev;
  EXPECT_EQ(d.fingerprint(), hal::enumerateDevices()[0].fingerprint);

  // Allocations are aligned and zeroed; views alias; constants are in place.
  Expected<std::unique_ptr<hal::Buffer>> a = d.allocate(1000);
  ASSERT_TRUE(bool(a));
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*a)->hostPointer()) % 64, 0u);
  EXPECT_EQ(static_cast<uint8_t *>((*a)->hostPointer())[999], 0);
  Expected<std::unique_ptr<hal::Buffer>> view = d.createView(**a, 64, 128);
  ASSERT_TRUE(bool(view));
  EXPECT_EQ((*view)->hostPointer(),
            static_cast<uint8_t *>((*a)->hostPointer()) + 64);
  EXPECT_EQ(toString(d.createView(**a, 900, 200).takeError()),
            "view of 200 bytes at offset 900 of a 1000-byte buffer");
  alignas(64) static const uint8_t weights[128] = {1, 2, 3};
  Expected<std::unique_ptr<hal::Buffer>> c = d.importConstant(weights);
  ASSERT_TRUE(bool(c));
  EXPECT_EQ((*c)->hostPointer(), static_cast<const void *>(weights));
  EXPECT_EQ(toString((*c)->write(0, ArrayRef<uint8_t>{1})),
            "write to a constant buffer");
  // A misaligned constant is copied into aligned memory instead.
  Expected<std::unique_ptr<hal::Buffer>> c2 =
      d.importConstant(ArrayRef<uint8_t>(weights + 1, 8));
  ASSERT_TRUE(bool(c2));
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*c2)->hostPointer()) % 64, 0u);
  EXPECT_EQ(static_cast<uint8_t *>((*c2)->hostPointer())[0], 2);

  // Load the test object and run zlg_scale directly.
  BundleManifest m = testManifest();
  Expected<std::unique_ptr<hal::Executable>> exe =
      d.loadExecutable(m.executables[0], testObject(), m);
  ASSERT_TRUE(bool(exe)) << toString(exe.takeError());
  Expected<std::unique_ptr<hal::Buffer>> in = d.allocate(kElems * 4);
  Expected<std::unique_ptr<hal::Buffer>> out = d.allocate(kElems * 4);
  ASSERT_TRUE(in && out);
  std::vector<float> values(kElems);
  for (int64_t i = 0; i < kElems; ++i)
    values[i] = float(i);
  ASSERT_FALSE(errorToBool((*in)->write(
      0, ArrayRef<uint8_t>(reinterpret_cast<uint8_t *>(values.data()),
                           kElems * 4))));
  hal::Buffer *bindings[] = {in->get(), out->get()};
  // Only the first 10 of 16 workgroups: the tail stays zero.
  ASSERT_FALSE(errorToBool((*exe)->dispatch(1, bindings, {5, 2, 1})));
  ASSERT_FALSE(errorToBool(d.synchronize()));
  std::vector<float> result(kElems);
  ASSERT_FALSE(errorToBool((*out)->read(
      0, MutableArrayRef<uint8_t>(reinterpret_cast<uint8_t *>(result.data()),
                                  kElems * 4))));
  for (int64_t i = 0; i < kElems; ++i)
    ASSERT_EQ(result[i], i < 10 * kChunk ? 2.f * float(i) : 0.f) << i;

  EXPECT_EQ(toString((*exe)->dispatch(1, {in->get()}, {1, 1, 1})),
            "1 bindings given, the dispatch takes 2");
  EXPECT_EQ(toString((*exe)->dispatch(5, bindings, {1, 1, 1})),
            "dispatch index 5 out of range (2 dispatches)");
  EXPECT_EQ(toString((*exe)->dispatch(1, bindings, {-1, 1, 1})),
            "invalid workgroup count [-1,1,1]");
}

} // namespace
