//===- DeviceProfile.cpp - Device profiles (targets/profiles) ---*- C++ -*-===//
//
// This file implements reading device profiles with TOML++. The files of
// targets/profiles are compiled into the library (DeviceProfiles.inc, made by
// CMake) so that the compiler needs no data directory at run time.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/DeviceProfile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <toml++/toml.h>

using namespace llvm;
using namespace zellige;

namespace {
struct BuiltinProfile {
  const char *name;
  const char *text;
};
/// {name, TOML text} for each targets/profiles/*.toml.
const BuiltinProfile kBuiltinProfiles[] = {
#include "DeviceProfiles.inc"
};
} // namespace

static Error makeError(StringRef origin, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(),
                           (origin + ": " + msg).str());
}

Expected<DeviceProfile> zellige::parseDeviceProfile(StringRef text,
                                                    StringRef origin) {
  toml::table table;
  try {
    table = toml::parse(std::string_view(text.data(), text.size()),
                        std::string_view(origin.data(), origin.size()));
  } catch (const toml::parse_error &e) {
    return makeError(origin, Twine("line ") + Twine(e.source().begin.line) +
                                 ": " + std::string(e.description()));
  }
  DeviceProfile p;
  auto str = [&](const char *key, std::string &out) -> Error {
    if (auto v = table[key].value<std::string>()) {
      out = *v;
      return Error::success();
    }
    return makeError(origin, Twine("missing string '") + key + "'");
  };
  auto positive = [&](const char *key, int64_t &out) -> Error {
    if (auto v = table[key].value<int64_t>(); v && *v > 0) {
      out = *v;
      return Error::success();
    }
    return makeError(origin,
                     Twine("missing or non-positive integer '") + key + "'");
  };
  if (Error e = str("name", p.name))
    return std::move(e);
  if (Error e = str("target", p.target))
    return std::move(e);
  if (Error e = str("arch", p.arch))
    return std::move(e);
  for (auto [key, out] :
       {std::pair<const char *, int64_t *>{"warp_size", &p.warpSize},
        {"max_workgroup_size", &p.maxWorkgroupSize},
        {"shared_memory_bytes", &p.sharedMemoryBytes},
        {"compute_units", &p.computeUnits}})
    if (Error e = positive(key, *out))
      return std::move(e);
  if (const toml::array *dims = table["max_workgroup_dims"].as_array()) {
    if (dims->size() != 3)
      return makeError(origin, "'max_workgroup_dims' needs three integers");
    for (size_t i = 0; i < 3; ++i) {
      auto v = (*dims)[i].value<int64_t>();
      if (!v || *v <= 0)
        return makeError(origin, "'max_workgroup_dims' needs three positive "
                                 "integers");
      p.maxWorkgroupDims[i] = *v;
    }
  }
  if (const toml::table *peak = table["peak"].as_table()) {
    for (auto &&[key, node] : *peak) {
      StringRef k(key.str().data(), key.str().size());
      auto number = node.value<double>();
      if (k.ends_with("_flops") && number) {
        p.peakFlops[k.drop_back(6).str()] = *number;
      } else if (k.ends_with("_flops_source")) {
        p.peakFlopsSource[k.drop_back(13).str()] =
            node.value<std::string>().value_or("");
      } else if (k == "bandwidth_bytes" && number) {
        p.bandwidthBytes = *number;
      } else if (k == "bandwidth_source") {
        p.bandwidthSource = node.value<std::string>().value_or("");
      } else {
        return makeError(origin, "unknown or ill-typed key 'peak." + k + "'");
      }
    }
    for (const auto &entry : p.peakFlops)
      if (!p.peakFlopsSource.count(entry.first))
        return makeError(origin,
                         "peak." + entry.first + "_flops has no _flops_source");
    if (p.bandwidthBytes > 0 && p.bandwidthSource.empty())
      return makeError(origin, "peak.bandwidth_bytes has no bandwidth_source");
  }
  return p;
}

Expected<DeviceProfile> zellige::loadDeviceProfile(StringRef nameOrPath) {
  if (nameOrPath.ends_with(".toml")) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> file =
        MemoryBuffer::getFile(nameOrPath);
    if (!file)
      return makeError(nameOrPath, file.getError().message());
    return parseDeviceProfile((*file)->getBuffer(), nameOrPath);
  }
  for (const BuiltinProfile &builtin : kBuiltinProfiles)
    if (nameOrPath == builtin.name)
      return parseDeviceProfile(
          builtin.text, ("targets/profiles/" + nameOrPath + ".toml").str());
  return createStringError(
      inconvertibleErrorCode(),
      "unknown device profile '" + nameOrPath +
          "' (built in: " + llvm::join(getBuiltinDeviceProfileNames(), ", ") +
          "; or give a path to a .toml file)");
}

std::vector<std::string> zellige::getBuiltinDeviceProfileNames() {
  std::vector<std::string> names;
  for (const BuiltinProfile &builtin : kBuiltinProfiles)
    names.push_back(builtin.name);
  llvm::sort(names);
  return names;
}
