//===- OpenCLDriver.cpp - The OpenCL runtime driver -------------*- C++ -*-===//
//
// This file implements the "opencl" driver of the runtime HAL on the OpenCL
// 1.2 API, through whatever ICD the machine has (PoCL on CPUs, a vendor's
// on GPUs). Every device of every platform is one HAL device, "opencl:<n>".
//
// A device owns a context and an in-order command queue. Buffers are
// cl_mem objects; views are sub-buffers of the allocation they alias, whose
// origin must be a multiple of CL_DEVICE_MEM_BASE_ADDR_ALIGN (the compiler
// aligns arena offsets to 256 bytes). Reads and writes block; copies and
// dispatches are queued, and synchronize() waits for them.
//
// An executable is OpenCL C 1.2 source with one __kernel per dispatch, named
// by DispatchDesc::symbol (or its name when the symbol is empty). Dispatch i
// runs with local size ExecutableDesc::workgroupSizes[i] and global size
// workgroups * local in each dimension; its kernel arguments are the
// bindings' cl_mem objects, in order.
//
// Built programs are cached on disk, keyed by the device fingerprint, the
// source and the build options, so that a second run skips the compiler.
// The cache is best effort: an unwritable folder or an unusable entry never
// fails a load.
//
//===----------------------------------------------------------------------===//

#include "targets/opencl/runtime/OpenCLDriver.h"

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>

using namespace llvm;

