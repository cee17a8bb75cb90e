//===- MUSATarget.cpp - The Moore Threads MUSA target -----------*- C++ -*-===//
//
// This file implements the "musa" target: CUDA C++ in the MUSA dialect
// (musa_runtime.h, musa* runtime names) for Moore Threads GPUs, built with
// `mcc -x musa --offload-arch=mp_XX`. The warp size comes from the profile
// (128 on mp_21/mp_22, 32 on mp_31). Compile-only: see docs/vendor-targets.md.
//
//===----------------------------------------------------------------------===//

#include "lib/Codegen/CSource/CUDAFamilyTarget.h"

using namespace llvm;
using namespace zellige;

/// MUSA architectures are mp_XX (mp_21, mp_22, mp_31).
static std::string archOption(StringRef arch) {
  return arch.starts_with("mp_") ? ("--offload-arch=" + arch).str() : "";
}

namespace zellige {
void registerMUSATarget() {
  static const CUDAFamilyDescription desc{
      /*name=*/"musa",
      /*description=*/
      "MUSA C++ source for Moore Threads GPUs (compile-only; build with mcc)",
      /*defaultProfile=*/"mtt-s4000",
      /*defaultArch=*/"mp_22",
      /*extension=*/".mu",
      /*compileCommand=*/"mcc -x musa {arch} -O3 -c {src} -o {obj}",
      /*archOption=*/archOption};
  registerTargetBackend(std::make_unique<CUDAFamilyTarget>(desc));
}
} // namespace zellige
