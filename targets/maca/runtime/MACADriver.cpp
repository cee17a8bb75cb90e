//===- MACADriver.cpp - The MACA runtime driver (absent) --------*- C++ -*-===//
//
// This file implements the "maca" runtime driver. Zellige's maca target is
// compile-only (docs/vendor-targets.md): this machine has no MACA runtime, so
// the driver says so, and `zellige run` / `zellige devices` report it
// instead of failing obscurely. The bundle's maca executable is the kernels'
// source, to be built with mxcc.
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
      "no MACA driver: Zellige's maca target is compile-only (it writes MACA "
      "C++ "
      "kernel sources; build them with mxcc, see --dump-kernels DIR/build.sh)");
}

class MACADriver final : public hal::Driver {
public:
  StringRef name() const override { return "maca"; }
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
void registerMACARuntimeDriver() {
  hal::registerDriver(std::make_unique<MACADriver>());
}
} // namespace zellige