namespace zellige {
namespace {

Error makeError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

//===----------------------------------------------------------------------===//
// OpenCL errors and queries
//===----------------------------------------------------------------------===//

/// The name of an OpenCL error code, e.g. "CL_INVALID_VALUE".
std::string clErrorName(cl_int code) {
  switch (code) {
#define ZLG_CL_ERROR(name)                                                     \
  case name:                                                                   \
    return #name;
    ZLG_CL_ERROR(CL_SUCCESS)
    ZLG_CL_ERROR(CL_DEVICE_NOT_FOUND)
    ZLG_CL_ERROR(CL_DEVICE_NOT_AVAILABLE)
    ZLG_CL_ERROR(CL_COMPILER_NOT_AVAILABLE)
    ZLG_CL_ERROR(CL_MEM_OBJECT_ALLOCATION_FAILURE)
    ZLG_CL_ERROR(CL_OUT_OF_RESOURCES)
    ZLG_CL_ERROR(CL_OUT_OF_HOST_MEMORY)
    ZLG_CL_ERROR(CL_PROFILING_INFO_NOT_AVAILABLE)
    ZLG_CL_ERROR(CL_MEM_COPY_OVERLAP)
    ZLG_CL_ERROR(CL_IMAGE_FORMAT_MISMATCH)
    ZLG_CL_ERROR(CL_IMAGE_FORMAT_NOT_SUPPORTED)
    ZLG_CL_ERROR(CL_BUILD_PROGRAM_FAILURE)
    ZLG_CL_ERROR(CL_MAP_FAILURE)
    ZLG_CL_ERROR(CL_MISALIGNED_SUB_BUFFER_OFFSET)
    ZLG_CL_ERROR(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
    ZLG_CL_ERROR(CL_COMPILE_PROGRAM_FAILURE)
    ZLG_CL_ERROR(CL_LINKER_NOT_AVAILABLE)
    ZLG_CL_ERROR(CL_LINK_PROGRAM_FAILURE)
    ZLG_CL_ERROR(CL_DEVICE_PARTITION_FAILED)
    ZLG_CL_ERROR(CL_KERNEL_ARG_INFO_NOT_AVAILABLE)
    ZLG_CL_ERROR(CL_INVALID_VALUE)
    ZLG_CL_ERROR(CL_INVALID_DEVICE_TYPE)
    ZLG_CL_ERROR(CL_INVALID_PLATFORM)
    ZLG_CL_ERROR(CL_INVALID_DEVICE)
    ZLG_CL_ERROR(CL_INVALID_CONTEXT)
    ZLG_CL_ERROR(CL_INVALID_QUEUE_PROPERTIES)
    ZLG_CL_ERROR(CL_INVALID_COMMAND_QUEUE)
    ZLG_CL_ERROR(CL_INVALID_HOST_PTR)
    ZLG_CL_ERROR(CL_INVALID_MEM_OBJECT)
    ZLG_CL_ERROR(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR)
    ZLG_CL_ERROR(CL_INVALID_IMAGE_SIZE)
    ZLG_CL_ERROR(CL_INVALID_SAMPLER)
    ZLG_CL_ERROR(CL_INVALID_BINARY)
    ZLG_CL_ERROR(CL_INVALID_BUILD_OPTIONS)
    ZLG_CL_ERROR(CL_INVALID_PROGRAM)
    ZLG_CL_ERROR(CL_INVALID_PROGRAM_EXECUTABLE)
    ZLG_CL_ERROR(CL_INVALID_KERNEL_NAME)
    ZLG_CL_ERROR(CL_INVALID_KERNEL_DEFINITION)
    ZLG_CL_ERROR(CL_INVALID_KERNEL)
    ZLG_CL_ERROR(CL_INVALID_ARG_INDEX)
    ZLG_CL_ERROR(CL_INVALID_ARG_VALUE)
    ZLG_CL_ERROR(CL_INVALID_ARG_SIZE)
    ZLG_CL_ERROR(CL_INVALID_KERNEL_ARGS)
    ZLG_CL_ERROR(CL_INVALID_WORK_DIMENSION)
    ZLG_CL_ERROR(CL_INVALID_WORK_GROUP_SIZE)
    ZLG_CL_ERROR(CL_INVALID_WORK_ITEM_SIZE)
    ZLG_CL_ERROR(CL_INVALID_GLOBAL_OFFSET)
    ZLG_CL_ERROR(CL_INVALID_EVENT_WAIT_LIST)
    ZLG_CL_ERROR(CL_INVALID_EVENT)
    ZLG_CL_ERROR(CL_INVALID_OPERATION)
    ZLG_CL_ERROR(CL_INVALID_GL_OBJECT)
    ZLG_CL_ERROR(CL_INVALID_BUFFER_SIZE)
    ZLG_CL_ERROR(CL_INVALID_MIP_LEVEL)
    ZLG_CL_ERROR(CL_INVALID_GLOBAL_WORK_SIZE)
    ZLG_CL_ERROR(CL_INVALID_PROPERTY)
    ZLG_CL_ERROR(CL_INVALID_IMAGE_DESCRIPTOR)
    ZLG_CL_ERROR(CL_INVALID_COMPILER_OPTIONS)
    ZLG_CL_ERROR(CL_INVALID_LINKER_OPTIONS)
    ZLG_CL_ERROR(CL_INVALID_DEVICE_PARTITION_COUNT)
#undef ZLG_CL_ERROR
  // Codes of later versions and of the ICD extension, which a 1.2 header
  // may not name.
  case -69:
    return "CL_INVALID_PIPE_SIZE";
  case -70:
    return "CL_INVALID_DEVICE_QUEUE";
  case -71:
    return "CL_INVALID_SPEC_ID";
  case -72:
    return "CL_MAX_SIZE_RESTRICTION_EXCEEDED";
  case -1001:
    return "CL_PLATFORM_NOT_FOUND_KHR";
  default:
    return formatv("unknown OpenCL error {0}", code).str();
  }
}

/// "<call> failed: <error name>".
Error clError(StringRef call, cl_int code) {
  return makeError(call + " failed: " + clErrorName(code));
}

/// Queries a string-valued property with `get(param, size, value, &size)`.
template <typename Get>
Expected<std::string> queryString(StringRef call, Get get) {
  size_t size = 0;
  if (cl_int err = get(0, nullptr, &size))
    return clError(call, err);
  std::string s(size, '\0');
  if (size)
    if (cl_int err = get(size, s.data(), nullptr))
      return clError(call, err);
  while (!s.empty() && s.back() == '\0')
    s.pop_back();
  return StringRef(s).trim().str();
}

Expected<std::string> deviceString(cl_device_id dev, cl_device_info param) {
  return queryString("clGetDeviceInfo",
                     [&](size_t size, void *value, size_t *ret) {
                       return clGetDeviceInfo(dev, param, size, value, ret);
                     });
}

Expected<std::string> platformString(cl_platform_id p, cl_platform_info param) {
  return queryString("clGetPlatformInfo",
                     [&](size_t size, void *value, size_t *ret) {
                       return clGetPlatformInfo(p, param, size, value, ret);
                     });
}

std::string deviceTypeName(cl_device_type type) {
  if (type & CL_DEVICE_TYPE_GPU)
    return "GPU";
  if (type & CL_DEVICE_TYPE_CPU)
    return "CPU";
  if (type & CL_DEVICE_TYPE_ACCELERATOR)
    return "accelerator";
  if (type & CL_DEVICE_TYPE_CUSTOM)
    return "custom";
  return "unknown type";
}

/// One device of one platform, as the ICD lists them.
struct DeviceEntry {
  cl_platform_id platform;
  cl_device_id device;
};

/// Every device of every platform, in platform order. An error says why
/// there are none.
Expected<std::vector<DeviceEntry>> listDevices() {
  cl_uint numPlatforms = 0;
  cl_int err = clGetPlatformIDs(0, nullptr, &numPlatforms);
  if (err == -1001 /*CL_PLATFORM_NOT_FOUND_KHR*/ ||
      (err == CL_SUCCESS && numPlatforms == 0))
    return makeError("no OpenCL platform found (is an ICD such as "
                     "pocl-opencl-icd installed?)");
  if (err)
    return clError("clGetPlatformIDs", err);
  std::vector<cl_platform_id> platforms(numPlatforms);
  if ((err = clGetPlatformIDs(numPlatforms, platforms.data(), nullptr)))
    return clError("clGetPlatformIDs", err);

  std::vector<DeviceEntry> out;
  std::vector<std::string> platformNames;
  for (cl_platform_id p : platforms) {
    Expected<std::string> pname = platformString(p, CL_PLATFORM_NAME);
    platformNames.push_back(pname ? *pname : toString(pname.takeError()));
    cl_uint n = 0;
    err = clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &n);
    if (err == CL_DEVICE_NOT_FOUND || (err == CL_SUCCESS && n == 0))
      continue;
    if (err)
      return clError("clGetDeviceIDs", err);
    std::vector<cl_device_id> devices(n);
    if ((err =
             clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, n, devices.data(), nullptr)))
      return clError("clGetDeviceIDs", err);
    for (cl_device_id d : devices)
      out.push_back({p, d});
  }
  if (out.empty())
    return makeError("no OpenCL device found (platforms: " +
                     join(platformNames, ", ") + ")");
  return out;
}

Expected<opencl::DeviceLimits> queryLimits(const DeviceEntry &e) {
  opencl::DeviceLimits l;
  auto str = [&](cl_device_info param, std::string &out) -> Error {
    Expected<std::string> s = deviceString(e.device, param);
    if (!s)
      return s.takeError();
    out = std::move(*s);
    return Error::success();
  };
  Expected<std::string> platform = platformString(e.platform, CL_PLATFORM_NAME);
  if (!platform)
    return platform.takeError();
  l.platform = std::move(*platform);
  if (Error err = str(CL_DEVICE_VENDOR, l.vendor))
    return std::move(err);
  if (Error err = str(CL_DEVICE_NAME, l.name))
    return std::move(err);
  if (Error err = str(CL_DRIVER_VERSION, l.driverVersion))
    return std::move(err);

  cl_device_type type = 0;
  cl_uint cus = 0, dims = 0, alignBits = 0;
  size_t wg = 0;
  cl_ulong local = 0, global = 0, alloc = 0;
  struct Query {
    cl_device_info param;
    const char *name;
    void *out;
    size_t size;
  };
#define ZLG_QUERY(param, var)                                                  \
  { param, #param, &var, sizeof(var) }
  const Query queries[] = {ZLG_QUERY(CL_DEVICE_TYPE, type),
                           ZLG_QUERY(CL_DEVICE_MAX_COMPUTE_UNITS, cus),
                           ZLG_QUERY(CL_DEVICE_MAX_WORK_GROUP_SIZE, wg),
                           ZLG_QUERY(CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS, dims),
                           ZLG_QUERY(CL_DEVICE_LOCAL_MEM_SIZE, local),
                           ZLG_QUERY(CL_DEVICE_GLOBAL_MEM_SIZE, global),
                           ZLG_QUERY(CL_DEVICE_MAX_MEM_ALLOC_SIZE, alloc),
                           ZLG_QUERY(CL_DEVICE_MEM_BASE_ADDR_ALIGN, alignBits)};
#undef ZLG_QUERY
  for (const Query &q : queries)
    if (cl_int err = clGetDeviceInfo(e.device, q.param, q.size, q.out, nullptr))
      return makeError(Twine("clGetDeviceInfo(") + q.name +
                       ") failed: " + clErrorName(err));
  l.type = deviceTypeName(type);
  l.computeUnits = cus;
  l.maxWorkGroupSize = wg;
  l.localMemSize = local;
  l.globalMemSize = global;
  l.maxAllocSize = alloc;
  l.baseAddrAlign = std::max<uint64_t>(1, alignBits / 8);

  std::vector<size_t> items(std::max<cl_uint>(dims, 3), 1);
  if (cl_int err =
          clGetDeviceInfo(e.device, CL_DEVICE_MAX_WORK_ITEM_SIZES,
                          sizeof(size_t) * dims, items.data(), nullptr))
    return makeError("clGetDeviceInfo(CL_DEVICE_MAX_WORK_ITEM_SIZES) failed: " +
                     clErrorName(err));
  for (unsigned d = 0; d < 3; ++d)
    l.maxWorkItemSizes[d] = d < dims ? items[d] : 1;
  return l;
}

std::string fingerprintOf(const opencl::DeviceLimits &l) {
  return formatv("{0}/{1}/{2}/{3}", l.vendor, l.name, l.driverVersion,
                 l.computeUnits)
      .str();
}

std::string descriptionOf(const opencl::DeviceLimits &l) {
  return formatv("{0} / {1} ({2}, {3} compute units)", l.platform, l.name,
                 l.type, l.computeUnits)
      .str();
}

std::string formatSize(ArrayRef<uint64_t> v) {
  return "[" + join(map_range(v, [](uint64_t x) { return utostr(x); }), ",") +
         "]";
}

//===----------------------------------------------------------------------===//
// Program cache
//===----------------------------------------------------------------------===//

std::atomic<uint64_t> cacheHits{0}, cacheMisses{0}, cacheRejected{0},
    cacheWrites{0};

/// Header of a cache entry, followed by the program binary.
constexpr char kCacheMagic[8] = {'Z', 'L', 'G', 'O', 'C', 'L', 'B', '1'};
constexpr size_t kCacheHeaderSize = 8 + 8 + 8; // magic, key, binary size.

/// A cache entry: its path and the key its header must hold.
struct CacheEntry {
  std::string path;
  uint64_t key;
};

std::optional<CacheEntry> cacheEntryFor(StringRef fingerprint,
                                        StringRef options, StringRef source) {
  std::optional<std::string> dir = opencl::getCacheDirectory();
  if (!dir)
    return std::nullopt;
  std::string keyed = (options + Twine('\0') + source).str();
  uint64_t contentHash = xxh3_64bits(keyed);
  uint64_t deviceHash = xxh3_64bits(fingerprint);
  uint64_t key = xxh3_64bits((fingerprint + Twine('\0') + keyed).str());
  SmallString<256> path(*dir);
  sys::path::append(
      path, formatv("{0:x-16}-{1:x-16}.bin", deviceHash, contentHash).str());
  return CacheEntry{path.str().str(), key};
}

/// The binary stored in `entry`, or none when it is absent or malformed.
/// `present` says whether a file was there.
std::optional<std::vector<uint8_t>> readCacheEntry(const CacheEntry &entry,
                                                   bool &present) {
  present = false;
  ErrorOr<std::unique_ptr<MemoryBuffer>> file =
      MemoryBuffer::getFile(entry.path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!file)
    return std::nullopt;
  present = true;
  StringRef data = (*file)->getBuffer();
  if (data.size() < kCacheHeaderSize ||
      !data.starts_with(StringRef(kCacheMagic, sizeof(kCacheMagic))))
    return std::nullopt;
  uint64_t key = support::endian::read64le(data.data() + 8);
  uint64_t size = support::endian::read64le(data.data() + 16);
  if (key != entry.key || size == 0 || size != data.size() - kCacheHeaderSize)
    return std::nullopt;
  return std::vector<uint8_t>(data.bytes_begin() + kCacheHeaderSize,
                              data.bytes_end());
}

/// Writes `binary` to `entry` atomically (a temporary file renamed over
/// it). Any failure leaves the cache as it was.
void writeCacheEntry(const CacheEntry &entry, ArrayRef<uint8_t> binary) {
  StringRef dir = sys::path::parent_path(entry.path);
  if (sys::fs::create_directories(dir))
    return;
  int fd = -1;
  SmallString<256> tmp;
  if (sys::fs::createUniqueFile(entry.path + ".%%%%%%%%.tmp", fd, tmp))
    return;
  bool ok;
  {
    raw_fd_ostream os(fd, /*shouldClose=*/true);
    char header[kCacheHeaderSize];
    std::memcpy(header, kCacheMagic, sizeof(kCacheMagic));
    support::endian::write64le(header + 8, entry.key);
    support::endian::write64le(header + 16, binary.size());
    os.write(header, sizeof(header));
    os.write(reinterpret_cast<const char *>(binary.data()), binary.size());
    os.close();
    ok = !os.has_error();
    os.clear_error();
  }
  if (ok && !sys::fs::rename(tmp, entry.path)) {
    ++cacheWrites;
    return;
  }
  sys::fs::remove(tmp);
}

//===----------------------------------------------------------------------===//
// Device state, shared by the device, its buffers and its executables
//===----------------------------------------------------------------------===//

class OpenCLBuffer;

/// The context and queue of one opened device. Buffers and executables hold
/// it too, so that releasing them in any order is safe.
struct DeviceState {
  cl_device_id device = nullptr;
  cl_context context = nullptr;
  cl_command_queue queue = nullptr;
  opencl::DeviceLimits limits;
  std::string name; ///< "opencl:<ordinal>".
  std::string fingerprint;
  /// DeviceOptions::deviceTimers: the queue profiles, and the event of the
  /// last kernel launch is kept (set by dispatch() under the executable's
  /// lock, read by the thread that synchronizes).
  bool timers = false;
  cl_event lastEvent = nullptr;

  /// Buffers made by this device, to refuse another device's buffers.
  std::mutex mutex;
  DenseSet<const hal::Buffer *> buffers;

  ~DeviceState() {
    if (lastEvent)
      clReleaseEvent(lastEvent);
    if (queue) {
      clFinish(queue);
      clReleaseCommandQueue(queue);
    }
    if (context)
      clReleaseContext(context);
  }

  /// The OpenCL buffer behind `b` when this device made it, else null.
  OpenCLBuffer *lookup(hal::Buffer *b);
};

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

class OpenCLBuffer final : public hal::Buffer {
public:
  /// Takes ownership of `mem`, which holds bytes [origin, origin + size) of
  /// `root` (`root` == `mem` and origin 0 for an allocation).
  OpenCLBuffer(std::shared_ptr<DeviceState> state, uint64_t size, cl_mem mem,
               cl_mem root, uint64_t origin, bool readOnly)
      : Buffer(size), state(std::move(state)), mem(mem), root(root),
        origin(origin), readOnly(readOnly) {
    std::lock_guard<std::mutex> lock(this->state->mutex);
    this->state->buffers.insert(this);
  }
  ~OpenCLBuffer() override {
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      state->buffers.erase(this);
    }
    clReleaseMemObject(mem);
  }

  void *hostPointer() override { return nullptr; }

  Error read(uint64_t offset, MutableArrayRef<uint8_t> out) override {
    if (Error e =
            hal::checkRange(hal::RangeUse::Read, offset, out.size(), size()))
      return e;
    if (out.empty())
      return Error::success();
    if (cl_int err =
            clEnqueueReadBuffer(state->queue, mem, CL_TRUE, offset, out.size(),
                                out.data(), 0, nullptr, nullptr))
      return clError("clEnqueueReadBuffer", err);
    return Error::success();
  }

  Error write(uint64_t offset, ArrayRef<uint8_t> in) override {
    if (readOnly)
      return makeError("write to a constant buffer");
    if (Error e =
            hal::checkRange(hal::RangeUse::Write, offset, in.size(), size()))
      return e;
    if (in.empty())
      return Error::success();
    if (cl_int err =
            clEnqueueWriteBuffer(state->queue, mem, CL_TRUE, offset, in.size(),
                                 in.data(), 0, nullptr, nullptr))
      return clError("clEnqueueWriteBuffer", err);
    return Error::success();
  }

  std::shared_ptr<DeviceState> state;
  cl_mem mem;
  cl_mem root;
  uint64_t origin;
  bool readOnly;
};

OpenCLBuffer *DeviceState::lookup(hal::Buffer *b) {
  std::lock_guard<std::mutex> lock(mutex);
  return b && buffers.contains(b) ? static_cast<OpenCLBuffer *>(b) : nullptr;
}

//===----------------------------------------------------------------------===//
// Executables
//===----------------------------------------------------------------------===//

class OpenCLExecutable final : public hal::Executable {
public:
  struct Kernel {
    cl_kernel kernel = nullptr;
    std::string name;
    size_t numBindings = 0;
    /// {x, y, z} threads per workgroup, when the executable gives them.
    std::optional<std::array<int64_t, 3>> local;
    size_t maxWorkGroupSize = 0;                ///< CL_KERNEL_WORK_GROUP_SIZE.
    std::array<size_t, 3> required = {0, 0, 0}; ///< reqd_work_group_size.
  };

