//===- Conformance.h - zellige conformance ----------------------*- C++ -*-===//
//
// This file declares the `zellige conformance` subcommand (ONNX backend test
// runner) and its hidden per-test child, `zellige conformance-case`.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TOOLS_ZELLIGE_CONFORMANCE_H
#define ZELLIGE_TOOLS_ZELLIGE_CONFORMANCE_H

#include <optional>

namespace llvm {
namespace cl {
class OptionCategory;
} // namespace cl
} // namespace llvm

namespace zellige {

/// The option category of the conformance subcommands.
llvm::cl::OptionCategory &getConformanceCategory();

/// Runs a conformance subcommand when one was given on the command line and
/// returns its exit status; `mainAddr` locates this executable for the child
/// processes.
std::optional<int> runConformanceSubcommands(const char *argv0, void *mainAddr);

} // namespace zellige

#endif // ZELLIGE_TOOLS_ZELLIGE_CONFORMANCE_H
