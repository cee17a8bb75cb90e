//===- HIPTarget.cpp - The HIP target (Hygon DCU) ---------------*- C++ -*-===//
//
// This file implements the "hip" target: CUDA C++ in the HIP dialect
// (hip/hip_runtime.h, hip* runtime names) for Hygon DCUs such as the K100,
// built with the DTK's `hipcc --offload-arch=gfx928`. The wavefront size (64)
// comes from the profile. Compile-only: see docs/vendor-targets.md.
//
//===----------------------------------------------------------------------===//

#include "lib/Codegen/CSource/CUDAFamilyTarget.h"

using namespace llvm;
using namespace zellige;

/// HIP architectures are AMDGPU processor names (gfx928 on the K100).
static std::string archOption(StringRef arch) {
  return arch.starts_with("gfx") ? ("--offload-arch=" + arch).str() : "";
}

namespace zellige {
void registerHIPTarget() {
  static const CUDAFamilyDescription desc{
      /*name=*/"hip",
      /*description=*/
      "HIP C++ source for Hygon DCUs (compile-only; build with hipcc)",
      /*defaultProfile=*/"hygon-k100",
      /*defaultArch=*/"gfx928",
      /*extension=*/".hip",
      /*compileCommand=*/
      "hipcc -x hip {arch} -O3 -c {src} -o {obj}",
      /*archOption=*/archOption};
  registerTargetBackend(std::make_unique<CUDAFamilyTarget>(desc));
}
} // namespace zellige