  OpenCLExecutable(std::shared_ptr<DeviceState> state, cl_program program)
      : state(std::move(state)), program(program) {}
  ~OpenCLExecutable() override {
    for (Kernel &k : kernels)
      if (k.kernel)
        clReleaseKernel(k.kernel);
    clReleaseProgram(program);
  }

  Error dispatch(unsigned index, ArrayRef<hal::Buffer *> bindings,
                 std::array<int64_t, 3> workgroups) override;

  std::vector<Kernel> kernels;

private:
  /// The local size of `k`, checked against the device and kernel limits.
  Expected<std::array<size_t, 3>> localSize(const Kernel &k) const;

  std::shared_ptr<DeviceState> state;
  cl_program program;
  /// Kernel arguments are set and the launch queued under this lock.
  std::mutex mutex;
};

Expected<std::array<size_t, 3>>
OpenCLExecutable::localSize(const Kernel &k) const {
  if (!k.local)
    return makeError("the executable gives no workgroup size for kernel '" +
                     k.name +
                     "' (ExecutableDesc::workgroupSizes has no entry for it); "
                     "OpenCL launches need one {x,y,z} per dispatch");
  const opencl::DeviceLimits &l = state->limits;
  const std::array<int64_t, 3> &wg = *k.local;
  std::string sizeText = formatv("[{0},{1},{2}]", wg[0], wg[1], wg[2]).str();
  std::array<size_t, 3> local;
  uint64_t threads = 1;
  bool fits = true;
  for (unsigned d = 0; d < 3; ++d) {
    if (wg[d] < 1)
      return makeError("invalid workgroup size " + sizeText + " for kernel '" +
                       k.name + "': every dimension must be at least 1");
    if (static_cast<uint64_t>(wg[d]) > l.maxWorkItemSizes[d])
      fits = false;
    local[d] = static_cast<size_t>(
        std::min<uint64_t>(wg[d], std::numeric_limits<size_t>::max()));
    threads = SaturatingMultiply(threads, static_cast<uint64_t>(wg[d]));
  }
  uint64_t limit = std::min<uint64_t>(l.maxWorkGroupSize, k.maxWorkGroupSize);
  if (!fits || threads > limit)
    return makeError(formatv(
        "workgroup size {0} of kernel '{1}' exceeds what '{2}' ({3}) allows: "
        "at most {4} threads per workgroup for this kernel "
        "(CL_KERNEL_WORK_GROUP_SIZE {5}, CL_DEVICE_MAX_WORK_GROUP_SIZE {6}) "
        "and {7} per dimension (CL_DEVICE_MAX_WORK_ITEM_SIZES)",
        sizeText, k.name, l.name, state->name, limit, k.maxWorkGroupSize,
        l.maxWorkGroupSize, formatSize(l.maxWorkItemSizes)));
  if (k.required != std::array<size_t, 3>{0, 0, 0} && k.required != local)
    return makeError(formatv("workgroup size {0} of kernel '{1}' differs from "
                             "its reqd_work_group_size({2},{3},{4})",
                             sizeText, k.name, k.required[0], k.required[1],
                             k.required[2]));
  return local;
}

Error OpenCLExecutable::dispatch(unsigned index,
                                 ArrayRef<hal::Buffer *> bindings,
                                 std::array<int64_t, 3> workgroups) {
  if (index >= kernels.size())
    return makeError(formatv("dispatch index {0} out of range ({1} "
                             "dispatches)",
                             index, kernels.size()));
  const Kernel &k = kernels[index];
  if (bindings.size() != k.numBindings)
    return makeError(formatv("{0} bindings given, kernel '{1}' takes {2}",
                             bindings.size(), k.name, k.numBindings));
  Expected<std::array<size_t, 3>> local = localSize(k);
  if (!local)
    return local.takeError();

  std::array<size_t, 3> global;
  bool empty = false;
  for (unsigned d = 0; d < 3; ++d) {
    int64_t w = workgroups[d];
    if (w < 0 || static_cast<uint64_t>(w) >
                     std::numeric_limits<size_t>::max() / (*local)[d])
      return makeError(formatv("invalid workgroup count [{0},{1},{2}] for "
                               "kernel '{3}'",
                               workgroups[0], workgroups[1], workgroups[2],
                               k.name));
    global[d] = static_cast<size_t>(w) * (*local)[d];
    empty |= w == 0;
  }

  SmallVector<cl_mem, 16> mems;
  for (auto [i, b] : llvm::enumerate(bindings)) {
    OpenCLBuffer *buf = state->lookup(b);
    if (!buf)
      return makeError(formatv("binding {0} of kernel '{1}' is not a buffer "
                               "of device '{2}'",
                               i, k.name, state->name));
    mems.push_back(buf->mem);
  }
  std::lock_guard<std::mutex> lock(mutex);
  if (state->lastEvent) {
    clReleaseEvent(state->lastEvent);
    state->lastEvent = nullptr;
  }
  if (empty)
    return Error::success(); // No workgroups: nothing to run.

  for (auto [i, m] : llvm::enumerate(mems))
    if (cl_int err = clSetKernelArg(k.kernel, i, sizeof(cl_mem), &m))
      return makeError(formatv("clSetKernelArg of argument {0} of kernel "
                               "'{1}' failed: {2}",
                               i, k.name, clErrorName(err)));
  if (cl_int err = clEnqueueNDRangeKernel(
          state->queue, k.kernel, 3, nullptr, global.data(), local->data(), 0,
          nullptr, state->timers ? &state->lastEvent : nullptr))
    return makeError(formatv(
        "clEnqueueNDRangeKernel of kernel '{0}' (global [{1},{2},{3}], local "
        "[{4},{5},{6}]) failed: {7}",
        k.name, global[0], global[1], global[2], (*local)[0], (*local)[1],
        (*local)[2], clErrorName(err)));
  return Error::success();
}

//===----------------------------------------------------------------------===//
// Programs
//===----------------------------------------------------------------------===//

constexpr unsigned kMaxLogLines = 40;

/// The build log of `program`, at most kMaxLogLines lines.
std::string buildLog(cl_program program, cl_device_id device) {
  Expected<std::string> log = queryString(
      "clGetProgramBuildInfo", [&](size_t size, void *value, size_t *ret) {
        return clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG,
                                     size, value, ret);
      });
  if (!log)
    return "(no build log: " + toString(log.takeError()) + ")";
  if (log->empty())
    return "(the build log is empty)";
  SmallVector<StringRef> lines;
  StringRef(*log).split(lines, '\n');
  if (lines.size() <= kMaxLogLines)
    return *log;
  std::string out =
      join(ArrayRef<StringRef>(lines).take_front(kMaxLogLines), "\n");
  out += formatv("\n... ({0} more lines)", lines.size() - kMaxLogLines).str();
  return out;
}

