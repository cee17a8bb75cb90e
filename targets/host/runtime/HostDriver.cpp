//===- HostDriver.cpp - The host CPU runtime driver -------------*- C++ -*-===//
//
// This file implements the "host" driver of the runtime HAL. Buffers are
// 64-byte aligned host memory; constants are used in place from the mapped
// bundle. Executables are ELF relocatable objects made by the compiler with
// LLVM's TargetMachine; they are linked in-process with ORC (LLJIT and
// JITLink), so no compiler or linker runs at load time. Math functions the
// kernels call (expf, erff, ...) resolve to this process's libm.
//
// Entry ABI of each dispatch symbol:
//
//   extern "C" void fn(void **bindings, int64_t workgroup_id);
//
// bindings[i] is the base pointer of the i-th buffer of the dispatch
// (inputs, then outputs), contiguous and row-major. A dispatch with
// {x, y, z} workgroups calls fn for every id in [0, x*y*z), spread over the
// device's thread pool; the dispatch returns once all have run.
//
//===----------------------------------------------------------------------===//

#include "targets/host/runtime/KernelCall.h"
#include "zellige/Runtime/HAL.h"
#include "zellige/Runtime/ThreadPool.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ExecutionEngine/Orc/AbsoluteSymbols.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <math.h>
#include <mutex>
#include <thread>

using namespace llvm;

