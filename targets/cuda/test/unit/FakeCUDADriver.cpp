//===- FakeCUDADriver.cpp - A host-memory stand-in for libcuda --*- C++ -*-===//
//
// This file implements, for the unit tests only, the part of the CUDA driver
// API that the cuda runtime driver resolves, on host memory, so that the
// driver's logic is tested on machines without a GPU. The tests load it with
// ZELLIGE_CUDA_LIBRARY. It keeps the rules of the real driver that the
// runtime driver relies on, and checks its arguments strictly:
//
// * cuInit must come first; every memory, module, stream and launch call
//   needs a current context on the calling thread (else
//   CUDA_ERROR_INVALID_CONTEXT), so a missing cuCtxSetCurrent shows up as
//   an error when a test uses a device from a new thread;
// * cuMemAlloc of 0 bytes fails; copies must lie inside live allocations;
// * a module image is a NUL-terminated string; it is PTX when it has a
//   ".version" directive (otherwise CUDA_ERROR_INVALID_PTX with a JIT log),
//   and its kernels are its ".entry" names; every kernel allows 1024
//   threads per block;
// * a launch of "add_one" (in, out) computes out[i] = in[i] + 1.0f for
//   every thread i of the x dimension, like the test's PTX kernel.
//
// Environment: ZLG_FAKE_CUDA_INIT_RESULT makes cuInit return that result;
// ZLG_FAKE_CUDA_DEVICES sets the device count (default 1).
// zlgFakeCudaState() exposes live-object counts and the last launch.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_INVALID_VALUE = 1;
constexpr CUresult CUDA_ERROR_NOT_INITIALIZED = 3;
constexpr CUresult CUDA_ERROR_INVALID_DEVICE = 101;
constexpr CUresult CUDA_ERROR_INVALID_CONTEXT = 201;
constexpr CUresult CUDA_ERROR_INVALID_PTX = 218;
constexpr CUresult CUDA_ERROR_INVALID_HANDLE = 400;
constexpr CUresult CUDA_ERROR_NOT_FOUND = 500;
constexpr CUresult CUDA_ERROR_ILLEGAL_ADDRESS = 700;

constexpr int kMaxThreadsPerBlock = 1024;