/// The binary of a built single-device program, or an empty vector when the
/// implementation gives none.
std::vector<uint8_t> programBinary(cl_program program) {
  size_t size = 0;
  if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof(size), &size,
                       nullptr) ||
      size == 0)
    return {};
  std::vector<uint8_t> binary(size);
  unsigned char *ptr = binary.data();
  if (clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof(ptr), &ptr,
                       nullptr))
    return {};
  return binary;
}

/// A program built from a cached binary, or null when the binary is
/// unusable on this device.
cl_program programFromBinary(DeviceState &s, ArrayRef<uint8_t> binary,
                             const std::string &options) {
  size_t size = binary.size();
  const unsigned char *ptr = binary.data();
  cl_int status = CL_SUCCESS, err = CL_SUCCESS;
  cl_program program = clCreateProgramWithBinary(s.context, 1, &s.device, &size,
                                                 &ptr, &status, &err);
  if (err || status) {
    if (program)
      clReleaseProgram(program);
    return nullptr;
  }
  if (clBuildProgram(program, 1, &s.device, options.c_str(), nullptr,
                     nullptr)) {
    clReleaseProgram(program);
    return nullptr;
  }
  return program;
}

/// Builds `source`, through the cache when it is on.
Expected<cl_program> buildProgram(DeviceState &s, StringRef source,
                                  const std::string &options) {
  std::optional<CacheEntry> entry =
      cacheEntryFor(s.fingerprint, options, source);
  if (entry) {
    bool present = false;
    if (std::optional<std::vector<uint8_t>> binary =
            readCacheEntry(*entry, present))
      if (cl_program p = programFromBinary(s, *binary, options)) {
        ++cacheHits;
        return p;
      }
    ++(present ? cacheRejected : cacheMisses);
  }

  const char *text = source.data();
  size_t length = source.size();
  cl_int err = CL_SUCCESS;
  cl_program program =
      clCreateProgramWithSource(s.context, 1, &text, &length, &err);
  if (err)
    return clError("clCreateProgramWithSource", err);
  if ((err = clBuildProgram(program, 1, &s.device, options.c_str(), nullptr,
                            nullptr))) {
    std::string log = buildLog(program, s.device);
    clReleaseProgram(program);
    return makeError(formatv("clBuildProgram failed: {0} on '{1}' ({2}) with "
                             "options '{3}'; `zellige compile --dump-kernels "
                             "DIR` writes the source. Build log:\n{4}",
                             clErrorName(err), s.limits.name, s.name, options,
                             log));
  }
  if (entry) {
    std::vector<uint8_t> binary = programBinary(program);
    if (!binary.empty())
      writeCacheEntry(*entry, binary);
  }
  return program;
}