namespace zellige {
namespace {

Error makeError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

/// Joins a possibly multi-line LLVM error into one line.
std::string oneLine(Error e) {
  std::string s = toString(std::move(e));
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

constexpr uint64_t kAlignment = 64;

class HostBuffer final : public hal::Buffer {
public:
  HostBuffer(uint64_t size, uint8_t *data, bool owned, bool readOnly)
      : Buffer(size), data(data), owned(owned), readOnly(readOnly) {}
  ~HostBuffer() override {
    if (owned)
      std::free(data);
  }

  void *hostPointer() override { return data; }

  Error read(uint64_t offset, MutableArrayRef<uint8_t> out) override {
    if (Error e =
            hal::checkRange(hal::RangeUse::Read, offset, out.size(), size()))
      return e;
    if (!out.empty())
      std::memcpy(out.data(), data + offset, out.size());
    return Error::success();
  }

  Error write(uint64_t offset, ArrayRef<uint8_t> in) override {
    if (readOnly)
      return makeError("write to a constant buffer");
    if (Error e =
            hal::checkRange(hal::RangeUse::Write, offset, in.size(), size()))
      return e;
    if (!in.empty())
      std::memcpy(data + offset, in.data(), in.size());
    return Error::success();
  }

  uint8_t *bytes() { return data; }
  void setReadOnly() { readOnly = true; }

private:
  uint8_t *data;
  bool owned, readOnly;
};

/// 64-byte aligned, zero-filled memory for `size` bytes (at least one
/// cache line so that even empty buffers have a distinct address).
Expected<std::unique_ptr<HostBuffer>> allocateHost(uint64_t size) {
  uint64_t rounded = std::max<uint64_t>(kAlignment, (size + kAlignment - 1) &
                                                        ~(kAlignment - 1));
  if (rounded < size)
    return makeError(formatv("cannot allocate {0} bytes", size));
  void *p = std::aligned_alloc(kAlignment, rounded);
  if (!p)
    return makeError(formatv("out of host memory allocating {0} bytes", size));
  std::memset(p, 0, rounded);
  return std::make_unique<HostBuffer>(size, static_cast<uint8_t *>(p),
                                      /*owned=*/true, /*readOnly=*/false);
}

//===----------------------------------------------------------------------===//
// Executables
//===----------------------------------------------------------------------===//

using host::KernelFn;

class HostExecutable final : public hal::Executable {
public:
  HostExecutable(std::unique_ptr<orc::LLJIT> jit, ThreadPool &pool)
      : jit(std::move(jit)), pool(pool) {}

  Error dispatch(unsigned index, ArrayRef<hal::Buffer *> bindings,
                 std::array<int64_t, 3> workgroups) override {
    if (index >= kernels.size())
      return makeError(formatv("dispatch index {0} out of range ({1} "
                               "dispatches)",
                               index, kernels.size()));
    const Kernel &k = kernels[index];
    if (bindings.size() != k.numBindings)
      return makeError(formatv("{0} bindings given, the dispatch takes {1}",
                               bindings.size(), k.numBindings));
    int64_t total = 1;
    for (int64_t w : workgroups) {
      if (w < 0 || (w != 0 && total > std::numeric_limits<int64_t>::max() / w))
        return makeError(formatv("invalid workgroup count [{0},{1},{2}]",
                                 workgroups[0], workgroups[1], workgroups[2]));
      total *= w;
    }
    SmallVector<void *, 16> ptrs;
    for (auto [i, b] : llvm::enumerate(bindings)) {
      void *p = b ? b->hostPointer() : nullptr;
      if (!p)
        return makeError(formatv("binding {0} is not host memory", i));
      ptrs.push_back(p);
    }
    KernelFn fn = k.fn;
    void **args = ptrs.data();
    pool.parallelFor(
        total, [fn, args](int64_t id) { host::callHostKernel(fn, args, id); });
    return Error::success();
  }

  orc::LLJIT &getJIT() { return *jit; }

  struct Kernel {
    KernelFn fn;
    size_t numBindings;
  };
  std::vector<Kernel> kernels;

private:
  std::unique_ptr<orc::LLJIT> jit; ///< Owns the linked code.
  ThreadPool &pool;
};

/// libm functions kernels may call, bound by address so they resolve even
/// where the process exports no libm symbols for dlsym.
void addMathSymbols(orc::LLJIT &jit, orc::SymbolMap &map) {
  auto add = [&](StringRef name, void *addr) {
    map[jit.mangleAndIntern(name)] = orc::ExecutorSymbolDef(
        orc::ExecutorAddr::fromPtr(addr),
        JITSymbolFlags::Exported | JITSymbolFlags::Callable);
  };
  using F1 = float (*)(float);
  using F2 = float (*)(float, float);
  using D1 = double (*)(double);
  using D2 = double (*)(double, double);
#define ZLG_F1(n) add(#n, reinterpret_cast<void *>(static_cast<F1>(&::n)));
#define ZLG_F2(n) add(#n, reinterpret_cast<void *>(static_cast<F2>(&::n)));
#define ZLG_D1(n) add(#n, reinterpret_cast<void *>(static_cast<D1>(&::n)));
#define ZLG_D2(n) add(#n, reinterpret_cast<void *>(static_cast<D2>(&::n)));
  ZLG_F1(expf)
  ZLG_F1(exp2f) ZLG_F1(expm1f) ZLG_F1(logf) ZLG_F1(log2f) ZLG_F1(log10f) ZLG_F1(
      log1pf) ZLG_F1(sqrtf) ZLG_F1(cbrtf) ZLG_F1(sinf) ZLG_F1(cosf) ZLG_F1(tanf)
      ZLG_F1(asinf) ZLG_F1(acosf) ZLG_F1(atanf) ZLG_F1(sinhf) ZLG_F1(
          coshf) ZLG_F1(tanhf) ZLG_F1(asinhf) ZLG_F1(acoshf) ZLG_F1(atanhf)
          ZLG_F1(erff) ZLG_F1(erfcf) ZLG_F1(floorf) ZLG_F1(ceilf) ZLG_F1(
              roundf) ZLG_F1(truncf) ZLG_F1(rintf) ZLG_F1(nearbyintf)
              ZLG_F1(fabsf) ZLG_F2(powf) ZLG_F2(atan2f) ZLG_F2(fmodf) ZLG_F2(
                  fminf) ZLG_F2(fmaxf) ZLG_F2(copysignf) ZLG_D1(exp)
                  ZLG_D1(exp2) ZLG_D1(expm1) ZLG_D1(log) ZLG_D1(log2) ZLG_D1(
                      log10) ZLG_D1(log1p) ZLG_D1(sqrt) ZLG_D1(cbrt) ZLG_D1(sin)
                      ZLG_D1(cos) ZLG_D1(tan) ZLG_D1(asin) ZLG_D1(acos) ZLG_D1(
                          atan) ZLG_D1(sinh) ZLG_D1(cosh) ZLG_D1(tanh)
                          ZLG_D1(asinh) ZLG_D1(acosh) ZLG_D1(atanh) ZLG_D1(erf)
                              ZLG_D1(erfc) ZLG_D1(floor) ZLG_D1(ceil) ZLG_D1(
                                  round) ZLG_D1(trunc) ZLG_D1(rint)
                                  ZLG_D1(nearbyint) ZLG_D1(fabs) ZLG_D2(pow)
                                      ZLG_D2(atan2) ZLG_D2(fmod) ZLG_D2(fmin)
                                          ZLG_D2(fmax) ZLG_D2(copysign)
#undef ZLG_F1
#undef ZLG_F2
#undef ZLG_D1
#undef ZLG_D2
                                              add("fmaf",
                                                  reinterpret_cast<void *>(
                                                      static_cast<float (*)(
                                                          float, float, float)>(
                                                          &::fmaf)));
  add("fma", reinterpret_cast<void *>(
                 static_cast<double (*)(double, double, double)>(&::fma)));
  add("memcpy", reinterpret_cast<void *>(&::memcpy));
  add("memmove", reinterpret_cast<void *>(&::memmove));
  add("memset", reinterpret_cast<void *>(&::memset));
}

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
  });
}