struct ErrorText {
  CUresult result;
  const char *name, *text;
};
constexpr ErrorText kErrors[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {1, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {218, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
    {400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {500, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS",
     "an illegal memory access was "
     "encountered"},
    {999, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

struct Context {
  CUdevice device;
};

struct Function {
  std::string name;
  int numParams = 0;
};

struct Module {
  std::vector<Function *> functions;
  ~Module() {
    for (Function *f : functions)
      delete f;
  }
};

/// Mirrors the struct the tests declare.
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

std::mutex mutex;
bool initialized = false;
FakeState state;
Context contexts[8];
std::map<uintptr_t, size_t> allocations;
std::set<const Module *> modules;
std::set<const void *> streams;
thread_local Context *current = nullptr;

int deviceCount() {
  const char *env = std::getenv("ZLG_FAKE_CUDA_DEVICES");
  int n = env ? std::atoi(env) : 1;
  return n < 0 ? 0 : (n > 8 ? 8 : n);
}

/// Whether [ptr, ptr + size) lies inside one live allocation.
bool inAllocation(CUdeviceptr ptr, size_t size) {
  auto it = allocations.upper_bound(static_cast<uintptr_t>(ptr));
  if (it == allocations.begin())
    return false;
  --it;
  uintptr_t begin = it->first, end = it->first + it->second;
  return ptr >= begin && ptr <= end && size <= end - ptr;
}

/// The number of ".param" in the parameter list of entry `name` of `image`,
/// or -1 when the image has no such entry.
int findEntry(const char *image, const std::string &name) {
  std::string text(image);
  std::string key = ".entry " + name;
  for (size_t at = text.find(key); at != std::string::npos;
       at = text.find(key, at + 1)) {
    size_t after = at + key.size();
    if (after < text.size() &&
        (text[after] == '(' || text[after] == ' ' || text[after] == '\n')) {
      size_t open = text.find('(', after), close = text.find(')', after);
      if (open == std::string::npos || close == std::string::npos)
        return 0;
      int n = 0;
      for (size_t p = text.find(".param", open); p < close;
           p = text.find(".param", p + 1))
        ++n;
      return n;
    }
  }
  return -1;
}

#define FAKE_REQUIRE_CONTEXT()                                                 \
  do {                                                                         \
    if (!initialized)                                                          \
      return CUDA_ERROR_NOT_INITIALIZED;                                       \
    if (!current)                                                              \
      return CUDA_ERROR_INVALID_CONTEXT;                                       \
  } while (false)

} // namespace

extern "C" {

FakeState *zlgFakeCudaState() { return &state; }

CUresult cuGetErrorName(CUresult error, const char **pStr) {
  for (const ErrorText &e : kErrors)
    if (e.result == error) {
      *pStr = e.name;
      return CUDA_SUCCESS;
    }
  *pStr = nullptr;
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuGetErrorString(CUresult error, const char **pStr) {
  for (const ErrorText &e : kErrors)
    if (e.result == error) {
      *pStr = e.text;
      return CUDA_SUCCESS;
    }
  *pStr = nullptr;
  return CUDA_ERROR_INVALID_VALUE;
}

CUresult cuInit(unsigned flags) {
  std::lock_guard<std::mutex> lock(mutex);
  if (flags != 0)
    return CUDA_ERROR_INVALID_VALUE;
  if (const char *env = std::getenv("ZLG_FAKE_CUDA_INIT_RESULT"))
    if (int r = std::atoi(env))
      return r;
  initialized = true;
  return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int *version) {
  *version = 13000;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetCount(int *count) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  *count = deviceCount();
  return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  if (ordinal < 0 || ordinal >= deviceCount())
    return CUDA_ERROR_INVALID_DEVICE;
  *device = ordinal;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice device) {
  if (device < 0 || device >= deviceCount())
    return CUDA_ERROR_INVALID_DEVICE;
  if (!name || len <= 0)
    return CUDA_ERROR_INVALID_VALUE;
  std::strncpy(name, "Fake GPU", static_cast<size_t>(len));
  name[len - 1] = '\0';
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int *value, int attribute, CUdevice device) {
  if (device < 0 || device >= deviceCount())
    return CUDA_ERROR_INVALID_DEVICE;
  switch (attribute) {
  case 1: // MAX_THREADS_PER_BLOCK
  case 2: // MAX_BLOCK_DIM_X
  case 3: // MAX_BLOCK_DIM_Y
    *value = 1024;
    return CUDA_SUCCESS;
  case 4: // MAX_BLOCK_DIM_Z
    *value = 64;
    return CUDA_SUCCESS;
  case 5: // MAX_GRID_DIM_X
    *value = 2147483647;
    return CUDA_SUCCESS;
  case 6: // MAX_GRID_DIM_Y
  case 7: // MAX_GRID_DIM_Z
    *value = 65535;
    return CUDA_SUCCESS;
  case 16: // MULTIPROCESSOR_COUNT
    *value = 132;
    return CUDA_SUCCESS;
  case 75: // COMPUTE_CAPABILITY_MAJOR
    *value = 9;
    return CUDA_SUCCESS;
  case 76: // COMPUTE_CAPABILITY_MINOR
    *value = 0;
    return CUDA_SUCCESS;
  default:
    return CUDA_ERROR_INVALID_VALUE;
  }
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice device) {
  if (device < 0 || device >= deviceCount())
    return CUDA_ERROR_INVALID_DEVICE;
  *bytes = size_t(80) << 30;
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(void **context, CUdevice device) {
  std::lock_guard<std::mutex> lock(mutex);
  if (!initialized)
    return CUDA_ERROR_NOT_INITIALIZED;
  if (device < 0 || device >= deviceCount())
    return CUDA_ERROR_INVALID_DEVICE;
  contexts[device].device = device;
  *context = &contexts[device];
  ++state.primaryContextRetains;
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice device) {
  std::lock_guard<std::mutex> lock(mutex);
  if (device < 0 || device >= deviceCount())
    return CUDA_ERROR_INVALID_DEVICE;
  if (state.primaryContextRetains <= 0)
    return CUDA_ERROR_INVALID_CONTEXT;
  --state.primaryContextRetains;
  return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(void *context) {
  current = static_cast<Context *>(context);
  return CUDA_SUCCESS;
}

CUresult cuStreamCreate(void **stream, unsigned flags) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (flags > 1)
    return CUDA_ERROR_INVALID_VALUE;
  *stream = new char;
  streams.insert(*stream);
  ++state.liveStreams;
  return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(void *stream) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (!streams.erase(stream))
    return CUDA_ERROR_INVALID_HANDLE;
  delete static_cast<char *>(stream);
  --state.liveStreams;
  return CUDA_SUCCESS;
}

// Events: a record takes the number of launches so far as its time stamp,
// and a launch lasts 0.5 ms of the fake's clock, so the time between two
// records is 0.5 ms per launch between them.
struct FakeEvent {
  uint64_t launches = 0;
  bool recorded = false;
};
std::set<void *> events;

CUresult cuEventCreate(void **event, unsigned flags) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (!event || flags != 0)
    return CUDA_ERROR_INVALID_VALUE;
  *event = new FakeEvent();
  events.insert(*event);
  return CUDA_SUCCESS;
}

CUresult cuEventRecord(void *event, void *stream) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (!events.count(event) || (stream && !streams.count(stream)))
    return CUDA_ERROR_INVALID_HANDLE;
  auto *e = static_cast<FakeEvent *>(event);
  e->launches = state.launches;
  e->recorded = true;
  return CUDA_SUCCESS;
}

CUresult cuEventElapsedTime_v2(float *ms, void *start, void *end) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (!events.count(start) || !events.count(end))
    return CUDA_ERROR_INVALID_HANDLE;
  auto *s = static_cast<FakeEvent *>(start), *e = static_cast<FakeEvent *>(end);
  if (!s->recorded || !e->recorded)
    return CUDA_ERROR_INVALID_VALUE;
  *ms = 0.5f * float(e->launches - s->launches);
  return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(void *event) {
  std::lock_guard<std::mutex> lock(mutex);
  if (!events.erase(event))
    return CUDA_ERROR_INVALID_HANDLE;
  delete static_cast<FakeEvent *>(event);
  return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(void *stream) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (stream && !streams.count(stream))
    return CUDA_ERROR_INVALID_HANDLE;
  return CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t size) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (size == 0)
    return CUDA_ERROR_INVALID_VALUE;
  void *p = std::calloc(1, size);
  if (!p)
    return 2; // CUDA_ERROR_OUT_OF_MEMORY
  allocations[reinterpret_cast<uintptr_t>(p)] = size;
  *ptr = reinterpret_cast<uintptr_t>(p);
  ++state.liveAllocations;
  return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr ptr) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (!allocations.erase(static_cast<uintptr_t>(ptr)))
    return CUDA_ERROR_INVALID_VALUE;
  std::free(reinterpret_cast<void *>(static_cast<uintptr_t>(ptr)));
  --state.liveAllocations;
  return CUDA_SUCCESS;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t size,
                              void *stream) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (stream && !streams.count(stream))
    return CUDA_ERROR_INVALID_HANDLE;
  if (!inAllocation(dst, size))
    return CUDA_ERROR_INVALID_VALUE;
  std::memcpy(reinterpret_cast<void *>(static_cast<uintptr_t>(dst)), src, size);
  return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t size,
                              void *stream) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (stream && !streams.count(stream))
    return CUDA_ERROR_INVALID_HANDLE;
  if (!inAllocation(src, size))
    return CUDA_ERROR_INVALID_VALUE;
  std::memcpy(dst, reinterpret_cast<const void *>(static_cast<uintptr_t>(src)),
              size);
  return CUDA_SUCCESS;
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t size,
                              void *stream) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (stream && !streams.count(stream))
    return CUDA_ERROR_INVALID_HANDLE;
  if (!inAllocation(dst, size) || !inAllocation(src, size))
    return CUDA_ERROR_INVALID_VALUE;
  // The real copy is undefined on overlap; refuse it so that the caller's
  // handling of overlapping views is tested.
  if (dst < src + size && src < dst + size)
    return CUDA_ERROR_INVALID_VALUE;
  std::memcpy(reinterpret_cast<void *>(static_cast<uintptr_t>(dst)),
              reinterpret_cast<const void *>(static_cast<uintptr_t>(src)),
              size);
  return CUDA_SUCCESS;
}

