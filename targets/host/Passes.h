//===- Passes.h - Host CPU target passes ------------------------*- C++ -*-===//
//
// This file declares the passes and the pass pipeline of the host CPU target.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TARGETS_HOST_PASSES_H
#define ZELLIGE_TARGETS_HOST_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class DialectRegistry;
class OpPassManager;
namespace affine {
class AffineDialect;
}
namespace arith {
class ArithDialect;
}
namespace func {
class FuncOp;
}
namespace linalg {
class LinalgDialect;
}
namespace LLVM {
class LLVMDialect;
}
namespace math {
class MathDialect;
}
namespace memref {
class MemRefDialect;
}
namespace scf {
class SCFDialect;
}
namespace tensor {
class TensorDialect;
}
namespace vector {
class VectorDialect;
}
} // namespace mlir

namespace zellige {
namespace host {

#define GEN_PASS_DECL
#include "targets/host/Passes.h.inc"

/// Name of the function attribute holding the number of workgroups.
inline constexpr llvm::StringLiteral kWorkgroupCountAttr =
    "zellige.host.workgroup_count";
/// Name of the function attribute holding the entry point's symbol.
inline constexpr llvm::StringLiteral kEntryAttr = "zellige.host.entry";

/// Adds the whole host pipeline, from the executable module on tensors to the
/// LLVM dialect with entry points (`zellige-host-codegen`).
void buildHostCodegenPipeline(mlir::OpPassManager &pm);

/// Adds the dialects and the external interface models (bufferization,
/// tiling, subsets, value bounds, LLVM IR translation) the host pipeline
/// needs, for tools that do not register everything.
void registerHostDialects(mlir::DialectRegistry &registry);

/// Registers the host passes and the `zellige-host-codegen` pipeline.
void registerHostPassesAndPipelines();

} // namespace host
} // namespace zellige

#endif // ZELLIGE_TARGETS_HOST_PASSES_H