//===----------------------------------------------------------------------===//
// Device and driver
//===----------------------------------------------------------------------===//

struct CpuInfo {
  std::string vendor, model;
  unsigned threads = 1;
};

const CpuInfo &cpuInfo() {
  static const CpuInfo info = [] {
    CpuInfo c;
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line) && (c.vendor.empty() || c.model.empty())) {
      auto [key, value] = StringRef(line).split(':');
      key = key.trim();
      value = value.trim();
      if (c.vendor.empty() && (key == "vendor_id" || key == "CPU implementer"))
        c.vendor = value.str();
      else if (c.model.empty() && key == "model name")
        c.model = value.str();
    }
    if (c.vendor.empty())
      c.vendor = Triple(sys::getProcessTriple()).getArchName().str();
    if (c.model.empty())
      c.model = sys::getHostCPUName().str();
    c.threads = std::max(1u, std::thread::hardware_concurrency());
    return c;
  }();
  return info;
}

std::string hostFingerprint() {
  const CpuInfo &c = cpuInfo();
  return formatv("{0}/{1}/host-{2}/{3}", c.vendor, c.model,
                 sys::getHostCPUName(), c.threads)
      .str();
}

class HostDevice final : public hal::Device {
public:
  explicit HostDevice(const hal::DeviceOptions &options)
      : pool(options.threads) {}

  StringRef name() const override { return "host"; }
  StringRef kind() const override { return "host"; }
  std::string fingerprint() const override { return hostFingerprint(); }

  Expected<std::unique_ptr<hal::Buffer>> allocate(uint64_t size) override {
    Expected<std::unique_ptr<HostBuffer>> b = allocateHost(size);
    if (!b)
      return b.takeError();
    return std::unique_ptr<hal::Buffer>(std::move(*b));
  }

  Expected<std::unique_ptr<hal::Buffer>>
  createView(hal::Buffer &parent, uint64_t offset, uint64_t size) override {
    auto *p = static_cast<uint8_t *>(parent.hostPointer());
    if (!p)
      return makeError("view of a buffer that is not host memory");
    if (Error e =
            hal::checkRange(hal::RangeUse::View, offset, size, parent.size()))
      return std::move(e);
    return std::make_unique<HostBuffer>(size, p + offset, /*owned=*/false,
                                        /*readOnly=*/false);
  }

  Expected<std::unique_ptr<hal::Buffer>>
  importConstant(ArrayRef<uint8_t> bytes) override {
    // Used in place when aligned like an allocation; a bundle whose constant
    // offsets are not 64-byte multiples costs one copy instead.
    if (!bytes.empty() &&
        reinterpret_cast<uintptr_t>(bytes.data()) % kAlignment == 0)
      return std::make_unique<HostBuffer>(bytes.size(),
                                          const_cast<uint8_t *>(bytes.data()),
                                          /*owned=*/false, /*readOnly=*/true);
    Expected<std::unique_ptr<HostBuffer>> b = allocateHost(bytes.size());
    if (!b)
      return b.takeError();
    if (!bytes.empty())
      std::memcpy((*b)->bytes(), bytes.data(), bytes.size());
    (*b)->setReadOnly();
    return std::unique_ptr<hal::Buffer>(std::move(*b));
  }

  Error copy(hal::Buffer &src, hal::Buffer &dst, uint64_t size) override {
    auto *s = static_cast<uint8_t *>(src.hostPointer());
    auto *d = static_cast<uint8_t *>(dst.hostPointer());
    if (!s || !d)
      return makeError("copy between buffers that are not host memory");
    if (Error e = hal::checkCopySize(size, src.size(), dst.size()))
      return e;
    if (size)
      std::memmove(d, s, size);
    return Error::success();
  }

