//===- MUSADriver.cpp - The MUSA runtime driver (absent) --------*- C++ -*-===//
//
// This file implements the "musa" runtime driver. Zellige's musa target is
// compile-only (docs/vendor-targets.md): this machine has no MUSA runtime, so
// the driver says so, and `zellige run` / `zellige devices` report it
// instead of failing obscurely. The bundle's musa executable is the kernels'
// source, to be built with mcc.
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
      "no MUSA driver: Zellige's musa target is compile-only (it writes MUSA "
      "C++ "
      "kernel sources; build them with mcc, see --dump-kernels DIR/build.sh)");
}

class MUSADriver final : public hal::Driver {
public:
  StringRef name() const override { return "musa"; }
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
void registerMUSARuntimeDriver() {
  hal::registerDriver(std::make_unique<MUSADriver>());
}
} // namespace zellige
