//===- HAL.h - Hardware abstraction layer of the runtime --------*- C++ -*-===//
//
// This file declares the runtime's hardware abstraction: a Driver opens
// Devices; a Device allocates Buffers and loads Executables (one per target
// executable of a bundle); an Executable launches dispatches over bound
// buffers. Drivers register by name ("host", "opencl", "cuda") so that a
// binary without a driver still runs everything else and says clearly what
// is absent.
//
// Dispatches on a device run in order. Executable::dispatch may return
// before the work is done on an asynchronous device; Device::synchronize()
// waits for everything issued so far. The host device is synchronous.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_RUNTIME_HAL_H
#define ZELLIGE_RUNTIME_HAL_H

#include "zellige/Runtime/Bundle.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zellige {
namespace hal {

/// A block of device memory.
class Buffer {
public:
  virtual ~Buffer();
  uint64_t size() const { return size_; }
  /// The contents as host memory when the device shares it with the host
  /// (the host driver); null otherwise. Stays valid while the buffer lives.
  virtual void *hostPointer() = 0;
  /// Copies `out.size()` bytes starting at `offset` to the host.
  virtual llvm::Error read(uint64_t offset,
                           llvm::MutableArrayRef<uint8_t> out) = 0;
  /// Copies `in` to the buffer starting at `offset`.
  virtual llvm::Error write(uint64_t offset, llvm::ArrayRef<uint8_t> in) = 0;

protected:
  explicit Buffer(uint64_t size) : size_(size) {}

private:
  uint64_t size_;
};

/// What a byte range of a buffer is checked for; it picks the words of the
/// error checkRange() returns.
enum class RangeUse { Read, Write, View };

/// Success when `length` bytes at `offset` lie within a buffer of
/// `bufferSize` bytes; else the error every driver reports for it, e.g.
/// "read of 8 bytes at offset 4 from a 10-byte buffer" ("write ... to a",
/// "view ... of a").
llvm::Error checkRange(RangeUse use, uint64_t offset, uint64_t length,
                       uint64_t bufferSize);

/// Success when a copy of the first `size` bytes of a `srcSize`-byte buffer
/// to a `dstSize`-byte buffer stays within both; else the error "copy of
/// <size> bytes from a <srcSize>-byte buffer to a <dstSize>-byte buffer".
llvm::Error checkCopySize(uint64_t size, uint64_t srcSize, uint64_t dstSize);

/// A loaded target executable: one entry point per bundle dispatch.
class Executable {
public:
  virtual ~Executable();
  /// Launches dispatch `dispatchIndex` (an index into
  /// BundleManifest::dispatches) over `bindings` (in DispatchDesc::bindings
  /// order) with `workgroups` = {x, y, z} workgroups.
  virtual llvm::Error dispatch(unsigned dispatchIndex,
                               llvm::ArrayRef<Buffer *> bindings,
                               std::array<int64_t, 3> workgroups) = 0;
};

struct DeviceOptions {
  /// Host threads a device may use to run workgroups; 0 means one per
  /// hardware thread, 1 runs everything on the calling thread.
  unsigned threads = 0;
  /// Time dispatches with the device's own timers (OpenCL profiling events,
  /// CUDA events) where it has them; see Device::lastDispatchDeviceMs().
  bool deviceTimers = false;
};

class Device {
public:
  virtual ~Device();
  /// The name that opens this device, e.g. "host" or "cuda:0".
  virtual llvm::StringRef name() const = 0;
  /// The driver that opened it, e.g. "host".
  virtual llvm::StringRef kind() const = 0;
  /// "vendor/name/driver/compute units", stable across runs on one machine;
  /// the tuning database keys measurements by it.
  virtual std::string fingerprint() const = 0;

  /// The most threads (work-items) one workgroup may have on this device,
  /// or 0 when the driver does not say.
  virtual int64_t maxWorkgroupSize() const { return 0; }

