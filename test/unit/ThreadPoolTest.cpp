//===- ThreadPoolTest.cpp - Tests of the workgroup thread pool ------------===//
//
// This file tests ThreadPool: every index runs exactly once, parallelFor is
// a barrier, one thread means inline on the caller, several threads are
// really used, and concurrent callers are serialized.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/ThreadPool.h"

#include "gtest/gtest.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace zellige;

namespace {

TEST(ThreadPoolTest, EveryIndexOnce) {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t n : {0, 1, 2, 7, 64, 1000, 12345}) {
      std::vector<std::atomic<int>> hits(n);
      pool.parallelFor(n, [&](int64_t i) { hits[i]++; });
      for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(hits[i].load(), 1)
            << "threads=" << threads << " n=" << n << " i=" << i;
    }
  }
}

TEST(ThreadPoolTest, DefaultUsesHardwareThreads) {
  ThreadPool pool;
  EXPECT_EQ(pool.size(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(ThreadPoolTest, SingleThreadRunsInline) {
  ThreadPool pool(1);
  std::thread::id caller = std::this_thread::get_id();
  std::vector<int64_t> order;
  pool.parallelFor(5, [&](int64_t i) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    order.push_back(i);
  });
  EXPECT_EQ(order, (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

TEST(ThreadPoolTest, UsesSeveralThreadsAndIsABarrier) {
  ThreadPool pool(4);
  std::mutex m;
  std::set<std::thread::id> ids;
  std::atomic<int> done{0};
  pool.parallelFor(64, [&](int64_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    {
      std::lock_guard<std::mutex> lock(m);
      ids.insert(std::this_thread::get_id());
    }
    done++;
  });
  // parallelFor returned, so every index has finished.
  EXPECT_EQ(done.load(), 64);
  EXPECT_GT(ids.size(), 1u);
  EXPECT_LE(ids.size(), 4u);
}

TEST(ThreadPoolTest, ManyGenerationsAndConcurrentCallers) {
  ThreadPool pool(3);
  std::atomic<int64_t> sum{0};
  auto work = [&] {
    for (int round = 0; round < 200; ++round)
      pool.parallelFor(10, [&](int64_t i) { sum += i; });
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  EXPECT_EQ(sum.load(), 2 * 200 * 45);
}

} // namespace
