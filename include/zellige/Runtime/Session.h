//===- Session.h - Running a bundle on a device -----------------*- C++ -*-===//
//
// This file declares Session, which runs the schedule of a .zlg bundle on
// one device: it loads the bundle's executable for that device, places
// constant buffers (straight from the mapped weights section on the host),
// allocates the transient arena and the input/output buffers once, and on
// each run() checks the inputs, executes the steps in order and returns the
// outputs.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_RUNTIME_SESSION_H
#define ZELLIGE_RUNTIME_SESSION_H

#include "zellige/Runtime/Bundle.h"
#include "zellige/Runtime/HAL.h"
#include "zellige/Runtime/HostTensor.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

namespace zellige {

struct SessionOptions {
  /// Host threads for workgroups; 0 means all hardware threads.
  unsigned threads = 0;
  /// Synchronize the device after each dispatch and record its time (see
  /// Session::dispatchTimesMs()): the device's own timers where it has them
  /// (OpenCL profiling events, CUDA events), else the wall time from launch
  /// to the end of the synchronization. Slower; for the autotuner.
  bool profile = false;
};

class Session {
public:
  /// Opens `device` ("host", "cuda:0", ... or "auto": the first of cuda,
  /// opencl, other drivers, host whose device opens and which the bundle
  /// has an executable for) and prepares `bundle` on it. The bundle must
  /// outlive the session (constants may point into its mapped file).
  /// Call hal::registerRuntimeDrivers() once before.
  static llvm::Expected<std::unique_ptr<Session>>
  create(const Bundle &bundle, llvm::StringRef device = "host",
         SessionOptions options = {});
  ~Session();

  /// Runs the model. Every manifest input must be given exactly once, by
  /// name, with its dtype and shape; `outputs` is replaced by the manifest's
  /// outputs in order. Not reentrant: one run() at a time per session.
  llvm::Error run(const std::vector<HostTensor> &inputs,
                  std::vector<HostTensor> &outputs);

  const BundleManifest &manifest() const { return bundle.manifest(); }
  hal::Device &device() { return *device_; }
  /// The bundle executable the session runs.
  const ExecutableDesc &executable() const { return *exeDesc; }
  /// With SessionOptions::profile, the time in ms of each manifest dispatch
  /// (indexed like BundleManifest::dispatches) in the last run(); a
  /// dispatch run by several steps adds up. Empty without profile.
  const std::vector<double> &dispatchTimesMs() const { return dispatchMs; }
  /// What timed the last profiled run: "device" when the device's timers
  /// timed every launch, "wall" when any dispatch fell back to wall time.
  llvm::StringRef dispatchTimer() const {
    return wallTimed ? "wall" : "device";
  }

private:
  Session(const Bundle &bundle) : bundle(bundle) {}
  llvm::Error runSteps();

  const Bundle &bundle;
  bool profile = false;
  bool wallTimed = false;
  std::vector<double> dispatchMs;
  std::unique_ptr<hal::Device> device_;
  const ExecutableDesc *exeDesc = nullptr;
  std::unique_ptr<hal::Executable> exe;
  std::unique_ptr<hal::Buffer> arena;
  /// One per BundleManifest::buffers entry.
  std::vector<std::unique_ptr<hal::Buffer>> buffers;
};

} // namespace zellige

#endif // ZELLIGE_RUNTIME_SESSION_H
