//===- CAPITest.cpp - Tests of the runtime C API --------------------------===//
//
// This file tests include/zellige/zellige.h: a C client (capi_client.c,
// compiled as C) runs the test model end to end, and the error paths of
// zlg_session_create and zlg_session_set_input report clear messages.
//
//===----------------------------------------------------------------------===//

#include "TestObjects.h"

#include "zellige/zellige.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>
#include <vector>

extern "C" int zlg_test_c_client(const char *bundle, const float *x, size_t n,
                                 float *y, char *why, size_t why_len);

using namespace zellige;
using namespace zellige::test;
using namespace llvm;

namespace {

class CAPITest : public ::testing::Test {
protected:
  void SetUp() override {
    Expected<std::vector<uint8_t>> obj = compileIRToObject(testKernelIR());
    ASSERT_TRUE(bool(obj)) << toString(obj.takeError());
    path = dir.path("model.zlg");
    ASSERT_FALSE(errorToBool(writeBundle(path, testManifest(), testWeights(),
                                         {{"exe.host", *obj}})));
  }
  TempDir dir;
  std::string path;
};

TEST_F(CAPITest, CClientRunsTheModel) {
  std::vector<float> x(kElems), y(kElems);
  for (int64_t i = 0; i < kElems; ++i)
    x[i] = float(i % 5) - 1.f;
  char why[512] = {};
  ASSERT_EQ(zlg_test_c_client(path.c_str(), x.data(), x.size(), y.data(), why,
                              sizeof why),
            0)
      << why;
  for (int64_t i = 0; i < kElems; ++i) {
    float expected = 2.f * (std::exp(x[i]) + float(i) * 0.5f);
    ASSERT_NEAR(y[i], expected, 1e-5f * std::fabs(expected)) << i;
  }
}

TEST_F(CAPITest, CreateErrors) {
  zlg_session_t *s = reinterpret_cast<zlg_session_t *>(0x1);
  std::string missing = dir.path("absent.zlg");
  EXPECT_EQ(zlg_session_create(missing.c_str(), "host", 0, &s),
            ZLG_ERROR_BUNDLE);
  EXPECT_EQ(s, nullptr);
  EXPECT_EQ(std::string(zlg_last_error())
                .rfind(missing + ": cannot open bundle: ", 0),
            0u)
      << zlg_last_error();
  EXPECT_EQ(zlg_session_create(path.c_str(), "tpu", 0, &s), ZLG_ERROR_DEVICE);
  EXPECT_EQ(std::string(zlg_last_error())
                .rfind("cannot open device 'tpu': unknown device 'tpu' "
                       "(available drivers: host",
                       0),
            0u)
      << zlg_last_error();
  EXPECT_EQ(zlg_session_create(path.c_str(), "host", -1, &s),
            ZLG_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(zlg_session_create(nullptr, "host", 0, &s),
            ZLG_ERROR_INVALID_ARGUMENT);
  zlg_session_destroy(nullptr);
}

TEST_F(CAPITest, InputErrorsAndAuto) {
  zlg_session_t *s = nullptr;
  ASSERT_EQ(zlg_session_create(path.c_str(), nullptr, 1, &s), ZLG_OK)
      << zlg_last_error();
  EXPECT_STREQ(zlg_session_device(s), "host");
  float x[4] = {};
  EXPECT_EQ(zlg_session_set_input(s, "y", x, sizeof x),
            ZLG_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(zlg_last_error(), "unknown input 'y' (expected inputs: 'x')");
  EXPECT_EQ(zlg_session_set_input(s, "x", x, sizeof x),
            ZLG_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(zlg_last_error(),
               "input 'x': expected 4000 bytes ([1000] f32), got 16");
  const void *data;
  size_t bytes;
  EXPECT_EQ(zlg_session_get_output(s, "w", &data, &bytes),
            ZLG_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(zlg_last_error(), "unknown output 'w'");
  EXPECT_EQ(zlg_dtype_name(zlg_dtype(99)), nullptr);
  EXPECT_EQ(zlg_dtype_size(ZLG_DTYPE_BF16), 2u);
  zlg_session_destroy(s);
}

} // namespace