//===----------------------------------------------------------------------===//
// Device and driver
//===----------------------------------------------------------------------===//

class OpenCLDevice final : public hal::Device {
public:
  explicit OpenCLDevice(std::shared_ptr<DeviceState> state)
      : state(std::move(state)) {}

  StringRef name() const override { return state->name; }
  StringRef kind() const override { return "opencl"; }
  std::string fingerprint() const override { return state->fingerprint; }
  const opencl::DeviceLimits &limits() const { return state->limits; }
  int64_t maxWorkgroupSize() const override {
    return int64_t(state->limits.maxWorkGroupSize);
  }

  Expected<std::unique_ptr<hal::Buffer>> allocate(uint64_t size) override {
    return allocate(size, CL_MEM_READ_WRITE, nullptr, /*readOnly=*/false);
  }

  Expected<std::unique_ptr<hal::Buffer>>
  createView(hal::Buffer &parent, uint64_t offset, uint64_t size) override;

  Expected<std::unique_ptr<hal::Buffer>>
  importConstant(ArrayRef<uint8_t> bytes) override {
    if (bytes.empty())
      return allocate(0, CL_MEM_READ_ONLY, nullptr, /*readOnly=*/true);
    return allocate(bytes.size(), CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                    const_cast<uint8_t *>(bytes.data()), /*readOnly=*/true);
  }

