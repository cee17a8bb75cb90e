//===- ThreadPool.cpp - A small fork-join pool for workgroups ---*- C++ -*-===//
//
// This file implements ThreadPool. Each parallelFor() call is one
// generation: the caller publishes the job under the mutex, wakes the
// workers, takes chunks itself, and waits until every worker has left the
// job, so no worker can see a stale job or miss one.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/ThreadPool.h"

#include <algorithm>

namespace zellige {

ThreadPool::ThreadPool(unsigned threads) {
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  workers.reserve(threads - 1);
  for (unsigned i = 1; i < threads; ++i)
    workers.emplace_back([this] { workerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : workers)
    t.join();
}

void ThreadPool::drain() {
  while (true) {
    int64_t start = next.fetch_add(chunk, std::memory_order_relaxed);
    if (start >= jobSize)
      return;
    int64_t end = std::min(start + chunk, jobSize);
    for (int64_t i = start; i < end; ++i)
      job(i);
  }
}

void ThreadPool::workerLoop() {
  uint64_t seen = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return stopping || generation != seen; });
      if (stopping)
        return;
      seen = generation;
    }
    drain();
    std::lock_guard<std::mutex> lock(mutex);
    if (--busy == 0)
      done.notify_one();
  }
}

void ThreadPool::parallelFor(int64_t n, llvm::function_ref<void(int64_t)> fn) {
  if (n <= 0)
    return;
  if (workers.empty() || n == 1) {
    for (int64_t i = 0; i < n; ++i)
      fn(i);
    return;
  }
  std::lock_guard<std::mutex> call(callMutex);
  {
    std::lock_guard<std::mutex> lock(mutex);
    job = fn;
    jobSize = n;
    // Several chunks per thread balance uneven workgroups; one index per
    // chunk when there are few.
    chunk = std::max<int64_t>(1, n / (int64_t(size()) * 4));
    next.store(0, std::memory_order_relaxed);
    busy = unsigned(workers.size());
    ++generation;
  }
  wake.notify_all();
  drain();
  std::unique_lock<std::mutex> lock(mutex);
  done.wait(lock, [&] { return busy == 0; });
}

} // namespace zellige
