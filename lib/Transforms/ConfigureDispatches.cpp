//===- ConfigureDispatches.cpp - Fill dispatch knobs ------------*- C++ -*-===//
//
// This file implements zellige-configure-dispatches: it asks the target for
// each dispatch's knobs and heuristic values, then applies the researcher's
// overrides from --tile-sizes and from a TOML --kernel-config file.
//
//===----------------------------------------------------------------------===//

#include "zellige/Target/Target.h"
#include "zellige/Transforms/Passes.h"

#include "llvm/ADT/StringExtras.h"

#include <toml++/toml.h>

#define DEBUG_TYPE "zellige-configure-dispatches"

namespace zellige {
#define GEN_PASS_DEF_CONFIGUREDISPATCHES
#include "zellige/Transforms/Passes.h.inc"
} // namespace zellige

using namespace mlir;
using namespace zellige;

namespace {

/// One override: a knob value for the dispatches a selector names.
struct Override {
  std::string selector; // Dispatch name, kind, or "*".
  std::string knob;
  int64_t value;
  std::string origin; // For messages: "--tile-sizes" or the TOML file.
};

bool selects(StringRef selector, kernel::DispatchOp dispatch) {
  if (selector == "*" || selector == dispatch.getSymName())
    return true;
  StringRef kind = dispatch.getConfig().getKind();
  return selector == kind || selector == ("kind." + kind).str();
}

LogicalResult parseTileSizes(StringRef text, Location loc,
                             SmallVectorImpl<Override> &out) {
  SmallVector<StringRef> entries;
  text.split(entries, ';', -1, /*KeepEmpty=*/false);
  for (StringRef entry : entries) {
    auto [selector, sizes] = entry.trim().split('=');
    if (sizes.empty()) {
      sizes = selector;
      selector = "*";
    }
    SmallVector<StringRef> parts;
    sizes.split(parts, 'x');
    for (auto [i, part] : llvm::enumerate(parts)) {
      int64_t value;
      if (part.trim().getAsInteger(10, value) || value < 0)
        return emitError(loc) << "--tile-sizes: '" << part
                              << "' is not a tile size in '" << entry << "'";
      out.push_back({selector.trim().str(), "tile." + std::to_string(i), value,
                     "--tile-sizes"});
    }
  }
  return success();
}

LogicalResult parseKernelConfig(StringRef path, Location loc,
                                SmallVectorImpl<Override> &out) {
  // Debian's TOML++ is built with exceptions: parse errors are thrown.
  toml::table table;
  try {
    table = toml::parse_file(path.str());
  } catch (const toml::parse_error &error) {
    return emitError(loc) << path << ":" << error.source().begin.line << ": "
                          << error.description();
  }
  for (auto &&[selector, node] : table) {
    std::string selectorText(selector.str());
    auto addKnobs = [&](const toml::table &knobs,
                        const std::string &sel) -> LogicalResult {
      for (auto &&[knob, value] : knobs) {
        std::optional<int64_t> v = value.value<int64_t>();
        if (!v)
          return emitError(loc) << path << ": knob '" << knob.str() << "' of '"
                                << sel << "' is not an integer";
        out.push_back({sel, std::string(knob.str()), *v, path.str()});
      }
      return success();
    };
    const toml::table *sub = node.as_table();
    if (!sub)
      return emitError(loc) << path << ": '" << selectorText
                            << "' must be a table of knob values";
    // `[kind.matmul]` parses as a table "kind" holding "matmul".
    if (selectorText == "kind") {
      for (auto &&[kind, kindNode] : *sub) {
        const toml::table *knobs = kindNode.as_table();
        if (!knobs)
          return emitError(loc)
                 << path << ": 'kind." << kind.str() << "' must be a table";
        if (failed(addKnobs(*knobs, std::string(kind.str()))))
          return failure();
      }
      continue;
    }
    if (failed(addKnobs(*sub, selectorText)))
      return failure();
  }
  return success();
}

struct ConfigureDispatchesPass
    : zellige::impl::ConfigureDispatchesBase<ConfigureDispatchesPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    const TargetBackend *backend = lookupTargetBackend(target);
    if (!backend) {
      module.emitError("unknown target '") << target << "'";
      return signalPassFailure();
    }
    SmallVector<Override> overrides;
    if (!tileSizes.empty() &&
        failed(parseTileSizes(tileSizes, module.getLoc(), overrides)))
      return signalPassFailure();
    if (!kernelConfig.empty() &&
        failed(parseKernelConfig(kernelConfig, module.getLoc(), overrides)))
      return signalPassFailure();
    std::vector<bool> used(overrides.size(), false);
    TargetOptions targetOptions;
    targetOptions.arch = arch;
    targetOptions.profile = profile;

    WalkResult result = module.walk([&](kernel::DispatchOp dispatch) {
      Operation *root = dispatch.getRootOp();
      if (!root) {
        // A dispatch of pure data movement: no linalg op to schedule.
        root = &dispatch.getBody().front().front();
      }
      kernel::ConfigAttr config = dispatch.getConfig();
      kernel::ConfigAttr defaults =
          backend->getDefaultConfig(root, targetOptions);
      // Keep tuned values the dispatch already carries.
      for (kernel::KnobAttr knob : config.getKnobs())
        if (knob.getSource() != "heuristic" && defaults.getKnob(knob.getName()))
          defaults = defaults.withValue(knob.getName(), knob.getValue(),
                                        knob.getSource());
      config = defaults;
      for (auto [i, o] : llvm::enumerate(overrides)) {
        if (!selects(o.selector, dispatch))
          continue;
        kernel::KnobAttr knob = config.getKnob(o.knob);
        if (!knob) {
          // Tile sizes name loops the dispatch may not have; a TOML key
          // must exist.
          if (o.origin == "--tile-sizes")
            continue;
          dispatch.emitError()
              << o.origin << ": dispatch '" << dispatch.getSymName()
              << "' has no knob '" << o.knob << "'";
          return WalkResult::interrupt();
        }
        if (!knob.getLegal().empty() &&
            !llvm::is_contained(knob.getLegal(), o.value)) {
          dispatch.emitError()
              << o.origin << ": " << o.value << " is not a legal value of '"
              << o.knob << "' for dispatch '" << dispatch.getSymName()
              << "' (legal: "
              << llvm::join(llvm::map_range(
                                knob.getLegal(),
                                [](int64_t v) { return std::to_string(v); }),
                            ", ")
              << ")";
          return WalkResult::interrupt();
        }
        config = config.withValue(o.knob, o.value, "user");
        used[i] = true;
      }
      dispatch.setConfigAttr(config);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    for (auto [i, o] : llvm::enumerate(overrides))
      if (!used[i] && o.selector != "*" && o.origin != "--tile-sizes") {
        module.emitError() << o.origin << ": no dispatch matches '"
                           << o.selector << "' with knob '" << o.knob << "'";
        return signalPassFailure();
      }
  }
};

} // namespace
