//===- DeviceProfile.cpp - Device profiles (targets/profiles) ---*- C++ -*-===//
//
// This file implements reading device profiles with TOML++. The files of
// targets/profiles are compiled into the library (DeviceProfiles.inc, made by
// CMake) so that the compiler needs no data directory at run time.
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/DeviceProfile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <toml++/toml.h>

#include <optional>
#include <type_traits>

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

SourceKind zellige::classifySource(StringRef source) {
  StringRef s = source.ltrim();
  if (s.starts_with_insensitive("vendor claim"))
    return SourceKind::VendorClaim;
  if (s.starts_with_insensitive("press report"))
    return SourceKind::PressReport;
  if (s.starts_with_insensitive("public code") ||
      s.starts_with_insensitive("public tool output"))
    return SourceKind::PublicCode;
  if (s.starts_with_insensitive("derived"))
    return SourceKind::Derived;
  if (s.starts_with_insensitive("assumption") ||
      s.starts_with_insensitive("estimate") || s == "test profile")
    return SourceKind::Assumption;
  if (s.starts_with_insensitive("measured"))
    return SourceKind::Measured;
  return SourceKind::Documented;
}

StringRef zellige::stringifySourceKind(SourceKind kind) {
  switch (kind) {
  case SourceKind::Documented:
    return "documented";
  case SourceKind::VendorClaim:
    return "vendor claim";
  case SourceKind::PressReport:
    return "press report";
  case SourceKind::PublicCode:
    return "public code";
  case SourceKind::Derived:
    return "derived";
  case SourceKind::Assumption:
    return "assumption";
  case SourceKind::Measured:
    return "measured";
  }
  return "unknown";
}

StringRef DeviceProfile::sourceOf(StringRef key) const {
  auto it = sources.find(key.str());
  return it == sources.end() ? StringRef() : StringRef(it->second);
}

double DeviceProfile::peakFor(StringRef elementType) const {
  auto it = peakFlops.find(elementType.str());
  return it == peakFlops.end() ? 0.0 : it->second;
}

/// The source key of figure `key`: "<key>_source", or the key without its
/// unit ("memory_bytes" -> "memory_source"), as bandwidth_bytes has always
/// used.
static std::optional<std::string> findSource(const toml::table &table,
                                             StringRef key) {
  SmallVector<std::string, 2> candidates = {(key + "_source").str()};
  for (StringRef unit : {"_bytes", "_watts"})
    if (key.ends_with(unit))
      candidates.push_back((key.drop_back(unit.size()) + "_source").str());
  for (const std::string &candidate : candidates)
    if (auto v = table[candidate].value<std::string>())
      return *v;
  return std::nullopt;
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
  // Catch misspelt keys: every top-level key is a known figure, the
  // source of one, or the [peak] table.
  static const char *const kKeys[] = {"name",
                                      "target",
                                      "arch",
                                      "vendor",
                                      "product",
                                      "warp_size",
                                      "max_workgroup_size",
                                      "max_workgroup_dims",
                                      "shared_memory_bytes",
                                      "compute_units",
                                      "memory_bytes",
                                      "tdp_watts"};
  for (auto &&[key, node] : table) {
    StringRef k(key.str().data(), key.str().size());
    bool known = k == "peak" || llvm::is_contained(kKeys, k);
    if (k.ends_with("_source")) {
      StringRef figure = k.drop_back(7);
      known = llvm::any_of(kKeys, [&](StringRef candidate) {
        return candidate == figure || candidate == (figure + "_bytes").str() ||
               candidate == (figure + "_watts").str();
      });
    }
    if (!known)
      return makeError(origin, "unknown key '" + k + "'");
  }
  DeviceProfile p;
  auto noteSource = [&](StringRef key) {
    if (std::optional<std::string> source = findSource(table, key))
      p.sources[key.str()] = *source;
  };
  auto str = [&](const char *key, std::string &out, bool required) -> Error {
    if (auto v = table[key].value<std::string>()) {
      out = *v;
      p.given.insert(key);
      noteSource(key);
      return Error::success();
    }
    if (!required && !table.contains(key))
      return Error::success();
    return makeError(origin, Twine("missing string '") + key + "'");
  };
  // Hardware limits are optional: an unknown one keeps its default.
  auto positive = [&](const char *key, int64_t &out) -> Error {
    if (!table.contains(key))
      return Error::success();
    if (auto v = table[key].value<int64_t>(); v && *v > 0) {
      out = *v;
      p.given.insert(key);
      noteSource(key);
      return Error::success();
    }
    return makeError(origin, Twine("'") + key + "' must be a positive integer");
  };
  // Memory size and power are optional but need a source when given.
  auto sourced = [&](const char *key, auto &out) -> Error {
    if (!table.contains(key))
      return Error::success();
    auto v = table[key].value<double>();
    if (!v || *v <= 0)
      return makeError(origin,
                       Twine("'") + key + "' must be a positive number");
    out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
    p.given.insert(key);
    noteSource(key);
    if (!p.sources.count(key))
      return makeError(origin, Twine("'") + key + "' has no source");
    return Error::success();
  };
  if (Error e = str("name", p.name, /*required=*/true))
    return std::move(e);
  if (Error e = str("target", p.target, /*required=*/true))
    return std::move(e);
  if (Error e = str("arch", p.arch, /*required=*/true))
    return std::move(e);
  if (Error e = str("vendor", p.vendor, /*required=*/false))
    return std::move(e);
  if (Error e = str("product", p.product, /*required=*/false))
    return std::move(e);
  for (auto [key, out] :
       {std::pair<const char *, int64_t *>{"warp_size", &p.warpSize},
        {"max_workgroup_size", &p.maxWorkgroupSize},
        {"shared_memory_bytes", &p.sharedMemoryBytes},
        {"compute_units", &p.computeUnits}})
    if (Error e = positive(key, *out))
      return std::move(e);
  if (Error e = sourced("memory_bytes", p.memoryBytes))
    return std::move(e);
  if (Error e = sourced("tdp_watts", p.tdpWatts))
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
    p.given.insert("max_workgroup_dims");
    noteSource("max_workgroup_dims");
  }
  if (const toml::table *peak = table["peak"].as_table()) {
    for (auto &&[key, node] : *peak) {
      StringRef k(key.str().data(), key.str().size());
      auto number = node.value<double>();
      if (k.ends_with("_flops") && number) {
        if (*number <= 0)
          return makeError(origin, "peak." + k + " must be positive");
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
    for (const auto &entry : p.peakFlops) {
      if (!p.peakFlopsSource.count(entry.first))
        return makeError(origin,
                         "peak." + entry.first + "_flops has no _flops_source");
      p.given.insert("peak." + entry.first + "_flops");
      p.sources["peak." + entry.first + "_flops"] =
          p.peakFlopsSource[entry.first];
    }
    if (p.bandwidthBytes > 0 && p.bandwidthSource.empty())
      return makeError(origin, "peak.bandwidth_bytes has no bandwidth_source");
    if (p.bandwidthBytes > 0) {
      p.given.insert("peak.bandwidth_bytes");
      p.sources["peak.bandwidth_bytes"] = p.bandwidthSource;
    }
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
