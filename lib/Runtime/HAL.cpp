//===- HAL.cpp - Driver registry of the runtime -----------------*- C++ -*-===//
//
// This file implements the driver registry and device lookup by name
// ("host", "cuda:1"), with errors that tell a driver that is not built in
// apart from one that cannot run on this machine, and the buffer range
// checks every driver shares.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/HAL.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <mutex>

using namespace llvm;

namespace zellige {
namespace hal {

Buffer::~Buffer() = default;
Executable::~Executable() = default;
Device::~Device() = default;
Driver::~Driver() = default;

bool Device::canLoad(const ExecutableDesc &exe) const {
  return exe.target == kind();
}

Error checkRange(RangeUse use, uint64_t offset, uint64_t length,
                 uint64_t bufferSize) {
  if (offset <= bufferSize && length <= bufferSize - offset)
    return Error::success();
  StringRef what, preposition;
  switch (use) {
  case RangeUse::Read:
    what = "read", preposition = "from";
    break;
  case RangeUse::Write:
    what = "write", preposition = "to";
    break;
  case RangeUse::View:
    what = "view", preposition = "of";
    break;
  }
  return createStringError(
      inconvertibleErrorCode(),
      formatv("{0} of {1} bytes at offset {2} {3} a {4}-byte buffer", what,
              length, offset, preposition, bufferSize));
}

Error checkCopySize(uint64_t size, uint64_t srcSize, uint64_t dstSize) {
  if (size <= srcSize && size <= dstSize)
    return Error::success();
  return createStringError(inconvertibleErrorCode(),
                           formatv("copy of {0} bytes from a {1}-byte buffer "
                                   "to a {2}-byte buffer",
                                   size, srcSize, dstSize));
}

namespace {
struct Registry {
  std::mutex mutex;
  std::vector<std::unique_ptr<Driver>> drivers;
};
Registry &registry() {
  static Registry r;
  return r;
}
/// Drivers Zellige knows about, so that a missing one reads "not built in"
/// rather than "unknown".
constexpr StringLiteral kKnownDrivers[] = {"host", "opencl", "cuda"};
} // namespace

void registerDriver(std::unique_ptr<Driver> driver) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto &d : r.drivers)
    if (d->name() == driver->name())
      return;
  r.drivers.push_back(std::move(driver));
}

Driver *lookupDriver(StringRef name) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto &d : r.drivers)
    if (d->name() == name)
      return d.get();
  return nullptr;
}

std::vector<Driver *> getDrivers() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<Driver *> out;
  for (const auto &d : r.drivers)
    out.push_back(d.get());
  return out;
}

std::vector<DeviceInfo>
enumerateDevices(std::vector<std::string> *unavailable) {
  std::vector<DeviceInfo> out;
  for (Driver *d : getDrivers()) {
    Expected<std::vector<DeviceInfo>> devices = d->enumerate();
    if (!devices) {
      std::string why = toString(devices.takeError());
      if (unavailable)
        unavailable->push_back((d->name() + ": " + why).str());
      continue;
    }
    llvm::append_range(out, *devices);
  }
  return out;
}

static std::string availableDrivers() {
  std::vector<std::string> names;
  for (Driver *d : getDrivers())
    names.push_back(d->name().str());
  return names.empty() ? "none" : join(names, ", ");
}

Expected<std::unique_ptr<Device>> createDevice(StringRef name,
                                               const DeviceOptions &options) {
  auto [driverName, ordinalText] = name.split(':');
  unsigned ordinal = 0;
  if (name.contains(':') && ordinalText.getAsInteger(10, ordinal))
    return createStringError(inconvertibleErrorCode(),
                             "invalid device '" + name +
                                 "' (expected <driver> or <driver>:<index>)");
  Driver *driver = lookupDriver(driverName);
  if (!driver) {
    if (is_contained(kKnownDrivers, driverName))
      return createStringError(
          inconvertibleErrorCode(),
          formatv("the '{0}' driver is not built into this Zellige (available "
                  "drivers: {1})",
                  driverName, availableDrivers()));
    return createStringError(inconvertibleErrorCode(),
                             formatv("unknown device '{0}' (available "
                                     "drivers: {1})",
                                     name, availableDrivers()));
  }
  Expected<std::vector<DeviceInfo>> devices = driver->enumerate();
  if (!devices)
    return createStringError(inconvertibleErrorCode(),
                             formatv("the '{0}' driver cannot run here: {1}",
                                     driverName,
                                     toString(devices.takeError())));
  if (ordinal >= devices->size())
    return createStringError(
        inconvertibleErrorCode(),
        formatv("device '{0}' does not exist (the '{1}' driver has {2} "
                "device{3})",
                name, driverName, devices->size(),
                devices->size() == 1 ? "" : "s"));
  return driver->createDevice(ordinal, options);
}

} // namespace hal
} // namespace zellige
