//===- sgemm_clblast.cpp - CLBlast sgemm reference timing -------*- C++ -*-===//
//
// This file implements the OpenCL reference for Zellige's matmul benchmark: it
// times CLBlast's SGEMM (row-major, no transpose, C = A * B) for given M N K
// on one OpenCL device, with warm-up runs and repetitions, and prints the
// median latency and GFLOP/s. Devices are numbered as Zellige's OpenCL driver
// numbers them (every device of every platform, in platform order), so
// `--device N` names the same device as `zellige run --device opencl:N`.
//
// Two figures are printed per run:
//   - `latency:` the SGEMM alone (clblast::Sgemm, then clFinish), the same
//     format as `zellige run --repeat`, so bench/matmul.py parses both alike;
//   - `latency with copies:` uploading A and B, the SGEMM and reading C back,
//     all blocking, which is what one `zellige run` step does on OpenCL.
// The result is checked against sampled dot products computed on the host in
// double precision, so a misconfigured library cannot report a fast wrong
// answer.
//
// Usage: sgemm_clblast M N K [--device D] [--warmup W] [--repeat R]
//
//===----------------------------------------------------------------------===//

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <clblast_c.h>

#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

/// Parses a non-negative integer argument; returns false on junk or overflow.
bool parseCount(const char *text, long minValue, long maxValue, long &value) {
  char *end = nullptr;
  errno = 0;
  long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < minValue || v > maxValue)
    return false;
  value = v;
  return true;
}

int usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s M N K [--device D] [--warmup W] [--repeat R]\n",
               argv0);
  return 2;
}

/// Returns the q-quantile (0..1) of sorted values, nearest rank.
double quantile(const std::vector<double> &sorted, double q) {
  size_t idx = static_cast<size_t>(std::ceil(q * sorted.size()));
  idx = idx == 0 ? 0 : idx - 1;
  return sorted[std::min(idx, sorted.size() - 1)];
}

double median(const std::vector<double> &sorted) {
  size_t n = sorted.size();
  return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

/// Prints an OpenCL error and returns true when err is not CL_SUCCESS.
bool clFailed(cl_int err, const char *what) {
  if (err == CL_SUCCESS)
    return false;
  std::fprintf(stderr, "sgemm_clblast: error: %s failed: %d\n", what, err);
  return true;
}

std::string deviceString(cl_device_id device, cl_device_info param) {
  size_t size = 0;
  if (clGetDeviceInfo(device, param, 0, nullptr, &size) != CL_SUCCESS)
    return "?";
  std::string s(size, '\0');
  if (clGetDeviceInfo(device, param, size, &s[0], nullptr) != CL_SUCCESS)
    return "?";
  s.resize(std::strlen(s.c_str()));
  return s;
}

std::string platformString(cl_platform_id platform, cl_platform_info param) {
  size_t size = 0;
  if (clGetPlatformInfo(platform, param, 0, nullptr, &size) != CL_SUCCESS)
    return "?";
  std::string s(size, '\0');
  if (clGetPlatformInfo(platform, param, size, &s[0], nullptr) != CL_SUCCESS)
    return "?";
  s.resize(std::strlen(s.c_str()));
  return s;
}

/// Finds device number `index` in Zellige's numbering: every device of every
/// platform, in platform order.
bool findDevice(long index, cl_platform_id &platform, cl_device_id &device) {
  cl_uint numPlatforms = 0;
  if (clGetPlatformIDs(0, nullptr, &numPlatforms) != CL_SUCCESS ||
      numPlatforms == 0) {
    std::fprintf(stderr, "sgemm_clblast: error: no OpenCL platform found\n");
    return false;
  }
  std::vector<cl_platform_id> platforms(numPlatforms);
  if (clFailed(clGetPlatformIDs(numPlatforms, platforms.data(), nullptr),
               "clGetPlatformIDs"))
    return false;
  long seen = 0;
  for (cl_platform_id p : platforms) {
    cl_uint n = 0;
    if (clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &n) != CL_SUCCESS ||
        n == 0)
      continue;
    std::vector<cl_device_id> devices(n);
    if (clFailed(
            clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, n, devices.data(), nullptr),
            "clGetDeviceIDs"))
      return false;
    if (index < seen + static_cast<long>(n)) {
      platform = p;
      device = devices[index - seen];
      return true;
    }
    seen += n;
  }
  std::fprintf(stderr,
               "sgemm_clblast: error: no OpenCL device %ld (found %ld)\n",
               index, seen);
  return false;
}

} // namespace

