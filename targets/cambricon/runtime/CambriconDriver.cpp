//===- CambriconDriver.cpp - The Cambricon runtime driver -------*- C++ -*-===//
//
// This file implements the "cambricon" runtime driver. Zellige's cambricon
// target is compile-only (docs/vendor-targets.md): the bundle's cambricon
// executable is the exported ONNX graph, which Cambricon MagicMind builds. This
// machine has no Cambricon runtime, so the driver says so, and `zellige run` /
// `zellige devices` report it instead of failing obscurely.
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
      "no Cambricon driver: Zellige's cambricon target is compile-only (it "
      "exports the "
      "ONNX graph for Cambricon MagicMind; see --dump-kernels DIR/README.md)");
}

class CambriconDriver final : public hal::Driver {
public:
  StringRef name() const override { return "cambricon"; }
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
void registerCambriconRuntimeDriver() {
  hal::registerDriver(std::make_unique<CambriconDriver>());
}
} // namespace zellige
