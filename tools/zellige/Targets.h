//===- Targets.h - zellige targets and zellige estimate ---------*- C++ -*-===//
//
// This file declares `zellige targets` (the built-in targets and device
// profiles, with their figures and sources), `zellige estimate` (a roofline
// estimate of a model on one or every profile), and the resolution of a
// `--target` list whose items may name device profiles.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TOOLS_ZELLIGE_TARGETS_H
#define ZELLIGE_TOOLS_ZELLIGE_TARGETS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace llvm {
namespace cl {
class OptionCategory;
} // namespace cl
} // namespace llvm

namespace zellige {

struct CompileOptions;

/// The option categories of `zellige targets` and `zellige estimate`.
llvm::cl::OptionCategory &getTargetsCategory();
llvm::cl::OptionCategory &getEstimateCategory();

/// Runs `targets` or `estimate` when one was given on the command line and
/// returns its exit status.
std::optional<int> runTargetsSubcommands(const char *argv0, void *mainAddr);

/// Fills `options.targets` from a comma-separated `--target` list. An item
/// is a built-in target ("cuda") or a device profile (a built-in name such
/// as "h20", or a .toml file): a profile means its target kind, with its
/// architecture as `--arch` and itself as `--profile`. At most one profile
/// per list; an explicit --arch or --profile that disagrees is an error, as
/// is a profile whose target kind this build does not have. Unknown names
/// pass through, so the compiler reports them with the list of targets.
llvm::Error resolveTargetList(llvm::StringRef list, CompileOptions &options);

} // namespace zellige

#endif // ZELLIGE_TOOLS_ZELLIGE_TARGETS_H
