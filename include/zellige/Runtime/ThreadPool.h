//===- ThreadPool.h - A small fork-join pool for workgroups -----*- C++ -*-===//
//
// This file declares the thread pool the host driver spreads workgroups
// over. parallelFor() is a fork-join barrier: it hands out indices to the
// workers and to the calling thread, and returns once every index ran.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_RUNTIME_THREADPOOL_H
#define ZELLIGE_RUNTIME_THREADPOOL_H

#include "llvm/ADT/STLFunctionalExtras.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace zellige {

class ThreadPool {
public:
  /// A pool of `threads` threads counting the caller of parallelFor(), so
  /// `threads - 1` workers are started; 0 means
  /// std::thread::hardware_concurrency(), 1 runs everything inline.
  explicit ThreadPool(unsigned threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Threads that run work, the caller included.
  unsigned size() const { return unsigned(workers.size()) + 1; }

  /// Runs fn(i) for every i in [0, n) across the pool and returns when all
  /// have finished. Calls from several threads are serialized. `fn` must not
  /// throw and must not call parallelFor on the same pool.
  void parallelFor(int64_t n, llvm::function_ref<void(int64_t)> fn);

private:
  void workerLoop();
  /// Takes chunks of the current job until none is left.
  void drain();

  std::vector<std::thread> workers;
  std::mutex callMutex; ///< Serializes parallelFor callers.

  std::mutex mutex;
  std::condition_variable wake, done;
  uint64_t generation = 0;
  unsigned busy = 0; ///< Workers still inside the current job.
  bool stopping = false;

  // The current job, valid while a parallelFor is running.
  llvm::function_ref<void(int64_t)> job;
  int64_t jobSize = 0;
  int64_t chunk = 1;
  std::atomic<int64_t> next{0};
};

} // namespace zellige

#endif // ZELLIGE_RUNTIME_THREADPOOL_H
