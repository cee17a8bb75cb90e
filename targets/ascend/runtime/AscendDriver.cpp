//===- AscendDriver.cpp - The Ascend runtime driver (absent) ----*- C++ -*-===//
//
// This file implements the "ascend" runtime driver. Zellige's ascend target is
// compile-only (docs/vendor-targets.md): the bundle's ascend executable is the
// exported ONNX graph, which Huawei's ATC builds. This machine has no
// Ascend runtime, so the driver says so, and `zellige run` / `zellige devices`
// report it instead of failing obscurely.
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
      "no Ascend driver: Zellige's ascend target is compile-only (it exports "
      "the "
      "ONNX graph for Huawei's ATC; see --dump-kernels DIR/README.md)");
}

class AscendDriver final : public hal::Driver {
public:
  StringRef name() const override { return "ascend"; }
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
void registerAscendRuntimeDriver() {
  hal::registerDriver(std::make_unique<AscendDriver>());
}
} // namespace zellige
