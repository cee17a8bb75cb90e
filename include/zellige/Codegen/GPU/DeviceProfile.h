//===- DeviceProfile.h - Device profiles (targets/profiles) -----*- C++ -*-===//
//
// This file declares the device profile: the limits and peak figures of one
// chip, read with TOML++ from targets/profiles/<name>.toml (built into the
// binary) or from any .toml file. GPU schedules take their legal ranges from
// it; the cost model reads the peaks.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CODEGEN_GPU_DEVICEPROFILE_H
#define ZELLIGE_CODEGEN_GPU_DEVICEPROFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zellige {

/// One chip's limits and peaks.
struct DeviceProfile {
  std::string name;   ///< e.g. "nvidia-sm90".
  std::string target; ///< The Zellige target that compiles for it: "cuda".
  std::string arch;   ///< e.g. "sm_90".
  int64_t warpSize = 32;
  int64_t maxWorkgroupSize = 256;
  std::array<int64_t, 3> maxWorkgroupDims = {256, 256, 64};
  int64_t sharedMemoryBytes = 32768; ///< Per workgroup.
  int64_t computeUnits = 1;
  /// Peak FLOP/s per element type ("f32", "f16", ...) and where each figure
  /// comes from.
  std::map<std::string, double> peakFlops;
  std::map<std::string, std::string> peakFlopsSource;
  double bandwidthBytes = 0; ///< Bytes per second.
  std::string bandwidthSource;
};

/// Parses a profile; `origin` names the file in errors.
llvm::Expected<DeviceProfile> parseDeviceProfile(llvm::StringRef text,
                                                 llvm::StringRef origin);

/// A built-in profile by name, or a .toml file when `nameOrPath` ends in
/// ".toml".
llvm::Expected<DeviceProfile> loadDeviceProfile(llvm::StringRef nameOrPath);

/// The names of the built-in profiles, sorted.
std::vector<std::string> getBuiltinDeviceProfileNames();

} // namespace zellige

#endif // ZELLIGE_CODEGEN_GPU_DEVICEPROFILE_H
