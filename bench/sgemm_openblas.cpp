//===- sgemm_openblas.cpp - OpenBLAS sgemm reference timing -----*- C++ -*-===//
//
// This file implements the OpenBLAS reference for Zellige's matmul benchmark:
// it times cblas_sgemm (row-major, C = A * B) for given M N K on one thread
// (or --threads N), with warm-up runs and repetitions, and prints the median
// latency and GFLOP/s. The latency line has the same format as
// `zellige run --repeat`, so bench/matmul.py parses both the same way.
//
// Usage: sgemm_openblas M N K [--warmup W] [--repeat R] [--threads T]
//
//===----------------------------------------------------------------------===//

#include <cblas.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace {

/// Parses a positive integer argument; returns false on junk or overflow.
bool parsePositive(const char *text, long maxValue, long &value) {
  char *end = nullptr;
  errno = 0;
  long v = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v <= 0 || v > maxValue)
    return false;
  value = v;
  return true;
}

int usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s M N K [--warmup W] [--repeat R] [--threads T]\n",
               argv0);
  return 2;
}

/// Returns the q-quantile (0..1) of sorted values, nearest rank.
double quantile(const std::vector<double> &sorted, double q) {
  size_t idx = static_cast<size_t>(std::ceil(q * sorted.size()));
  idx = idx == 0 ? 0 : idx - 1;
  return sorted[std::min(idx, sorted.size() - 1)];
}

} // namespace

int main(int argc, char **argv) {
  long dims[3] = {0, 0, 0};
  long warmup = 3, repeat = 20, threads = 1;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    const char *arg = argv[i];
    long *target = nullptr;
    if (!std::strcmp(arg, "--warmup"))
      target = &warmup;
    else if (!std::strcmp(arg, "--repeat"))
      target = &repeat;
    else if (!std::strcmp(arg, "--threads"))
      target = &threads;
    if (target) {
      if (i + 1 >= argc || !parsePositive(argv[++i], 1L << 20, *target)) {
        std::fprintf(stderr,
                     "sgemm_openblas: error: %s needs a positive "
                     "integer\n",
                     arg);
        return 2;
      }
      continue;
    }
    if (positional >= 3 || !parsePositive(arg, 1L << 16, dims[positional])) {
      std::fprintf(stderr, "sgemm_openblas: error: bad argument '%s'\n", arg);
      return usage(argv[0]);
    }
    ++positional;
  }
  if (positional != 3)
    return usage(argv[0]);
  const long m = dims[0], n = dims[1], k = dims[2];

  openblas_set_num_threads(static_cast<int>(threads));

  std::mt19937 gen(42);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> a(m * k), b(k * n), c(m * n, 0.0f);
  for (float &v : a)
    v = dist(gen);
  for (float &v : b)
    v = dist(gen);

  auto runOnce = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f,
                a.data(), k, b.data(), n, 0.0f, c.data(), n);
  };
  for (long i = 0; i < warmup; ++i)
    runOnce();

  std::vector<double> ms;
  ms.reserve(repeat);
  for (long i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    runOnce();
    auto stop = std::chrono::steady_clock::now();
    ms.push_back(
        std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(ms.begin(), ms.end());
  double median =
      repeat % 2 ? ms[repeat / 2] : 0.5 * (ms[repeat / 2 - 1] + ms[repeat / 2]);
  double gflops = 2.0 * m * n * k / (median * 1e-3) / 1e9;

  // Check one output element against a double-precision dot product so a
  // misconfigured library cannot report a fast wrong answer.
  double ref = 0.0;
  for (long p = 0; p < k; ++p)
    ref += static_cast<double>(a[p]) * b[p * n];
  if (std::fabs(ref - c[0]) > 1e-3 * (1.0 + std::fabs(ref))) {
    std::fprintf(stderr,
                 "sgemm_openblas: error: wrong result C[0][0] = %g, "
                 "expected %g\n",
                 c[0], ref);
    return 1;
  }

  std::printf("sgemm M=%ld N=%ld K=%ld threads=%ld (%s)\n", m, n, k, threads,
              openblas_get_config());
  std::printf("latency: median %.3f ms, p90 %.3f ms, min %.3f ms over %ld "
              "runs\n",
              median, quantile(ms, 0.9), ms.front(), repeat);
  std::printf("throughput: %.2f GFLOP/s\n", gflops);
  return 0;
}
