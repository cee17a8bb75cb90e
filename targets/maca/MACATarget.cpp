//===- MACATarget.cpp - The MetaX MACA target -------------------*- C++ -*-===//
//
// This file implements the "maca" target: CUDA C++ in the MACA dialect
// (mc_runtime.h, mc* runtime names) for MetaX GPUs such as the C500, built
// with `mxcc -x maca`. MACA takes no PTX, so the source is the executable.
// The warp size (64 on the C500) comes from the profile. Compile-only: see
// docs/vendor-targets.md.
//
//===----------------------------------------------------------------------===//

#include "lib/Codegen/CSource/CUDAFamilyTarget.h"

using namespace llvm;
using namespace zellige;

/// MACA architectures are xcoreNNNN (xcore1000 in public C500 build
/// scripts); any other name (e.g. a product name) leaves mxcc's default.
static std::string archOption(StringRef arch) {
  return arch.starts_with("xcore") ? ("--offload-arch=" + arch).str() : "";
}

namespace zellige {
void registerMACATarget() {
  static const CUDAFamilyDescription desc{
      /*name=*/"maca",
      /*description=*/
      "MACA C++ source for MetaX GPUs (compile-only; build with mxcc)",
      /*defaultProfile=*/"metax-c500",
      /*defaultArch=*/"xcore1000",
      /*extension=*/".maca",
      /*compileCommand=*/
      "mxcc -x maca {arch} -O3 -c {src} -o {obj}",
      /*archOption=*/archOption};
  registerTargetBackend(std::make_unique<CUDAFamilyTarget>(desc));
}
} // namespace zellige
