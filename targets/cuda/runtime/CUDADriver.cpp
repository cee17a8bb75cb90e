//===- CUDADriver.cpp - The CUDA runtime driver -----------------*- C++ -*-===//
//
// This file implements the "cuda" driver of the runtime HAL on the CUDA
// driver API. The API is loaded at run time with dlopen("libcuda.so.1"), or
// the file named by ZELLIGE_CUDA_LIBRARY, so Zellige builds and runs without
// any CUDA library and says clearly when there is none. cuda.h is not
// included: the few types and constants used are declared below, with the
// values of the CUDA 13 header, and the versioned entry points (_v2) that
// cuda.h's #defines select are resolved by their exported names.
//
// Every GPU is one HAL device, "cuda:<ordinal>". A device retains the GPU's
// primary context and creates one non-blocking stream; every dispatch and
// copy goes to that stream, in order. Buffer reads and writes are
// asynchronous copies on the same stream followed by a stream
// synchronization, so they see every earlier dispatch and are complete when
// they return. Views are the parent allocation's address plus an offset and
// share ownership of it. Each entry point makes the primary context current
// on the calling thread first.
//
// An executable is PTX text with one .entry per dispatch, named by
// DispatchDesc::symbol (or its name when the symbol is empty). Dispatch i
// launches a grid of `workgroups` blocks of ExecutableDesc::workgroupSizes[i]
// threads, with no dynamic shared memory; its kernel parameters are the
// bindings' 64-bit device addresses, in order.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/HAL.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <dlfcn.h>
#include <limits>
#include <map>
#include <mutex>

using namespace llvm;

namespace zellige {
namespace {

Error makeError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

//===----------------------------------------------------------------------===//
// The CUDA driver API, as declared by cuda.h
//===----------------------------------------------------------------------===//

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;

constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_STUB_LIBRARY = 34;

/// CUdevice_attribute values used here.
enum CUdevice_attribute : int {
  CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X = 2,
  CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y = 3,
  CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z = 4,
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X = 5,
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y = 6,
  CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z = 7,
  CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
};

/// CUfunction_attribute values used here.
enum CUfunction_attribute : int {
  CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0,
};

/// CUjit_option values used here.
enum CUjit_option : int {
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
};

/// CUstream_flags: work on the stream does not wait for the legacy default
/// stream, which other users of the primary context may keep busy.
constexpr unsigned CU_STREAM_NON_BLOCKING = 0x1;
constexpr unsigned CU_EVENT_DEFAULT = 0x0;

/// The entry points Zellige calls. Each member is named after the API
/// function; the comment gives the exported symbol when cuda.h maps the
/// name to a versioned one. On Linux CUDAAPI is the default C convention.
struct CudaApi {
  std::string path; ///< The library the entry points came from.
  CUresult (*cuGetErrorName)(CUresult, const char **);
  CUresult (*cuGetErrorString)(CUresult, const char **);
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int *);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  // The attribute is a CUdevice_attribute, passed as the int it is, so
  // that the pointer's type does not depend on the enum's declaration.
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDeviceTotalMem)(size_t *, CUdevice); // cuDeviceTotalMem_v2
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  // cuDevicePrimaryCtxRelease_v2
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream); // cuStreamDestroy_v2
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t); // cuMemAlloc_v2
  CUresult (*cuMemFree)(CUdeviceptr);            // cuMemFree_v2
  // cuMemcpyHtoDAsync_v2
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
  // cuMemcpyDtoHAsync_v2
  CUresult (*cuMemcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  // cuMemcpyDtoDAsync_v2
  CUresult (*cuMemcpyDtoDAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned,
                                 CUjit_option *, void **);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuFuncGetAttribute)(int *, CUfunction_attribute, CUfunction);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, CUstream, void **,
                             void **);
  // Optional: device timers (DeviceOptions::deviceTimers) need all four.
  CUresult (*cuEventCreate)(CUevent *, unsigned) = nullptr;
  CUresult (*cuEventRecord)(CUevent, CUstream) = nullptr;
  // cuEventElapsedTime_v2 from CUDA 12.8, else cuEventElapsedTime.
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent) = nullptr;
  CUresult (*cuEventDestroy)(CUevent) = nullptr; // cuEventDestroy_v2

  bool hasEvents() const {
    return cuEventCreate && cuEventRecord && cuEventElapsedTime &&
           cuEventDestroy;
  }
};

constexpr const char *kDefaultLibrary = "libcuda.so.1";
constexpr const char *kLibraryEnv = "ZELLIGE_CUDA_LIBRARY";

/// Resolves `symbol` from `handle` into `fn`; records it in `missing` when
/// the library does not export it.
template <typename Fn>
void resolve(void *handle, const char *symbol, Fn &fn,
             SmallVectorImpl<StringRef> &missing) {
  fn = reinterpret_cast<Fn>(dlsym(handle, symbol));
  if (!fn)
    missing.push_back(symbol);
}

