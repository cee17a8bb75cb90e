//===- CUDAFamilyTarget.cpp - CUDA-like vendor stack targets ----*- C++ -*-===//
//
// This file implements CUDAFamilyTarget (CUDAFamilyTarget.h): the CUDA C++
// emitter in a vendor's dialect, with the device profile's warp size, for
// the bundle (the whole gpu.module as one source) and for --dump-kernels (one
// file per kernel plus build.sh with the vendor compiler's command lines).
//
//===----------------------------------------------------------------------===//

#include "lib/Codegen/CSource/CUDAFamilyTarget.h"

#include "zellige/Codegen/GPU/DeviceProfile.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace zellige;

CUDAFamilyTarget::CUDAFamilyTarget(const CUDAFamilyDescription &desc)
    : desc(desc), dialect(csource::lookupVendorDialect(desc.name)),
      format((desc.name + "-c++").str()) {}

std::string CUDAFamilyTarget::getDefaultProfile(const TargetOptions &) const {
  return desc.defaultProfile.str();
}

std::string CUDAFamilyTarget::getArch(const TargetOptions &options) const {
  if (!options.arch.empty())
    return options.arch;
  llvm::Expected<DeviceProfile> profile =
      loadDeviceProfile(getProfileName(options));
  if (profile && !profile->arch.empty())
    return profile->arch;
  if (!profile)
    llvm::consumeError(profile.takeError());
  return desc.defaultArch.str();
}

std::string CUDAFamilyTarget::getCompileCommand(const TargetOptions &options,
                                                StringRef source,
                                                StringRef object) const {
  std::string command = desc.compileCommand.str();
  auto replace = [&](StringRef key, StringRef value) {
    for (size_t at; (at = command.find(key.str())) != std::string::npos;)
      command.replace(at, key.size(), value.str());
  };
  std::string arch = desc.archOption(getArch(options));
  // No option: drop the placeholder and the space before it.
  replace(arch.empty() ? " {arch}" : "{arch}", arch);
  replace("{src}", source);
  replace("{obj}", object);
  return command;
}

FailureOr<csource::EmitterOptions>
CUDAFamilyTarget::getEmitterOptions(Operation *anchor,
                                    const TargetOptions &options) const {
  std::string profileName = getProfileName(options);
  llvm::Expected<DeviceProfile> profile = loadDeviceProfile(profileName);
  if (!profile)
    return anchor->emitError()
           << desc.name << " target: cannot load device profile '"
           << profileName << "': " << llvm::toString(profile.takeError());
  csource::EmitterOptions emitter;
  emitter.flavor = csource::Flavor::CUDA;
  emitter.vendor = dialect;
  emitter.warpSize = profile->warpSize;
  return emitter;
}

LogicalResult
CUDAFamilyTarget::serializeKernels(gpu::GPUModuleOp kernels,
                                   const TargetOptions &options,
                                   TargetExecutable &executable) const {
  FailureOr<csource::EmitterOptions> emitter =
      getEmitterOptions(kernels, options);
  if (failed(emitter))
    return failure();
  std::string source = "kernels" + desc.extension.str();
  emitter->headerComment = "Zellige's " + desc.name.str() +
                           " target is compile-only: build this file with\n  " +
                           getCompileCommand(options, source, "kernels.o");
  std::string text;
  llvm::raw_string_ostream os(text);
  if (failed(csource::emitKernelSource(kernels, *emitter, os)))
    return failure();
  executable.bytes.assign(text.begin(), text.end());
  executable.properties["arch"] = getArch(options);
  executable.properties["warp_size"] = std::to_string(emitter->warpSize);
  executable.properties["build"] =
      getCompileCommand(options, source, "kernels.o");
  return success();
}

LogicalResult CUDAFamilyTarget::dumpKernel(gpu::GPUModuleOp kernels,
                                           gpu::GPUFuncOp kernel,
                                           const TargetOptions &options,
                                           StringRef dir) const {
  FailureOr<csource::EmitterOptions> emitter =
      getEmitterOptions(kernel, options);
  if (failed(emitter))
    return failure();
  std::string source = (kernel.getName() + desc.extension).str();
  std::string object = (kernel.getName() + ".o").str();
  std::string command = getCompileCommand(options, source, object);
  emitter->headerComment = "Build: " + command;
  std::string text;
  llvm::raw_string_ostream os(text);
  if (failed(csource::emitKernelSource(kernel, *emitter, os)) ||
      failed(writeKernelFile(kernel, dir, source, text)))
    return failure();

  // build.sh: started by the module's first kernel, one line per kernel.
  bool first = &kernels.getBody()->front() == kernel.getOperation();
  SmallString<256> script(dir);
  llvm::sys::path::append(script, "build.sh");
  std::error_code ec;
  llvm::raw_fd_ostream out(
      script, ec, first ? llvm::sys::fs::OF_Text : llvm::sys::fs::OF_Append);
  if (ec)
    return kernel.emitError()
           << "cannot write '" << script << "': " << ec.message();
  if (first) {
    out << "#!/bin/sh\n"
        << "# Builds the " << dialect->name
        << " kernels Zellige dumped in this folder with the vendor compiler\n"
        << "# (target " << desc.name << ", profile " << getProfileName(options)
        << ", arch " << getArch(options) << ", warp size " << emitter->warpSize
        << ").\n"
        << "set -e\n"
        << "cd \"$(dirname \"$0\")\"\n";
  }
  out << command << "\n";
  out.close();
  if (first)
    llvm::sys::fs::setPermissions(script, llvm::sys::fs::all_read |
                                              llvm::sys::fs::all_exe |
                                              llvm::sys::fs::owner_write);
  return success();
}