CUresult cuModuleLoadDataEx(void **module, const void *image,
                            unsigned numOptions, int *options, void **values) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  if (!module || !image || (numOptions && (!options || !values)))
    return CUDA_ERROR_INVALID_VALUE;
  const char *text = static_cast<const char *>(image);
  if (!std::strstr(text, ".version")) {
    char *log = nullptr;
    size_t logSize = 0;
    for (unsigned i = 0; i < numOptions; ++i) {
      if (options[i] == 5) // CU_JIT_ERROR_LOG_BUFFER
        log = static_cast<char *>(values[i]);
      else if (options[i] == 6) // CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES
        logSize = reinterpret_cast<uintptr_t>(values[i]);
    }
    if (log && logSize) {
      std::strncpy(log,
                   "ptxas application ptx input, line 1; fatal   : Parsing "
                   "error near 'not': syntax error",
                   logSize);
      log[logSize - 1] = '\0';
    }
    return CUDA_ERROR_INVALID_PTX;
  }
  auto *m = new Module;
  // Remember the image's entries by scanning for ".entry <name>".
  for (const char *p = std::strstr(text, ".entry "); p;
       p = std::strstr(p + 1, ".entry ")) {
    const char *name = p + 7;
    size_t len = std::strcspn(name, " (\n\t");
    auto *f = new Function;
    f->name.assign(name, len);
    f->numParams = findEntry(text, f->name);
    m->functions.push_back(f);
  }
  modules.insert(m);
  ++state.liveModules;
  *module = m;
  return CUDA_SUCCESS;
}