  Expected<std::unique_ptr<hal::Executable>>
  loadExecutable(const ExecutableDesc &desc, ArrayRef<uint8_t> bytes,
                 const BundleManifest &manifest) override;

  Error synchronize() override { return Error::success(); }

private:
  ThreadPool pool;
};

Expected<std::unique_ptr<hal::Executable>>
HostDevice::loadExecutable(const ExecutableDesc &desc, ArrayRef<uint8_t> bytes,
                           const BundleManifest &manifest) {
  if (desc.format != "elf-relocatable")
    return makeError("host executables must have format 'elf-relocatable', "
                     "not '" +
                     desc.format + "'");
  if (bytes.empty())
    return makeError("section '" + desc.section + "' is empty");
  initializeNativeTarget();

  // Copy the object: JITLink reads it while linking, independent of where
  // the bundle keeps its bytes.
  std::unique_ptr<MemoryBuffer> object =
      MemoryBuffer::getMemBufferCopy(toStringRef(bytes), desc.section);
  Expected<std::unique_ptr<object::ObjectFile>> parsed =
      object::ObjectFile::createObjectFile(object->getMemBufferRef());
  if (!parsed)
    return makeError("section '" + desc.section +
                     "' is not an object file: " + oneLine(parsed.takeError()));
  if (!(*parsed)->isELF() || !(*parsed)->isRelocatableObject())
    return makeError("section '" + desc.section +
                     "' is not an ELF relocatable object");
  Triple host(sys::getProcessTriple());
  if ((*parsed)->getArch() != host.getArch())
    return makeError(formatv("the executable is for {0}, this machine is {1}",
                             Triple::getArchTypeName((*parsed)->getArch()),
                             host.getArchName()));

  Expected<std::unique_ptr<orc::LLJIT>> jit = orc::LLJITBuilder().create();
  if (!jit)
    return makeError("cannot create the JIT: " + oneLine(jit.takeError()));
  orc::JITDylib &main = (*jit)->getMainJITDylib();
  orc::SymbolMap math;
  addMathSymbols(**jit, math);
  if (Error e = main.define(orc::absoluteSymbols(std::move(math))))
    return makeError("cannot define runtime symbols: " + oneLine(std::move(e)));
  Expected<std::unique_ptr<orc::DynamicLibrarySearchGenerator>> gen =
      orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
          (*jit)->getDataLayout().getGlobalPrefix());
  if (!gen)
    return makeError("cannot search this process's symbols: " +
                     oneLine(gen.takeError()));
  main.addGenerator(std::move(*gen));
  if (Error e = (*jit)->addObjectFile(std::move(object)))
    return makeError("cannot add the object: " + oneLine(std::move(e)));

  auto exe = std::make_unique<HostExecutable>(std::move(*jit), pool);
  orc::LLJIT &linked = exe->getJIT();
  for (const DispatchDesc &d : manifest.dispatches) {
    Expected<orc::ExecutorAddr> addr = linked.lookup(d.symbol);
    if (!addr)
      return makeError(formatv("cannot link symbol '{0}' of dispatch '{1}': "
                               "{2}",
                               d.symbol, d.name, oneLine(addr.takeError())));
    exe->kernels.push_back({addr->toPtr<KernelFn>(), d.bindings.size()});
  }
  return std::unique_ptr<hal::Executable>(std::move(exe));
}

class HostDriver final : public hal::Driver {
public:
  StringRef name() const override { return "host"; }

  Expected<std::vector<hal::DeviceInfo>> enumerate() override {
    const CpuInfo &c = cpuInfo();
    hal::DeviceInfo info;
    info.name = "host";
    info.driver = "host";
    info.description = formatv("{0} ({1} threads, {2})", c.model, c.threads,
                               sys::getHostCPUName())
                           .str();
    info.fingerprint = hostFingerprint();
    return std::vector<hal::DeviceInfo>{info};
  }

  Expected<std::unique_ptr<hal::Device>>
  createDevice(unsigned ordinal, const hal::DeviceOptions &options) override {
    if (ordinal != 0)
      return makeError(formatv("host device {0} does not exist", ordinal));
    return std::make_unique<HostDevice>(options);
  }
};

} // namespace

void registerHostRuntimeDriver() {
  hal::registerDriver(std::make_unique<HostDriver>());
}

} // namespace zellige