  /// Whether this device runs `exe`; by default when exe.target == kind().
  virtual bool canLoad(const ExecutableDesc &exe) const;

  virtual llvm::Expected<std::unique_ptr<Buffer>> allocate(uint64_t size) = 0;
  /// A buffer aliasing `size` bytes of `parent` from `offset`; `parent`
  /// must outlive it.
  virtual llvm::Expected<std::unique_ptr<Buffer>>
  createView(Buffer &parent, uint64_t offset, uint64_t size) = 0;
  /// A buffer that kernels only read, holding `bytes`. `bytes` must stay
  /// valid while the buffer lives: the host device uses them in place (no
  /// copy); other devices copy them once.
  virtual llvm::Expected<std::unique_ptr<Buffer>>
  importConstant(llvm::ArrayRef<uint8_t> bytes) = 0;
  /// Copies the first `size` bytes of `src` to `dst`, in order with
  /// dispatches.
  virtual llvm::Error copy(Buffer &src, Buffer &dst, uint64_t size) = 0;

  /// Loads `bytes` (the executable's section) for `manifest`'s dispatches.
  virtual llvm::Expected<std::unique_ptr<Executable>>
  loadExecutable(const ExecutableDesc &exe, llvm::ArrayRef<uint8_t> bytes,
                 const BundleManifest &manifest) = 0;
  /// Waits for every dispatch and copy issued so far.
  virtual llvm::Error synchronize() = 0;

  /// With DeviceOptions::deviceTimers, after synchronize(): the time in ms
  /// that the device's timers measured for the last dispatch issued (from
  /// the start to the end of its execution, launch latency excluded).
  /// nullopt when the device has no such timers, they were not requested,
  /// or the last dispatch launched nothing.
  virtual llvm::Expected<std::optional<double>> lastDispatchDeviceMs() {
    return std::nullopt;
  }
};

/// What enumerateDevices() reports for one device.
struct DeviceInfo {
  std::string name;        ///< Opens it with createDevice(), e.g. "cuda:0".
  std::string driver;      ///< "host", "opencl", "cuda".
  std::string description; ///< Human-readable, e.g. the CPU model.
  std::string fingerprint; ///< As Device::fingerprint().
};

class Driver {
public:
  virtual ~Driver();
  virtual llvm::StringRef name() const = 0;
  /// The devices this driver can open on this machine. An error says why
  /// there are none (e.g. "libcuda.so.1 not found").
  virtual llvm::Expected<std::vector<DeviceInfo>> enumerate() = 0;
  /// Opens device number `ordinal` of enumerate().
  virtual llvm::Expected<std::unique_ptr<Device>>
  createDevice(unsigned ordinal, const DeviceOptions &options) = 0;
};

/// Adds `driver` to the registry; a second driver with the same name is
/// ignored.
void registerDriver(std::unique_ptr<Driver> driver);
/// The registered driver called `name`, or null.
Driver *lookupDriver(llvm::StringRef name);
/// Every registered driver, in registration order.
std::vector<Driver *> getDrivers();

/// Registers every driver built into this binary (each target's runtime
/// driver, see zellige_register_runtime_driver in lib/Runtime). Defined by
/// the ZelligeRuntimeDrivers library; safe to call more than once.
void registerRuntimeDrivers();

/// The devices of every registered driver. Drivers that cannot run here add
/// one line "driver: why" to `unavailable` when given.
std::vector<DeviceInfo>
enumerateDevices(std::vector<std::string> *unavailable = nullptr);

/// Opens a device by name: "<driver>" (its first device) or
/// "<driver>:<ordinal>". A driver not built in, or one that cannot run on
/// this machine, gives an error that says so.
llvm::Expected<std::unique_ptr<Device>>
createDevice(llvm::StringRef name, const DeviceOptions &options = {});

} // namespace hal
} // namespace zellige

#endif // ZELLIGE_RUNTIME_HAL_H