  Error copy(hal::Buffer &src, hal::Buffer &dst, uint64_t size) override;

  Expected<std::unique_ptr<hal::Executable>>
  loadExecutable(const ExecutableDesc &desc, ArrayRef<uint8_t> bytes,
                 const BundleManifest &manifest) override;

  Error synchronize() override {
    if (cl_int err = clFinish(state->queue))
      return clError("clFinish", err);
    return Error::success();
  }

  Expected<std::optional<double>> lastDispatchDeviceMs() override {
    if (!state->timers || !state->lastEvent)
      return std::nullopt;
    cl_ulong start = 0, end = 0;
    if (cl_int err = clGetEventProfilingInfo(state->lastEvent,
                                             CL_PROFILING_COMMAND_START,
                                             sizeof(start), &start, nullptr))
      return clError("clGetEventProfilingInfo", err);
    if (cl_int err =
            clGetEventProfilingInfo(state->lastEvent, CL_PROFILING_COMMAND_END,
                                    sizeof(end), &end, nullptr))
      return clError("clGetEventProfilingInfo", err);
    return end >= start ? double(end - start) * 1e-6 : 0.0;
  }

private:
  Expected<std::unique_ptr<hal::Buffer>>
  allocate(uint64_t size, cl_mem_flags flags, void *host, bool readOnly) {
    if (size > state->limits.maxAllocSize)
      return makeError(formatv("cannot allocate {0} bytes on '{1}': its "
                               "largest allocation is {2} bytes "
                               "(CL_DEVICE_MAX_MEM_ALLOC_SIZE)",
                               size, state->name, state->limits.maxAllocSize));
    cl_int err = CL_SUCCESS;
    cl_mem mem = clCreateBuffer(state->context, flags,
                                std::max<uint64_t>(size, 1), host, &err);
    if (err)
      return makeError(formatv("clCreateBuffer of {0} bytes failed: {1}", size,
                               clErrorName(err)));
    return std::make_unique<OpenCLBuffer>(state, size, mem, mem, 0, readOnly);
  }

