//===- Tune.h - zellige tune ------------------------------------*- C++ -*-===//
//
// This file declares the `zellige tune` subcommand (the autotuner driver)
// and its hidden per-candidate child, `zellige tune-candidate`.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TOOLS_ZELLIGE_TUNE_H
#define ZELLIGE_TOOLS_ZELLIGE_TUNE_H

#include <optional>

namespace llvm {
namespace cl {
class OptionCategory;
} // namespace cl
} // namespace llvm

namespace zellige {

/// The option category of the tune subcommands.
llvm::cl::OptionCategory &getTuneCategory();

/// Runs a tune subcommand when one was given on the command line and returns
/// its exit status; `mainAddr` locates this executable for the child
/// processes.
std::optional<int> runTuneSubcommands(const char *argv0, void *mainAddr);

} // namespace zellige

#endif // ZELLIGE_TOOLS_ZELLIGE_TUNE_H
