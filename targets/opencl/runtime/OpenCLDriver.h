//===- OpenCLDriver.h - The OpenCL runtime driver ---------------*- C++ -*-===//
//
// This file declares the entry points of the "opencl" runtime driver that
// are not part of the HAL: its registration function, the limits of an
// opened OpenCL device (for the tuner and for error messages) and the
// counters of its on-disk cache of built programs (for tests and reports).
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TARGETS_OPENCL_RUNTIME_OPENCLDRIVER_H
#define ZELLIGE_TARGETS_OPENCL_RUNTIME_OPENCLDRIVER_H

#include "zellige/Runtime/HAL.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace zellige {

/// Adds the "opencl" driver to the HAL registry.
void registerOpenCLRuntimeDriver();

namespace opencl {

/// What an OpenCL device reports about itself, queried once when it opens.
struct DeviceLimits {
  std::string platform;      ///< CL_PLATFORM_NAME.
  std::string vendor;        ///< CL_DEVICE_VENDOR.
  std::string name;          ///< CL_DEVICE_NAME.
  std::string driverVersion; ///< CL_DRIVER_VERSION.
  std::string type;          ///< "GPU", "CPU", "accelerator", ...
  unsigned computeUnits = 0; ///< CL_DEVICE_MAX_COMPUTE_UNITS.
  /// Threads per workgroup (CL_DEVICE_MAX_WORK_GROUP_SIZE); a kernel may
  /// allow fewer (CL_KERNEL_WORK_GROUP_SIZE).
  uint64_t maxWorkGroupSize = 0;
  /// Threads per workgroup in each dimension
  /// (CL_DEVICE_MAX_WORK_ITEM_SIZES).
  std::array<uint64_t, 3> maxWorkItemSizes = {0, 0, 0};
  uint64_t localMemSize = 0;  ///< Bytes (CL_DEVICE_LOCAL_MEM_SIZE).
  uint64_t globalMemSize = 0; ///< Bytes (CL_DEVICE_GLOBAL_MEM_SIZE).
  uint64_t maxAllocSize = 0;  ///< Bytes (CL_DEVICE_MAX_MEM_ALLOC_SIZE).
  uint64_t baseAddrAlign = 0; ///< Bytes (CL_DEVICE_MEM_BASE_ADDR_ALIGN).
};

/// The limits of `device` when it is an OpenCL device, else null. Valid
/// while the device lives.
const DeviceLimits *getDeviceLimits(const hal::Device &device);

/// Process-wide counters of the cache of built program binaries.
struct CacheStats {
  uint64_t hits = 0;     ///< Programs loaded from a cached binary.
  uint64_t misses = 0;   ///< Programs with no cache entry, built from source.
  uint64_t rejected = 0; ///< Entries that were unusable (rebuilt and replaced).
  uint64_t writes = 0;   ///< Entries written.
};
CacheStats getCacheStats();

/// The folder that holds cached program binaries, or none when the cache is
/// off (ZELLIGE_OPENCL_CACHE=0) or no folder can be named. In order:
/// $ZELLIGE_CACHE_DIR/opencl, $XDG_CACHE_HOME/zellige/opencl,
/// $HOME/.cache/zellige/opencl. Read from the environment on every call.
std::optional<std::string> getCacheDirectory();

} // namespace opencl
} // namespace zellige

#endif // ZELLIGE_TARGETS_OPENCL_RUNTIME_OPENCLDRIVER_H