  std::shared_ptr<DeviceState> state;
};

Expected<std::unique_ptr<hal::Buffer>>
OpenCLDevice::createView(hal::Buffer &parentBuffer, uint64_t offset,
                         uint64_t size) {
  OpenCLBuffer *parent = state->lookup(&parentBuffer);
  if (!parent)
    return makeError("view of a buffer that is not of device '" + state->name +
                     "'");
  if (Error e =
          hal::checkRange(hal::RangeUse::View, offset, size, parent->size()))
    return std::move(e);
  // A view of nothing aliases nothing: it gets its own (empty) buffer.
  if (size == 0)
    return allocate(0, parent->readOnly ? CL_MEM_READ_ONLY : CL_MEM_READ_WRITE,
                    nullptr, parent->readOnly);
  // Sub-buffers cannot nest: a view of a view is a view of the allocation.
  uint64_t origin = parent->origin + offset;
  uint64_t align = state->limits.baseAddrAlign;
  if (origin % align)
    return makeError(formatv(
        "view at offset {0} is not aligned for '{1}' ({2}): sub-buffer "
        "origins must be multiples of {3} bytes "
        "(CL_DEVICE_MEM_BASE_ADDR_ALIGN); the compiler aligns buffer offsets "
        "to 256 bytes",
        origin, state->limits.name, state->name, align));
  cl_buffer_region region = {static_cast<size_t>(origin),
                             static_cast<size_t>(size)};
  cl_int err = CL_SUCCESS;
  cl_mem mem = clCreateSubBuffer(parent->root, 0, CL_BUFFER_CREATE_TYPE_REGION,
                                 &region, &err);
  if (err)
    return makeError(formatv("clCreateSubBuffer of {0} bytes at offset {1} "
                             "failed: {2}",
                             size, origin, clErrorName(err)));
  return std::make_unique<OpenCLBuffer>(state, size, mem, parent->root, origin,
                                        parent->readOnly);
}

Error OpenCLDevice::copy(hal::Buffer &srcBuffer, hal::Buffer &dstBuffer,
                         uint64_t size) {
  OpenCLBuffer *src = state->lookup(&srcBuffer);
  OpenCLBuffer *dst = state->lookup(&dstBuffer);
  if (!src || !dst)
    return makeError("copy between buffers that are not all of device '" +
                     state->name + "'");
  if (Error e = hal::checkCopySize(size, src->size(), dst->size()))
    return e;
  if (dst->readOnly)
    return makeError("copy to a constant buffer");
  if (size == 0)
    return Error::success();

  bool sameMemory = src->root == dst->root;
  if (sameMemory && src->origin == dst->origin)
    return Error::success(); // The bytes are already there.
  if (sameMemory && src->origin < dst->origin + size &&
      dst->origin < src->origin + size) {
    // OpenCL refuses overlapping copies (CL_MEM_COPY_OVERLAP); go through
    // a temporary buffer, released once the queue is done with it.
    cl_int err = CL_SUCCESS;
    cl_mem tmp =
        clCreateBuffer(state->context, CL_MEM_READ_WRITE, size, nullptr, &err);
    if (err)
      return makeError(formatv("clCreateBuffer of {0} bytes failed: {1}", size,
                               clErrorName(err)));
    err = clEnqueueCopyBuffer(state->queue, src->mem, tmp, 0, 0, size, 0,
                              nullptr, nullptr);
    if (!err)
      err = clEnqueueCopyBuffer(state->queue, tmp, dst->mem, 0, 0, size, 0,
                                nullptr, nullptr);
    clReleaseMemObject(tmp);
    if (err)
      return clError("clEnqueueCopyBuffer", err);
    return Error::success();
  }
  if (cl_int err = clEnqueueCopyBuffer(state->queue, src->mem, dst->mem, 0, 0,
                                       size, 0, nullptr, nullptr))
    return clError("clEnqueueCopyBuffer", err);
  return Error::success();
}

