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
#include <set>
#include <string>
#include <vector>

namespace zellige {

/// How far a figure can be trusted, read from the start of its source string
/// (see docs/devices.md, "Profile format").
enum class SourceKind {
  Documented,  ///< A vendor datasheet, manual or SDK file.
  VendorClaim, ///< "vendor claim: ..." (launch events, marketing).
  PressReport, ///< "press report: ..." (third parties).
  PublicCode,  ///< "public code: ..." / "public tool output: ...".
  Derived,     ///< "derived: ..." (computed from other figures).
  Assumption,  ///< "assumption: ..." or "estimate ..." (not checked).
  Measured,    ///< "measured: ..." (on a real device).
};

/// The kind of a source string, from its prefix.
SourceKind classifySource(llvm::StringRef source);
/// A short name for a source kind: "documented", "vendor claim", ...
llvm::StringRef stringifySourceKind(SourceKind kind);

/// One chip's limits and peaks.
///
/// A hardware limit the profile file leaves out keeps the conservative
/// default below (so schedules stay legal) and is not listed in `given`:
/// reports show it as unknown. A peak, the bandwidth, the memory size and
/// the TDP are 0 when unknown and, when given, always carry a source.
struct DeviceProfile {
  std::string name;    ///< e.g. "nvidia-sm90".
  std::string target;  ///< The Zellige target kind that compiles for it.
  std::string arch;    ///< e.g. "sm_90", "gfx928", "Ascend910B2C".
  std::string vendor;  ///< e.g. "NVIDIA"; may be empty.
  std::string product; ///< e.g. "H100 SXM5 80GB"; may be empty.
  int64_t warpSize = 32;
  int64_t maxWorkgroupSize = 256;
  std::array<int64_t, 3> maxWorkgroupDims = {256, 256, 64};
  int64_t sharedMemoryBytes = 32768; ///< Per workgroup.
  int64_t computeUnits = 1;
  /// Peak FLOP/s (OP/s for integers) per element type ("f32", "f16",
  /// "bf16", "i8", ...) and where each figure comes from.
  std::map<std::string, double> peakFlops;
  std::map<std::string, std::string> peakFlopsSource;
  double bandwidthBytes = 0; ///< Bytes per second.
  std::string bandwidthSource;
  int64_t memoryBytes = 0; ///< Device memory; 0 when unknown.
  double tdpWatts = 0;     ///< Board power; 0 when unknown.
  /// The TOML keys of the figures the file gives ("warp_size",
  /// "compute_units", "memory_bytes", ...), and the source of each one that
  /// has one, keyed the same way.
  std::set<std::string> given;
  std::map<std::string, std::string> sources;

  /// Whether the file gives the figure under TOML key `key`.
  bool has(llvm::StringRef key) const { return given.count(key.str()); }
  /// The source of the figure under `key` ("" when none).
  llvm::StringRef sourceOf(llvm::StringRef key) const;
  /// The peak for an element type such as "f32" or "i8", or 0 when unknown.
  double peakFor(llvm::StringRef elementType) const;
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