/// Loads the driver library (ZELLIGE_CUDA_LIBRARY or libcuda.so.1) and
/// resolves every entry point. A library that loaded once stays loaded for
/// the life of the process (unloading libcuda is unsafe), so the result is a
/// stable pointer; a library that failed is tried again next time.
Expected<const CudaApi *> loadCudaApi() {
  const char *env = std::getenv(kLibraryEnv);
  bool fromEnv = env && *env;
  std::string path = fromEnv ? env : kDefaultLibrary;

  static std::mutex mutex;
  // Leaked on purpose: entries must outlive every device, even at exit.
  static auto *loaded = new std::map<std::string, std::unique_ptr<CudaApi>>();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = loaded->find(path);
  if (it != loaded->end())
    return it->second.get();

  dlerror();
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    std::string reason = why ? why : "unknown dlopen error";
    bool notFound = StringRef(reason).contains("No such file");
    if (!fromEnv && notFound)
      return makeError(formatv("CUDA driver library {0} not found (no NVIDIA "
                               "driver on this machine)",
                               path));
    return makeError(formatv("CUDA driver library {0}{1} {2}: {3}", path,
                             fromEnv ? " (from ZELLIGE_CUDA_LIBRARY)" : "",
                             notFound ? "not found" : "cannot be loaded",
                             reason));
  }

  auto api = std::make_unique<CudaApi>();
  api->path = path;
  SmallVector<StringRef, 4> missing;
  resolve(handle, "cuGetErrorName", api->cuGetErrorName, missing);
  resolve(handle, "cuGetErrorString", api->cuGetErrorString, missing);
  resolve(handle, "cuInit", api->cuInit, missing);
  resolve(handle, "cuDriverGetVersion", api->cuDriverGetVersion, missing);
  resolve(handle, "cuDeviceGetCount", api->cuDeviceGetCount, missing);
  resolve(handle, "cuDeviceGet", api->cuDeviceGet, missing);
  resolve(handle, "cuDeviceGetName", api->cuDeviceGetName, missing);
  resolve(handle, "cuDeviceGetAttribute", api->cuDeviceGetAttribute, missing);
  resolve(handle, "cuDeviceTotalMem_v2", api->cuDeviceTotalMem, missing);
  resolve(handle, "cuDevicePrimaryCtxRetain", api->cuDevicePrimaryCtxRetain,
          missing);
  resolve(handle, "cuDevicePrimaryCtxRelease_v2",
          api->cuDevicePrimaryCtxRelease, missing);
  resolve(handle, "cuCtxSetCurrent", api->cuCtxSetCurrent, missing);
  resolve(handle, "cuStreamCreate", api->cuStreamCreate, missing);
  resolve(handle, "cuStreamDestroy_v2", api->cuStreamDestroy, missing);
  resolve(handle, "cuStreamSynchronize", api->cuStreamSynchronize, missing);
  resolve(handle, "cuMemAlloc_v2", api->cuMemAlloc, missing);
  resolve(handle, "cuMemFree_v2", api->cuMemFree, missing);
  resolve(handle, "cuMemcpyHtoDAsync_v2", api->cuMemcpyHtoDAsync, missing);
  resolve(handle, "cuMemcpyDtoHAsync_v2", api->cuMemcpyDtoHAsync, missing);
  resolve(handle, "cuMemcpyDtoDAsync_v2", api->cuMemcpyDtoDAsync, missing);
  resolve(handle, "cuModuleLoadDataEx", api->cuModuleLoadDataEx, missing);
  resolve(handle, "cuModuleUnload", api->cuModuleUnload, missing);
  resolve(handle, "cuModuleGetFunction", api->cuModuleGetFunction, missing);
  resolve(handle, "cuFuncGetAttribute", api->cuFuncGetAttribute, missing);
  resolve(handle, "cuLaunchKernel", api->cuLaunchKernel, missing);
  {
    // Timers are optional: without them profiling falls back to wall time.
    SmallVector<StringRef, 4> optional;
    resolve(handle, "cuEventCreate", api->cuEventCreate, optional);
    resolve(handle, "cuEventRecord", api->cuEventRecord, optional);
    resolve(handle, "cuEventElapsedTime_v2", api->cuEventElapsedTime, optional);
    if (!api->cuEventElapsedTime)
      resolve(handle, "cuEventElapsedTime", api->cuEventElapsedTime, optional);
    resolve(handle, "cuEventDestroy_v2", api->cuEventDestroy, optional);
  }
  if (!missing.empty()) {
    dlclose(handle);
    return makeError(formatv("CUDA driver library {0} lacks {1} (Zellige "
                             "needs a driver for CUDA 11.0 or newer)",
                             path, join(missing, ", ")));
  }
  const CudaApi *result = api.get();
  loaded->emplace(path, std::move(api));
  return result;
}

