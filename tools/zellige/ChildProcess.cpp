//===- ChildProcess.cpp - Child processes with a time limit -----*- C++ -*-===//
//
// This file implements runWithTimeout (ChildProcess.h), which `zellige tune`
// and `zellige conformance` use to run each candidate or test in isolation.
//
//===----------------------------------------------------------------------===//

#include "ChildProcess.h"

#include "llvm/Support/Program.h"

#include <chrono>
#include <csignal>
#include <thread>

using namespace llvm;

/// Runs `program` and waits at most `seconds` for it, then kills it with
/// SIGKILL. Polls instead of ExecuteAndWait's timeout, which relies on a
/// process-wide alarm() that concurrent children would share. Returns the
/// exit status, negative when the child was killed or crashed.
int zellige::runWithTimeout(StringRef program, ArrayRef<StringRef> args,
                            ArrayRef<std::optional<StringRef>> redirects,
                            unsigned seconds, std::string &errMsg) {
  bool failed = false;
  sys::ProcessInfo pi = sys::ExecuteNoWait(program, args, std::nullopt,
                                           redirects, 0, &errMsg, &failed);
  if (failed)
    return kLaunchFailed;
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (true) {
    sys::ProcessInfo r = sys::Wait(pi, /*SecondsToWait=*/0, &errMsg);
    if (r.Pid == pi.Pid)
      return r.ReturnCode;
    if (r.Pid == -1)
      return -1;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pi.Pid, SIGKILL);
      sys::Wait(pi, std::nullopt, &errMsg);
      errMsg = "timed out";
      return -2;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}
