//===- HIPDriver.cpp - The HIP runtime driver (absent) ----------*- C++ -*-===//
//
// This file implements the "hip" runtime driver. Zellige's hip target is
// compile-only (docs/vendor-targets.md): this machine has no HIP runtime, so
// the driver says so, and `zellige run` / `zellige devices` report it
// instead of failing obscurely. The bundle's hip executable is the kernels'
// source, to be built with hipcc.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/HAL.h"

#include "llvm/Support/Error.h"

using namespace llvm;
using namespace zellige;

namespace {
Error noDriver() {
  return createStringError(
      inconvertibleErrorCode(),
      "no HIP driver: Zellige's hip target is compile-only (it writes HIP C++ "
      "kernel sources; build them with hipcc, see --dump-kernels "
      "DIR/build.sh)");
}

class HIPDriver final : public hal::Driver {
public:
  StringRef name() const override { return "hip"; }
  Expected<std::vector<hal::DeviceInfo>> enumerate() override {
    return noDriver();
  }
  Expected<std::unique_ptr<hal::Device>>
  createDevice(unsigned, const hal::DeviceOptions &) override {
    return noDriver();
  }
};
} // namespace

namespace zellige {
void registerHIPRuntimeDriver() {
  hal::registerDriver(std::make_unique<HIPDriver>());
}
} // namespace zellige