/// "CUDA_ERROR_X (description)" for `r`, or "CUresult <n>" when the library
/// cannot name it.
std::string resultName(const CudaApi &api, CUresult r) {
  const char *name = nullptr, *text = nullptr;
  if (api.cuGetErrorName(r, &name) != CUDA_SUCCESS || !name) {
    if (r == CUDA_ERROR_STUB_LIBRARY)
      return "CUDA_ERROR_STUB_LIBRARY";
    return formatv("CUresult {0}", r).str();
  }
  if (api.cuGetErrorString(r, &text) != CUDA_SUCCESS || !text)
    return name;
  return formatv("{0} ({1})", name, text).str();
}

/// The error for API function `call` having returned `r`.
Error callError(const CudaApi &api, StringRef call, CUresult r) {
  std::string msg = formatv("{0} failed: {1}", call, resultName(api, r));
  if (r == CUDA_ERROR_STUB_LIBRARY)
    msg += formatv(" ({0} is the CUDA toolkit's stub library, not a driver)",
                   api.path);
  return makeError(msg);
}

/// Success, or the error for `call` having returned `r`.
Error check(const CudaApi &api, StringRef call, CUresult r) {
  if (r == CUDA_SUCCESS)
    return Error::success();
  return callError(api, call, r);
}

//===----------------------------------------------------------------------===//
// Device properties
//===----------------------------------------------------------------------===//

/// What Zellige needs to know about one GPU.
struct DeviceProps {
  CUdevice device = 0;
  unsigned ordinal = 0;
  std::string name;
  int major = 0, minor = 0, multiprocessors = 0;
  int driverVersion = 0; ///< e.g. 12040 for CUDA 12.4.
  size_t totalMemory = 0;
  std::array<int, 3> maxBlockDim{}, maxGridDim{};

  std::string driverVersionText() const {
    return formatv("{0}.{1}", driverVersion / 1000, (driverVersion % 1000) / 10)
        .str();
  }
  std::string fingerprint() const {
    return formatv("NVIDIA/{0}/{1}/{2}", name, driverVersionText(),
                   multiprocessors)
        .str();
  }
  hal::DeviceInfo info() const {
    hal::DeviceInfo i;
    i.name = formatv("cuda:{0}", ordinal).str();
    i.driver = "cuda";
    i.description =
        formatv("{0} (sm_{1}{2}, {3} SMs, {4:F1} GiB)", name, major, minor,
                multiprocessors, double(totalMemory) / double(1ull << 30))
            .str();
    i.fingerprint = fingerprint();
    return i;
  }
};

/// Initializes the API and returns how many GPUs it sees (at least one).
Expected<int> initAndCount(const CudaApi &api) {
  if (Error e = check(api, "cuInit", api.cuInit(0)))
    return std::move(e);
  int count = 0;
  if (Error e = check(api, "cuDeviceGetCount", api.cuDeviceGetCount(&count)))
    return std::move(e);
  if (count <= 0)
    return makeError(
        formatv("no CUDA devices (the driver in {0} sees none)", api.path));
  return count;
}