Expected<std::unique_ptr<hal::Executable>>
OpenCLDevice::loadExecutable(const ExecutableDesc &desc,
                             ArrayRef<uint8_t> bytes,
                             const BundleManifest &manifest) {
  if (desc.format != "opencl-c")
    return makeError("OpenCL executables must have format 'opencl-c', not '" +
                     desc.format + "'");
  StringRef source = toStringRef(bytes);
  while (!source.empty() && source.back() == '\0')
    source = source.drop_back();
  if (source.empty())
    return makeError("section '" + desc.section + "' is empty");

  const std::string options = "-cl-std=CL1.2";
  Expected<cl_program> program = buildProgram(*state, source, options);
  if (!program)
    return program.takeError();
  auto exe = std::make_unique<OpenCLExecutable>(state, *program);

  for (auto [i, d] : llvm::enumerate(manifest.dispatches)) {
    // Owned by the executable as soon as it exists.
    OpenCLExecutable::Kernel &k = exe->kernels.emplace_back();
    k.name = d.symbol.empty() ? d.name : d.symbol;
    k.numBindings = d.bindings.size();
    if (i < desc.workgroupSizes.size())
      k.local = desc.workgroupSizes[i];
    cl_int err = CL_SUCCESS;
    k.kernel = clCreateKernel(*program, k.name.c_str(), &err);
    if (err) {
      k.kernel = nullptr;
      if (err == CL_INVALID_KERNEL_NAME)
        return makeError(formatv("the OpenCL program has no kernel '{0}' "
                                 "(dispatch '{1}')",
                                 k.name, d.name));
      return makeError(formatv("clCreateKernel of '{0}' failed: {1}", k.name,
                               clErrorName(err)));
    }
    cl_uint numArgs = 0;
    if ((err = clGetKernelInfo(k.kernel, CL_KERNEL_NUM_ARGS, sizeof(numArgs),
                               &numArgs, nullptr)))
      return clError("clGetKernelInfo(CL_KERNEL_NUM_ARGS)", err);
    if (numArgs != k.numBindings)
      return makeError(formatv("kernel '{0}' takes {1} arguments, but "
                               "dispatch '{2}' binds {3} buffers",
                               k.name, numArgs, d.name, k.numBindings));
    if ((err = clGetKernelWorkGroupInfo(
             k.kernel, state->device, CL_KERNEL_WORK_GROUP_SIZE,
             sizeof(k.maxWorkGroupSize), &k.maxWorkGroupSize, nullptr)))
      return clError("clGetKernelWorkGroupInfo(CL_KERNEL_WORK_GROUP_SIZE)",
                     err);
    if ((err = clGetKernelWorkGroupInfo(
             k.kernel, state->device, CL_KERNEL_COMPILE_WORK_GROUP_SIZE,
             sizeof(k.required), k.required.data(), nullptr)))
      return clError(
          "clGetKernelWorkGroupInfo(CL_KERNEL_COMPILE_WORK_GROUP_SIZE)", err);
  }
  return std::unique_ptr<hal::Executable>(std::move(exe));
}

class OpenCLDriver final : public hal::Driver {
public:
  StringRef name() const override { return "opencl"; }

  Expected<std::vector<hal::DeviceInfo>> enumerate() override {
    Expected<std::vector<DeviceEntry>> entries = listDevices();
    if (!entries)
      return entries.takeError();
    std::vector<hal::DeviceInfo> out;
    for (auto [i, e] : llvm::enumerate(*entries)) {
      Expected<opencl::DeviceLimits> l = queryLimits(e);
      if (!l)
        return makeError(
            formatv("OpenCL device {0}: {1}", i, toString(l.takeError())));
      hal::DeviceInfo info;
      info.name = formatv("opencl:{0}", i).str();
      info.driver = "opencl";
      info.description = descriptionOf(*l);
      info.fingerprint = fingerprintOf(*l);
      out.push_back(std::move(info));
    }
    return out;
  }

  Expected<std::unique_ptr<hal::Device>>
  createDevice(unsigned ordinal, const hal::DeviceOptions &options) override {
    Expected<std::vector<DeviceEntry>> entries = listDevices();
    if (!entries)
      return entries.takeError();
    if (ordinal >= entries->size())
      return makeError(formatv("OpenCL device {0} does not exist (this "
                               "machine has {1})",
                               ordinal, entries->size()));
    const DeviceEntry &e = (*entries)[ordinal];
    Expected<opencl::DeviceLimits> l = queryLimits(e);
    if (!l)
      return l.takeError();

    auto state = std::make_shared<DeviceState>();
    state->device = e.device;
    state->limits = std::move(*l);
    state->name = formatv("opencl:{0}", ordinal).str();
    state->fingerprint = fingerprintOf(state->limits);
    cl_context_properties props[] = {
        CL_CONTEXT_PLATFORM,
        reinterpret_cast<cl_context_properties>(e.platform), 0};
    cl_int err = CL_SUCCESS;
    state->context =
        clCreateContext(props, 1, &e.device, nullptr, nullptr, &err);
    if (err) {
      state->context = nullptr;
      return makeError(formatv("clCreateContext for '{0}' failed: {1}",
                               state->limits.name, clErrorName(err)));
    }
    state->timers = options.deviceTimers;
    state->queue = clCreateCommandQueue(
        state->context, e.device,
        options.deviceTimers ? CL_QUEUE_PROFILING_ENABLE : 0, &err);
    if (err) {
      state->queue = nullptr;
      return makeError(formatv("clCreateCommandQueue for '{0}' failed: {1}",
                               state->limits.name, clErrorName(err)));
    }
    return std::make_unique<OpenCLDevice>(std::move(state));
  }
};

} // namespace

const opencl::DeviceLimits *opencl::getDeviceLimits(const hal::Device &device) {
  if (device.kind() != "opencl")
    return nullptr;
  return &static_cast<const OpenCLDevice &>(device).limits();
}

opencl::CacheStats opencl::getCacheStats() {
  CacheStats s;
  s.hits = cacheHits;
  s.misses = cacheMisses;
  s.rejected = cacheRejected;
  s.writes = cacheWrites;
  return s;
}

std::optional<std::string> opencl::getCacheDirectory() {
  if (const char *off = std::getenv("ZELLIGE_OPENCL_CACHE"))
    if (StringRef(off).trim() == "0")
      return std::nullopt;
  SmallString<256> dir;
  auto nonEmpty = [](const char *v) { return v && *v; };
  if (const char *v = std::getenv("ZELLIGE_CACHE_DIR"); nonEmpty(v))
    sys::path::append(dir, v, "opencl");
  else if (const char *v = std::getenv("XDG_CACHE_HOME"); nonEmpty(v))
    sys::path::append(dir, v, "zellige", "opencl");
  else if (const char *v = std::getenv("HOME"); nonEmpty(v))
    sys::path::append(dir, v, ".cache", "zellige", "opencl");
  else
    return std::nullopt;
  return dir.str().str();
}

void registerOpenCLRuntimeDriver() {
  hal::registerDriver(std::make_unique<OpenCLDriver>());
}

} // namespace zellige
