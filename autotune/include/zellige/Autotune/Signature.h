//===- Signature.h - Kernel signatures --------------------------*- C++ -*-===//
//
// This file declares kernelSignature(): the key under which the tuning
// database stores a dispatch's measurements. Two dispatches with the same
// body, operand and result types and schedule kind share it, whatever their
// names, knob values and locations, so identical dispatches are tuned once.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_AUTOTUNE_SIGNATURE_H
#define ZELLIGE_AUTOTUNE_SIGNATURE_H

#include "dialects/kernel/KernelDialect.h"

#include <string>

namespace zellige {
namespace autotune {

/// xxh3-64 (16 hex digits) of `dispatch` printed in generic form without
/// locations, with its name replaced and its config reduced to the kind.
std::string kernelSignature(kernel::DispatchOp dispatch);

} // namespace autotune
} // namespace zellige

#endif // ZELLIGE_AUTOTUNE_SIGNATURE_H