Expected<DeviceProps> queryDevice(const CudaApi &api, unsigned ordinal) {
  DeviceProps p;
  p.ordinal = ordinal;
  if (Error e = check(api, "cuDeviceGet",
                      api.cuDeviceGet(&p.device, static_cast<int>(ordinal))))
    return std::move(e);
  char name[256] = {};
  if (Error e = check(api, "cuDeviceGetName",
                      api.cuDeviceGetName(name, sizeof(name) - 1, p.device)))
    return std::move(e);
  p.name = StringRef(name).trim().str();
  struct Attribute {
    CUdevice_attribute attribute;
    const char *name;
    int *out;
  };
#define ZLG_ATTRIBUTE(NAME, OUT)                                               \
  { CU_DEVICE_ATTRIBUTE_##NAME, "CU_DEVICE_ATTRIBUTE_" #NAME, OUT }
  const Attribute attrs[] = {
      ZLG_ATTRIBUTE(COMPUTE_CAPABILITY_MAJOR, &p.major),
      ZLG_ATTRIBUTE(COMPUTE_CAPABILITY_MINOR, &p.minor),
      ZLG_ATTRIBUTE(MULTIPROCESSOR_COUNT, &p.multiprocessors),
      ZLG_ATTRIBUTE(MAX_BLOCK_DIM_X, &p.maxBlockDim[0]),
      ZLG_ATTRIBUTE(MAX_BLOCK_DIM_Y, &p.maxBlockDim[1]),
      ZLG_ATTRIBUTE(MAX_BLOCK_DIM_Z, &p.maxBlockDim[2]),
      ZLG_ATTRIBUTE(MAX_GRID_DIM_X, &p.maxGridDim[0]),
      ZLG_ATTRIBUTE(MAX_GRID_DIM_Y, &p.maxGridDim[1]),
      ZLG_ATTRIBUTE(MAX_GRID_DIM_Z, &p.maxGridDim[2]),
  };
#undef ZLG_ATTRIBUTE
  for (const Attribute &a : attrs)
    if (CUresult r =
            api.cuDeviceGetAttribute(a.out, int(a.attribute), p.device))
      return makeError(formatv("cuDeviceGetAttribute({0}) failed: {1}", a.name,
                               resultName(api, r)));
  if (Error e = check(api, "cuDeviceTotalMem_v2",
                      api.cuDeviceTotalMem(&p.totalMemory, p.device)))
    return std::move(e);
  if (Error e = check(api, "cuDriverGetVersion",
                      api.cuDriverGetVersion(&p.driverVersion)))
    return std::move(e);
  return p;
}

//===----------------------------------------------------------------------===//
// Context, allocations and buffers
//===----------------------------------------------------------------------===//

class CudaBuffer;

/// A device's primary context and stream. Shared by the device, its buffers
/// and its executables, so that it is released only after the last of them.
class CudaContext {
public:
  CudaContext(const CudaApi &api, DeviceProps props, CUcontext context,
              CUstream stream)
      : api(api), props(std::move(props)), context(context), stream(stream),
        name(formatv("cuda:{0}", this->props.ordinal).str()) {}

  /// Waits for the stream, destroys it and releases the primary context.
  ~CudaContext() {
    if (api.cuCtxSetCurrent(context) == CUDA_SUCCESS) {
      (void)api.cuStreamSynchronize(stream);
      for (CUevent e : {timerStart, timerEnd})
        if (e)
          (void)api.cuEventDestroy(e);
      (void)api.cuStreamDestroy(stream);
    }
    (void)api.cuDevicePrimaryCtxRelease(props.device);
  }

  /// Retains the primary context of `props.device`, makes it current and
  /// creates the stream.
  static Expected<std::shared_ptr<CudaContext>> create(const CudaApi &api,
                                                       DeviceProps props) {
    CUcontext context = nullptr;
    if (Error e = check(api, "cuDevicePrimaryCtxRetain",
                        api.cuDevicePrimaryCtxRetain(&context, props.device)))
      return std::move(e);
    CUstream stream = nullptr;
    CUresult r = api.cuCtxSetCurrent(context);
    StringRef failed = "cuCtxSetCurrent";
    if (r == CUDA_SUCCESS) {
      r = api.cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING);
      failed = "cuStreamCreate";
    }
    if (r != CUDA_SUCCESS) {
      (void)api.cuDevicePrimaryCtxRelease(props.device);
      return callError(api, failed, r);
    }
    return std::make_shared<CudaContext>(api, std::move(props), context,
                                         stream);
  }

  /// Creates the two events that time each dispatch, when the driver has
  /// them; the context must be current. Without them there are no device
  /// timers and profiling uses wall time.
  Error enableTimers() {
    if (!api.hasEvents())
      return Error::success();
    if (Error e = check(api, "cuEventCreate",
                        api.cuEventCreate(&timerStart, CU_EVENT_DEFAULT)))
      return e;
    return check(api, "cuEventCreate",
                 api.cuEventCreate(&timerEnd, CU_EVENT_DEFAULT));
  }

  /// Events around the last dispatch when timers are on; `timed` says
  /// whether they enclose a launch.
  CUevent timerStart = nullptr, timerEnd = nullptr;
  bool timed = false;

  /// Makes the primary context current on the calling thread.
  Error makeCurrent() const {
    return check(api, "cuCtxSetCurrent", api.cuCtxSetCurrent(context));
  }

  /// Waits for everything issued to the stream.
  Error synchronize() const {
    return check(api, "cuStreamSynchronize", api.cuStreamSynchronize(stream));
  }

  /// Allocates `size` bytes (at least one, so that every buffer has its own
  /// address). The context must be current.
  Expected<CUdeviceptr> allocateMemory(uint64_t size) const {
    uint64_t bytes = std::max<uint64_t>(size, 1);
    if (bytes > std::numeric_limits<size_t>::max())
      return makeError(formatv("cannot allocate {0} bytes", size));
    CUdeviceptr ptr = 0;
    if (CUresult r = api.cuMemAlloc(&ptr, static_cast<size_t>(bytes)))
      return makeError(formatv("allocating {0} bytes on {1}: {2}", size, name,
                               toString(callError(api, "cuMemAlloc_v2", r))));
    return ptr;
  }

  /// Frees `ptr` once the stream no longer uses it. Errors are dropped: a
  /// destructor cannot report them, and a failed stream reports its error at
  /// the next synchronize().
  void freeMemory(CUdeviceptr ptr) const {
    if (api.cuCtxSetCurrent(context) != CUDA_SUCCESS)
      return;
    (void)api.cuStreamSynchronize(stream);
    (void)api.cuMemFree(ptr);
  }

  void addBuffer(const hal::Buffer *b) {
    std::lock_guard<std::mutex> lock(buffersMutex);
    buffers.insert(b);
  }
  void removeBuffer(const hal::Buffer *b) {
    std::lock_guard<std::mutex> lock(buffersMutex);
    buffers.erase(b);
  }
  /// `b` as a buffer of this device, or null when it belongs to another
  /// device or driver.
  CudaBuffer *lookup(hal::Buffer *b);

  const CudaApi &api;
  const DeviceProps props;
  const CUcontext context;
  const CUstream stream;
  const std::string name; ///< "cuda:<ordinal>".

private:
  std::mutex buffersMutex;
  DenseSet<const hal::Buffer *> buffers; ///< Live buffers of this device.
};