CUresult cuModuleUnload(void *module) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  auto *m = static_cast<Module *>(module);
  if (!modules.erase(m))
    return CUDA_ERROR_INVALID_HANDLE;
  delete m;
  --state.liveModules;
  return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  auto *m = static_cast<Module *>(module);
  if (!modules.count(m))
    return CUDA_ERROR_INVALID_HANDLE;
  for (Function *f : m->functions)
    if (f->name == name) {
      *function = f;
      return CUDA_SUCCESS;
    }
  return CUDA_ERROR_NOT_FOUND;
}

CUresult cuFuncGetAttribute(int *value, int attribute, void *function) {
  if (!function)
    return CUDA_ERROR_INVALID_HANDLE;
  if (attribute != 0) // CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK
    return CUDA_ERROR_INVALID_VALUE;
  *value = kMaxThreadsPerBlock;
  return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(void *function, unsigned gridX, unsigned gridY,
                        unsigned gridZ, unsigned blockX, unsigned blockY,
                        unsigned blockZ, unsigned sharedMemBytes, void *stream,
                        void **kernelParams, void **extra) {
  std::lock_guard<std::mutex> lock(mutex);
  FAKE_REQUIRE_CONTEXT();
  auto *f = static_cast<Function *>(function);
  if (!f || (stream && !streams.count(stream)))
    return CUDA_ERROR_INVALID_HANDLE;
  if (!gridX || !gridY || !gridZ || !blockX || !blockY || !blockZ || extra ||
      (f->numParams > 0 && !kernelParams) ||
      uint64_t(blockX) * blockY * blockZ > kMaxThreadsPerBlock)
    return CUDA_ERROR_INVALID_VALUE;
  ++state.launches;
  state.grid[0] = gridX, state.grid[1] = gridY, state.grid[2] = gridZ;
  state.block[0] = blockX, state.block[1] = blockY, state.block[2] = blockZ;
  state.sharedMemBytes = sharedMemBytes;
  state.numParams = f->numParams;
  for (int i = 0; i < f->numParams && i < 8; ++i)
    state.params[i] = *static_cast<CUdeviceptr *>(kernelParams[i]);
  if (f->name == "add_one" && f->numParams == 2) {
    size_t n = size_t(gridX) * blockX;
    if (!inAllocation(state.params[0], n * 4) ||
        !inAllocation(state.params[1], n * 4))
      return CUDA_ERROR_ILLEGAL_ADDRESS;
    auto *in = reinterpret_cast<const float *>(
        static_cast<uintptr_t>(state.params[0]));
    auto *out =
        reinterpret_cast<float *>(static_cast<uintptr_t>(state.params[1]));
    for (size_t i = 0; i < n; ++i)
      out[i] = in[i] + 1.0f;
  }
  return CUDA_SUCCESS;
}

} // extern "C"