int main(int argc, char **argv) {
  long dims[3] = {0, 0, 0};
  long deviceIndex = 0, warmup = 3, repeat = 20;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    long *target = nullptr;
    long minValue = 1;
    if (!std::strcmp(arg, "--device")) {
      target = &deviceIndex;
      minValue = 0;
    } else if (!std::strcmp(arg, "--warmup")) {
      target = &warmup;
      minValue = 0;
    } else if (!std::strcmp(arg, "--repeat")) {
      target = &repeat;
    }
    if (target) {
      if (i + 1 >= argc ||
          !parseCount(argv[++i], minValue, 1L << 20, *target)) {
        std::fprintf(stderr,
                     "sgemm_clblast: error: %s needs an integer >= %ld\n", arg,
                     minValue);
        return 2;
      }
      continue;
    }
    if (positional >= 3 || !parseCount(arg, 1, 1L << 16, dims[positional])) {
      std::fprintf(stderr, "sgemm_clblast: error: bad argument '%s'\n", arg);
      return usage(argv[0]);
    }
    ++positional;
  }
  if (positional != 3)
    return usage(argv[0]);
  const long m = dims[0], n = dims[1], k = dims[2];

  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  if (!findDevice(deviceIndex, platform, device))
    return 1;
  cl_int err = CL_SUCCESS;
  cl_context context =
      clCreateContext(nullptr, 1, &device, nullptr, nullptr, &err);
  if (clFailed(err, "clCreateContext"))
    return 1;
  cl_command_queue queue = clCreateCommandQueue(context, device, 0, &err);
  if (clFailed(err, "clCreateCommandQueue"))
    return 1;

  std::mt19937 gen(42);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> a(m * k), b(k * n), c(m * n, 0.0f);
  for (float &v : a)
    v = dist(gen);
  for (float &v : b)
    v = dist(gen);
  const size_t aBytes = a.size() * sizeof(float);
  const size_t bBytes = b.size() * sizeof(float);
  const size_t cBytes = c.size() * sizeof(float);

  cl_mem aMem =
      clCreateBuffer(context, CL_MEM_READ_ONLY, aBytes, nullptr, &err);
  if (clFailed(err, "clCreateBuffer(A)"))
    return 1;
  cl_mem bMem =
      clCreateBuffer(context, CL_MEM_READ_ONLY, bBytes, nullptr, &err);
  if (clFailed(err, "clCreateBuffer(B)"))
    return 1;
  cl_mem cMem =
      clCreateBuffer(context, CL_MEM_READ_WRITE, cBytes, nullptr, &err);
  if (clFailed(err, "clCreateBuffer(C)"))
    return 1;

  auto upload = [&] {
    return !clFailed(clEnqueueWriteBuffer(queue, aMem, CL_TRUE, 0, aBytes,
                                          a.data(), 0, nullptr, nullptr),
                     "clEnqueueWriteBuffer(A)") &&
           !clFailed(clEnqueueWriteBuffer(queue, bMem, CL_TRUE, 0, bBytes,
                                          b.data(), 0, nullptr, nullptr),
                     "clEnqueueWriteBuffer(B)");
  };
  auto download = [&] {
    return !clFailed(clEnqueueReadBuffer(queue, cMem, CL_TRUE, 0, cBytes,
                                         c.data(), 0, nullptr, nullptr),
                     "clEnqueueReadBuffer(C)");
  };
  auto sgemm = [&] {
    cl_event event = nullptr;
    CLBlastStatusCode status = CLBlastSgemm(
        CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeNo, m, n, k,
        1.0f, aMem, 0, k, bMem, 0, n, 0.0f, cMem, 0, n, &queue, &event);
    if (status != CLBlastSuccess) {
      std::fprintf(stderr, "sgemm_clblast: error: CLBlastSgemm failed: %d\n",
                   static_cast<int>(status));
      return false;
    }
    bool ok = !clFailed(clWaitForEvents(1, &event), "clWaitForEvents") &&
              !clFailed(clFinish(queue), "clFinish");
    clReleaseEvent(event);
    return ok;
  };
  auto timeMs = [](auto &&fn, std::vector<double> &ms) {
    auto start = std::chrono::steady_clock::now();
    bool ok = fn();
    auto stop = std::chrono::steady_clock::now();
    ms.push_back(
        std::chrono::duration<double, std::milli>(stop - start).count());
    return ok;
  };

  // The first call compiles CLBlast's kernels for this device (cached on disk
  // afterwards); the warm-up runs keep that out of the timings.
  if (!upload())
    return 1;
  for (long i = 0; i < std::max(warmup, 1L); ++i)
    if (!sgemm())
      return 1;

  std::vector<double> kernelMs, copiesMs;
  kernelMs.reserve(repeat);
  copiesMs.reserve(repeat);
  for (long i = 0; i < repeat; ++i)
    if (!timeMs(sgemm, kernelMs))
      return 1;
  auto fullRun = [&] { return upload() && sgemm() && download(); };
  for (long i = 0; i < repeat; ++i)
    if (!timeMs(fullRun, copiesMs))
      return 1;
  std::sort(kernelMs.begin(), kernelMs.end());
  std::sort(copiesMs.begin(), copiesMs.end());

  // Check sampled outputs (corners, centre and pseudo-random entries)
  // against double-precision dot products.
  std::vector<std::pair<long, long>> samples = {
      {0, 0}, {0, n - 1}, {m - 1, 0}, {m - 1, n - 1}, {m / 2, n / 2}};
  std::uniform_int_distribution<long> row(0, m - 1), col(0, n - 1);
  for (int i = 0; i < 27; ++i)
    samples.push_back({row(gen), col(gen)});
  for (auto [i, j] : samples) {
    double ref = 0.0, mag = 0.0;
    for (long p = 0; p < k; ++p) {
      double term = static_cast<double>(a[i * k + p]) * b[p * n + j];
      ref += term;
      mag += std::fabs(term);
    }
    float got = c[i * n + j];
    // |error| <= K * eps * sum |a*b| bounds any float32 summation order.
    if (!(std::fabs(ref - got) <= k * FLT_EPSILON * mag + 1e-6)) {
      std::fprintf(stderr,
                   "sgemm_clblast: error: wrong result C[%ld][%ld] = %g, "
                   "expected %g\n",
                   i, j, got, ref);
      return 1;
    }
  }

  double kernelMedian = median(kernelMs);
  std::printf("sgemm M=%ld N=%ld K=%ld on opencl:%ld (%s: %s)\n", m, n, k,
              deviceIndex, platformString(platform, CL_PLATFORM_NAME).c_str(),
              deviceString(device, CL_DEVICE_NAME).c_str());
  std::printf("latency: median %.3f ms, p90 %.3f ms, min %.3f ms over %ld "
              "runs\n",
              kernelMedian, quantile(kernelMs, 0.9), kernelMs.front(), repeat);
  std::printf("latency with copies: median %.3f ms, p90 %.3f ms, min %.3f ms "
              "over %ld runs\n",
              median(copiesMs), quantile(copiesMs, 0.9), copiesMs.front(),
              repeat);
  std::printf("throughput: %.2f GFLOP/s\n",
              2.0 * m * n * k / (kernelMedian * 1e-3) / 1e9);

  clReleaseMemObject(aMem);
  clReleaseMemObject(bMem);
  clReleaseMemObject(cMem);
  clReleaseCommandQueue(queue);
  clReleaseContext(context);
  return 0;
}