/// One cuMemAlloc'd block, shared by the buffer that allocated it and its
/// views.
struct Allocation {
  Allocation(std::shared_ptr<CudaContext> ctx, CUdeviceptr ptr)
      : ctx(std::move(ctx)), ptr(ptr) {}
  ~Allocation() { ctx->freeMemory(ptr); }
  Allocation(const Allocation &) = delete;
  Allocation &operator=(const Allocation &) = delete;

  std::shared_ptr<CudaContext> ctx;
  CUdeviceptr ptr;
};

class CudaBuffer final : public hal::Buffer {
public:
  CudaBuffer(std::shared_ptr<Allocation> alloc, uint64_t offset, uint64_t size,
             bool readOnly)
      : Buffer(size), alloc(std::move(alloc)), offset(offset),
        readOnly(readOnly) {
    this->alloc->ctx->addBuffer(this);
  }
  ~CudaBuffer() override { alloc->ctx->removeBuffer(this); }

  void *hostPointer() override { return nullptr; }

  Error read(uint64_t at, MutableArrayRef<uint8_t> out) override {
    if (Error e = hal::checkRange(hal::RangeUse::Read, at, out.size(), size()))
      return e;
    if (out.empty())
      return Error::success();
    CudaContext &ctx = context();
    const CudaApi &api = ctx.api;
    if (Error e = ctx.makeCurrent())
      return e;
    if (Error e = check(api, "cuMemcpyDtoHAsync_v2",
                        api.cuMemcpyDtoHAsync(out.data(), address() + at,
                                              out.size(), ctx.stream)))
      return e;
    return ctx.synchronize();
  }

  Error write(uint64_t at, ArrayRef<uint8_t> in) override {
    if (readOnly)
      return makeError("write to a constant buffer");
    if (Error e = hal::checkRange(hal::RangeUse::Write, at, in.size(), size()))
      return e;
    if (in.empty())
      return Error::success();
    CudaContext &ctx = context();
    const CudaApi &api = ctx.api;
    if (Error e = ctx.makeCurrent())
      return e;
    // Synchronizing makes the copy complete before `in` may change.
    if (Error e = check(api, "cuMemcpyHtoDAsync_v2",
                        api.cuMemcpyHtoDAsync(address() + at, in.data(),
                                              in.size(), ctx.stream)))
      return e;
    return ctx.synchronize();
  }

  CUdeviceptr address() const { return alloc->ptr + offset; }
  CudaContext &context() const { return *alloc->ctx; }
  const std::shared_ptr<Allocation> &allocation() const { return alloc; }
  uint64_t offsetInAllocation() const { return offset; }
  bool isReadOnly() const { return readOnly; }

private:
  std::shared_ptr<Allocation> alloc;
  uint64_t offset;
  bool readOnly;
};

CudaBuffer *CudaContext::lookup(hal::Buffer *b) {
  std::lock_guard<std::mutex> lock(buffersMutex);
  return buffers.contains(b) ? static_cast<CudaBuffer *>(b) : nullptr;
}

//===----------------------------------------------------------------------===//
// Executables
//===----------------------------------------------------------------------===//

class CudaExecutable final : public hal::Executable {
public:
  struct Kernel {
    CUfunction fn = nullptr;
    std::string symbol, dispatch;
    size_t numBindings = 0;
    std::array<int64_t, 3> blockSize{};
    int maxThreadsPerBlock = 0; ///< CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK.
  };

  CudaExecutable(std::shared_ptr<CudaContext> ctx, CUmodule module)
      : ctx(std::move(ctx)), module(module) {}
  ~CudaExecutable() override {
    if (ctx->api.cuCtxSetCurrent(ctx->context) != CUDA_SUCCESS)
      return;
    (void)ctx->api.cuStreamSynchronize(ctx->stream);
    (void)ctx->api.cuModuleUnload(module);
  }

  Error dispatch(unsigned index, ArrayRef<hal::Buffer *> bindings,
                 std::array<int64_t, 3> workgroups) override;

