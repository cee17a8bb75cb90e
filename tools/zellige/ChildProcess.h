//===- ChildProcess.h - Child processes with a time limit -------*- C++ -*-===//
//
// This file declares runWithTimeout, the one way the zellige subcommands run
// a child process with a time limit, safe to call from several threads.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TOOLS_ZELLIGE_CHILDPROCESS_H
#define ZELLIGE_TOOLS_ZELLIGE_CHILDPROCESS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace zellige {

/// runWithTimeout()'s result when the child could not be started.
constexpr int kLaunchFailed = -1000;

/// Runs `program` and waits at most `seconds` for it, then kills it with
/// SIGKILL. Polls instead of ExecuteAndWait's timeout, which relies on a
/// process-wide alarm() that concurrent children would share. Returns the
/// exit status, negative when the child was killed or crashed (-2 and
/// `errMsg` "timed out" on the time limit).
int runWithTimeout(llvm::StringRef program,
                   llvm::ArrayRef<llvm::StringRef> args,
                   llvm::ArrayRef<std::optional<llvm::StringRef>> redirects,
                   unsigned seconds, std::string &errMsg);

} // namespace zellige

#endif // ZELLIGE_TOOLS_ZELLIGE_CHILDPROCESS_H
