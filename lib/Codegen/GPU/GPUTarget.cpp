//===- GPUTarget.cpp - Base class of the GPU targets ------------*- C++ -*-===//
//
// This file implements GPUTargetBackend (GPUTarget.h).
//
//===----------------------------------------------------------------------===//

#include "zellige/Codegen/GPU/GPUTarget.h"
#include "zellige/Codegen/GPU/DeviceProfile.h"
#include "zellige/Codegen/GPU/Passes.h"
#include "zellige/Codegen/GPU/Schedule.h"

#include "dialects/kernel/KernelDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace zellige;

std::string
GPUTargetBackend::getProfileName(const TargetOptions &options) const {
  return options.profile.empty() ? getDefaultProfile(options) : options.profile;
}

/// Grows the heuristic workgroup tiles of `s` (innermost distributed loop
/// first, through each loop's legal `wg.<loop>` values) until a workgroup
/// holds a whole number of `profile`'s warps, without passing its workgroup
/// limit. A loop too short to grow keeps its tile.
static void alignWorkgroupToWarps(gpu_codegen::Schedule &s,
                                  const DeviceProfile &profile) {
  int64_t warp = profile.warpSize;
  auto threads = [&] {
    int64_t n = 1;
    for (unsigned loop : s.distributed)
      n *= s.threadsAlong(loop);
    return n;
  };
  if (warp <= 1 || threads() % warp == 0)
    return;
  for (unsigned loop : llvm::reverse(s.distributed)) {
    std::string name = "wg." + std::to_string(loop);
    auto knob = llvm::find_if(
        s.knobs, [&](const gpu_codegen::Knob &k) { return k.name == name; });
    if (knob == s.knobs.end())
      continue;
    while (threads() % warp != 0) {
      const int64_t *next = llvm::upper_bound(knob->legal, s.workgroup[loop]);
      if (next == knob->legal.end() || *next % s.thread[loop] != 0)
        break;
      int64_t old = s.workgroup[loop];
      s.workgroup[loop] = *next;
      if (threads() > profile.maxWorkgroupSize) {
        s.workgroup[loop] = old;
        break;
      }
    }
    knob->value = s.workgroup[loop];
    if (threads() % warp == 0)
      return;
  }
}

kernel::ConfigAttr
GPUTargetBackend::getDefaultConfig(Operation *root,
                                   const TargetOptions &options) const {
  MLIRContext *ctx = root->getContext();
  llvm::Expected<DeviceProfile> profile =
      loadDeviceProfile(getProfileName(options));
  if (!profile) {
    // The pipeline reports the error with the dispatch; schedule nothing.
    llvm::consumeError(profile.takeError());
    return kernel::ConfigAttr::get(ctx, "generic", {});
  }
  FailureOr<gpu_codegen::Schedule> schedule =
      gpu_codegen::computeSchedule(root, nullptr, *profile);
  if (failed(schedule))
    return kernel::ConfigAttr::get(ctx, "generic", {});
  if (alignsWorkgroupsToWarps())
    alignWorkgroupToWarps(*schedule, *profile);
  SmallVector<kernel::KnobAttr> knobs;
  for (const gpu_codegen::Knob &knob : schedule->knobs)
    knobs.push_back(kernel::KnobAttr::get(ctx, knob.name, knob.value,
                                          knob.legal, "heuristic"));
  return kernel::ConfigAttr::get(ctx, schedule->kind, knobs);
}

void GPUTargetBackend::buildPipeline(OpPassManager &pm,
                                     const TargetOptions &options) const {
  gpu_codegen::buildGPUCodegenPipeline(pm, getProfileName(options));
}

FailureOr<TargetExecutable>
GPUTargetBackend::serialize(ModuleOp module,
                            const TargetOptions &options) const {
  gpu::GPUModuleOp kernels;
  for (auto candidate : module.getOps<gpu::GPUModuleOp>())
    if (candidate.getName() == "kernels")
      kernels = candidate;
  TargetExecutable executable;
  executable.format = getExecutableFormat().str();
  if (!kernels) {
    // A model without dispatches (only views and copies) has no kernels.
    if (module.getOps<func::FuncOp>().empty())
      return executable;
    return module.emitError() << getName()
                              << " target: no gpu.module @kernels to "
                                 "serialize";
  }
  for (auto kernel : kernels.getOps<gpu::GPUFuncOp>()) {
    std::string name = kernel.getName().str();
    std::optional<ArrayRef<int32_t>> block = kernel.getKnownBlockSize();
    auto grid =
        kernel->getAttrOfType<DenseI64ArrayAttr>("zellige.workgroup_count");
    if (!block || block->size() != 3 || !grid || grid.size() != 3)
      return kernel.emitError() << getName()
                                << " target: kernel without a workgroup "
                                   "size or count";
    executable.symbols[name] = name;
    executable.workgroupSizes[name] = {(*block)[0], (*block)[1], (*block)[2]};
    executable.workgroupCounts[name] = {grid[0], grid[1], grid[2]};
    if (!options.dumpKernelsDir.empty() &&
        failed(dumpKernel(kernels, kernel, options, options.dumpKernelsDir)))
      return failure();
  }
  if (failed(serializeKernels(kernels, options, executable)))
    return failure();
  executable.properties["profile"] = getProfileName(options);
  return executable;
}

LogicalResult zellige::writeKernelFile(Operation *anchor, StringRef dir,
                                       StringRef name, StringRef contents) {
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return anchor->emitError()
           << "cannot create '" << dir << "': " << ec.message();
  SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return anchor->emitError()
           << "cannot write '" << path << "': " << ec.message();
  os << contents;
  return success();
}

OwningOpRef<gpu::GPUModuleOp>
zellige::cloneWithOnlyKernel(gpu::GPUModuleOp kernels, gpu::GPUFuncOp kernel) {
  // A builder without an insertion point leaves the clone detached.
  OpBuilder builder(kernels.getContext());
  OwningOpRef<gpu::GPUModuleOp> single =
      cast<gpu::GPUModuleOp>(builder.clone(*kernels));
  for (auto other :
       llvm::make_early_inc_range(single->getOps<gpu::GPUFuncOp>()))
    if (other.getName() != kernel.getName())
      other.erase();
  return single;
}