  CUmodule getModule() const { return module; }
  std::vector<Kernel> kernels;

private:
  std::shared_ptr<CudaContext> ctx;
  CUmodule module;
};

Error CudaExecutable::dispatch(unsigned index, ArrayRef<hal::Buffer *> bindings,
                               std::array<int64_t, 3> workgroups) {
  if (index >= kernels.size())
    return makeError(formatv("dispatch index {0} out of range ({1} "
                             "dispatches)",
                             index, kernels.size()));
  const Kernel &k = kernels[index];
  if (bindings.size() != k.numBindings)
    return makeError(formatv("{0} bindings given, dispatch '{1}' takes {2}",
                             bindings.size(), k.dispatch, k.numBindings));
  const DeviceProps &props = ctx->props;
  for (int d = 0; d < 3; ++d)
    if (workgroups[d] < 0 || workgroups[d] > props.maxGridDim[d])
      return makeError(formatv("dispatch '{0}': invalid workgroup count "
                               "[{1},{2},{3}] ({4} allows at most "
                               "[{5},{6},{7}])",
                               k.dispatch, workgroups[0], workgroups[1],
                               workgroups[2], ctx->name, props.maxGridDim[0],
                               props.maxGridDim[1], props.maxGridDim[2]));
  const std::array<int64_t, 3> &block = k.blockSize;
  int64_t threads = block[0] * block[1] * block[2];
  if (threads > k.maxThreadsPerBlock)
    return makeError(formatv("dispatch '{0}' has workgroups of {1}x{2}x{3} = "
                             "{4} threads, but kernel '{5}' allows at most {6} "
                             "on {7} (CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK)",
                             k.dispatch, block[0], block[1], block[2], threads,
                             k.symbol, k.maxThreadsPerBlock, ctx->name));

  SmallVector<CUdeviceptr, 16> ptrs;
  for (auto [i, b] : llvm::enumerate(bindings)) {
    CudaBuffer *buf = b ? ctx->lookup(b) : nullptr;
    if (!buf)
      return makeError(formatv("dispatch '{0}': binding {1} is not a buffer "
                               "of {2}",
                               k.dispatch, i, ctx->name));
    ptrs.push_back(buf->address());
  }
  ctx->timed = false;
  if (workgroups[0] == 0 || workgroups[1] == 0 || workgroups[2] == 0)
    return Error::success();
  // cuLaunchKernel reads each parameter through a pointer to its value.
  SmallVector<void *, 16> params;
  for (CUdeviceptr &p : ptrs)
    params.push_back(&p);

  const CudaApi &api = ctx->api;
  if (Error e = ctx->makeCurrent())
    return e;
  if (ctx->timerStart)
    if (Error e = check(api, "cuEventRecord",
                        api.cuEventRecord(ctx->timerStart, ctx->stream)))
      return e;
  CUresult r = api.cuLaunchKernel(
      k.fn, static_cast<unsigned>(workgroups[0]),
      static_cast<unsigned>(workgroups[1]),
      static_cast<unsigned>(workgroups[2]), static_cast<unsigned>(block[0]),
      static_cast<unsigned>(block[1]), static_cast<unsigned>(block[2]),
      /*sharedMemBytes=*/0, ctx->stream,
      params.empty() ? nullptr : params.data(),
      /*extra=*/nullptr);
  if (r != CUDA_SUCCESS)
    return makeError(formatv("dispatch '{0}' (kernel '{1}', grid "
                             "[{2},{3},{4}], block [{5},{6},{7}]): {8}",
                             k.dispatch, k.symbol, workgroups[0], workgroups[1],
                             workgroups[2], block[0], block[1], block[2],
                             toString(callError(api, "cuLaunchKernel", r))));
  if (ctx->timerEnd) {
    if (Error e = check(api, "cuEventRecord",
                        api.cuEventRecord(ctx->timerEnd, ctx->stream)))
      return e;
    ctx->timed = true;
  }
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Device and driver
//===----------------------------------------------------------------------===//

class CudaDevice final : public hal::Device {
public:
  explicit CudaDevice(std::shared_ptr<CudaContext> ctx) : ctx(std::move(ctx)) {}

  StringRef name() const override { return ctx->name; }
  StringRef kind() const override { return "cuda"; }
  std::string fingerprint() const override { return ctx->props.fingerprint(); }

  Expected<std::unique_ptr<hal::Buffer>> allocate(uint64_t size) override {
    return allocateBuffer(size, /*readOnly=*/false);
  }

  Expected<std::unique_ptr<hal::Buffer>>
  createView(hal::Buffer &parent, uint64_t offset, uint64_t size) override {
    CudaBuffer *p = ctx->lookup(&parent);
    if (!p)
      return makeError("view of a buffer that is not a buffer of " + ctx->name);
    if (Error e =
            hal::checkRange(hal::RangeUse::View, offset, size, parent.size()))
      return std::move(e);
    return std::make_unique<CudaBuffer>(p->allocation(),
                                        p->offsetInAllocation() + offset, size,
                                        p->isReadOnly());
  }

  Expected<std::unique_ptr<hal::Buffer>>
  importConstant(ArrayRef<uint8_t> bytes) override {
    Expected<std::unique_ptr<CudaBuffer>> b =
        allocateBuffer(bytes.size(), /*readOnly=*/true);
    if (!b)
      return b.takeError();
    if (!bytes.empty()) {
      const CudaApi &api = ctx->api;
      if (Error e = check(api, "cuMemcpyHtoDAsync_v2",
                          api.cuMemcpyHtoDAsync((*b)->address(), bytes.data(),
                                                bytes.size(), ctx->stream)))
        return std::move(e);
      if (Error e = ctx->synchronize())
        return std::move(e);
    }
    return std::unique_ptr<hal::Buffer>(std::move(*b));
  }

  Error copy(hal::Buffer &src, hal::Buffer &dst, uint64_t size) override;

  Expected<std::unique_ptr<hal::Executable>>
  loadExecutable(const ExecutableDesc &desc, ArrayRef<uint8_t> bytes,
                 const BundleManifest &manifest) override;

  Error synchronize() override {
    if (Error e = ctx->makeCurrent())
      return e;
    return ctx->synchronize();
  }

  Expected<std::optional<double>> lastDispatchDeviceMs() override {
    if (!ctx->timed)
      return std::nullopt;
    if (Error e = ctx->makeCurrent())
      return std::move(e);
    float ms = 0;
    if (Error e = check(
            ctx->api, "cuEventElapsedTime",
            ctx->api.cuEventElapsedTime(&ms, ctx->timerStart, ctx->timerEnd)))
      return std::move(e);
    return double(ms);
  }

private:
  /// A new zero-offset buffer over its own allocation; leaves the context
  /// current.
  Expected<std::unique_ptr<CudaBuffer>> allocateBuffer(uint64_t size,
                                                       bool readOnly) {
    if (Error e = ctx->makeCurrent())
      return std::move(e);
    Expected<CUdeviceptr> ptr = ctx->allocateMemory(size);
    if (!ptr)
      return ptr.takeError();
    auto alloc = std::make_shared<Allocation>(ctx, *ptr);
    return std::make_unique<CudaBuffer>(std::move(alloc), 0, size, readOnly);
  }

  std::shared_ptr<CudaContext> ctx;
};

Error CudaDevice::copy(hal::Buffer &src, hal::Buffer &dst, uint64_t size) {
  CudaBuffer *s = ctx->lookup(&src);
  CudaBuffer *d = ctx->lookup(&dst);
  if (!s || !d)
    return makeError("copy between buffers that are not buffers of " +
                     ctx->name);
  if (d->isReadOnly())
    return makeError("copy to a constant buffer");
  if (Error e = hal::checkCopySize(size, src.size(), dst.size()))
    return e;
  CUdeviceptr from = s->address(), to = d->address();
  if (size == 0 || from == to)
    return Error::success();
  const CudaApi &api = ctx->api;
  if (Error e = ctx->makeCurrent())
    return e;
  bool overlap = s->allocation() == d->allocation() && from < to + size &&
                 to < from + size;
  if (!overlap)
    return check(api, "cuMemcpyDtoDAsync_v2",
                 api.cuMemcpyDtoDAsync(to, from, size, ctx->stream));
  // cuMemcpy leaves overlapping copies undefined: go through a temporary,
  // freed (after the stream is done with it) when `tmp` dies.
  Expected<CUdeviceptr> tmpPtr = ctx->allocateMemory(size);
  if (!tmpPtr)
    return tmpPtr.takeError();
  Allocation tmp(ctx, *tmpPtr);
  if (Error e = check(api, "cuMemcpyDtoDAsync_v2",
                      api.cuMemcpyDtoDAsync(tmp.ptr, from, size, ctx->stream)))
    return e;
  return check(api, "cuMemcpyDtoDAsync_v2",
               api.cuMemcpyDtoDAsync(to, tmp.ptr, size, ctx->stream));
}

Expected<std::unique_ptr<hal::Executable>>
CudaDevice::loadExecutable(const ExecutableDesc &desc, ArrayRef<uint8_t> bytes,
                           const BundleManifest &manifest) {
  if (desc.format != "ptx")
    return makeError("cuda executables must have format 'ptx', not '" +
                     desc.format + "'");
  if (bytes.empty())
    return makeError("section '" + desc.section + "' is empty");
  if (desc.workgroupSizes.size() != manifest.dispatches.size())
    return makeError(formatv("the cuda executable has {0} workgroup sizes "
                             "for {1} dispatches",
                             desc.workgroupSizes.size(),
                             manifest.dispatches.size()));
  const DeviceProps &props = ctx->props;
  for (auto [i, size] : llvm::enumerate(desc.workgroupSizes))
    for (int d = 0; d < 3; ++d)
      if (size[d] < 1 || size[d] > props.maxBlockDim[d])
        return makeError(formatv(
            "dispatch '{0}' has workgroup size [{1},{2},{3}]; {4} allows "
            "[1..{5}, 1..{6}, 1..{7}]",
            manifest.dispatches[i].name, size[0], size[1], size[2], ctx->name,
            props.maxBlockDim[0], props.maxBlockDim[1], props.maxBlockDim[2]));

  // The section is not NUL-terminated; the JIT wants a C string.
  std::string image(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  const CudaApi &api = ctx->api;
  if (Error e = ctx->makeCurrent())
    return std::move(e);
  std::vector<char> log(64 * 1024, '\0');
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  // The size option's value is the size itself, cast to a pointer; the
  // last byte is kept for the terminator.
  void *values[] = {log.data(), reinterpret_cast<void *>(
                                    static_cast<uintptr_t>(log.size() - 1))};
  CUmodule module = nullptr;
  CUresult r =
      api.cuModuleLoadDataEx(&module, image.c_str(), 2, options, values);
  if (r != CUDA_SUCCESS) {
    std::string msg = toString(callError(api, "cuModuleLoadDataEx", r));
    StringRef text = StringRef(log.data()).trim();
    if (!text.empty())
      msg += "; JIT log:\n" + text.str();
    return makeError(formatv("cannot load the PTX of section '{0}' on {1}: {2}",
                             desc.section, ctx->name, msg));
  }

  auto exe = std::make_unique<CudaExecutable>(ctx, module);
  for (auto [i, d] : llvm::enumerate(manifest.dispatches)) {
    CudaExecutable::Kernel k;
    k.symbol = d.symbol.empty() ? d.name : d.symbol;
    k.dispatch = d.name;
    k.numBindings = d.bindings.size();
    k.blockSize = desc.workgroupSizes[i];
    if (CUresult fr = api.cuModuleGetFunction(&k.fn, module, k.symbol.c_str()))
      return makeError(
          formatv("kernel '{0}' of dispatch '{1}' is not in the PTX of section "
                  "'{2}': {3}",
                  k.symbol, d.name, desc.section,
                  toString(callError(api, "cuModuleGetFunction", fr))));
    if (CUresult ar = api.cuFuncGetAttribute(
            &k.maxThreadsPerBlock, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK,
            k.fn))
      return makeError(
          formatv("kernel '{0}': {1}", k.symbol,
                  toString(callError(
                      api,
                      "cuFuncGetAttribute(CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_"
                      "BLOCK)",
                      ar))));
    exe->kernels.push_back(std::move(k));
  }
  return std::unique_ptr<hal::Executable>(std::move(exe));
}

class CudaDriver final : public hal::Driver {
public:
  StringRef name() const override { return "cuda"; }

  Expected<std::vector<hal::DeviceInfo>> enumerate() override {
    Expected<const CudaApi *> api = loadCudaApi();
    if (!api)
      return api.takeError();
    Expected<int> count = initAndCount(**api);
    if (!count)
      return count.takeError();
    std::vector<hal::DeviceInfo> out;
    for (int i = 0; i < *count; ++i) {
      Expected<DeviceProps> props = queryDevice(**api, i);
      if (!props)
        return makeError(
            formatv("CUDA device {0}: {1}", i, toString(props.takeError())));
      out.push_back(props->info());
    }
    return out;
  }

  Expected<std::unique_ptr<hal::Device>>
  createDevice(unsigned ordinal, const hal::DeviceOptions &options) override {
    Expected<const CudaApi *> api = loadCudaApi();
    if (!api)
      return api.takeError();
    Expected<int> count = initAndCount(**api);
    if (!count)
      return count.takeError();
    if (ordinal >= static_cast<unsigned>(*count))
      return makeError(formatv("CUDA device {0} does not exist ({1} "
                               "device{2})",
                               ordinal, *count, *count == 1 ? "" : "s"));
    Expected<DeviceProps> props = queryDevice(**api, ordinal);
    if (!props)
      return makeError(formatv("CUDA device {0}: {1}", ordinal,
                               toString(props.takeError())));
    Expected<std::shared_ptr<CudaContext>> ctx =
        CudaContext::create(**api, std::move(*props));
    if (!ctx)
      return makeError(formatv("cannot open cuda:{0}: {1}", ordinal,
                               toString(ctx.takeError())));
    if (options.deviceTimers)
      if (Error e = (*ctx)->enableTimers())
        return makeError(formatv("cannot open cuda:{0}: {1}", ordinal,
                                 toString(std::move(e))));
    return std::make_unique<CudaDevice>(std::move(*ctx));
  }
};

} // namespace

void registerCUDARuntimeDriver() {
  hal::registerDriver(std::make_unique<CudaDriver>());
}

} // namespace zellige
