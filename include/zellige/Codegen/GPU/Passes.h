//===- Passes.h - Shared GPU code generation passes -------------*- C++ -*-===//
//
// This file declares the passes and the pipeline that every GPU target runs
// to reach the GPU kernel form (docs/gpu-kernel-form.md).
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CODEGEN_GPU_PASSES_H
#define ZELLIGE_CODEGEN_GPU_PASSES_H

#include "mlir/Pass/Pass.h"

#include <string>

namespace mlir {
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
namespace gpu {
class GPUDialect;
}
namespace linalg {
class LinalgDialect;
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
namespace gpu_codegen {

#define GEN_PASS_DECL
#include "zellige/Codegen/GPU/Passes.h.inc"

/// Function attribute that zellige-gpu-tile-and-distribute leaves for
/// zellige-gpu-promote-operands: `array<i64: loop, step>`, the reduction loop
/// of the thread's contraction whose operand tiles are staged in workgroup
/// memory and the number of its iterations per stage.
inline constexpr llvm::StringLiteral kPromoteAttrName = "zellige.gpu.promote";
/// Function attribute that zellige-gpu-tile-and-distribute leaves on matmul
/// and elementwise dispatches for zellige-gpu-vectorize: the vector width
/// (i64; 1: scalar) of the innermost thread tiles' loads and stores.
inline constexpr llvm::StringLiteral kVectorAttrName = "zellige.gpu.vector";

/// Adds the shared GPU pipeline (`zellige-gpu-codegen`): tile and distribute,
/// bufferize, promote operands to workgroup memory, vectorize, finalize
/// buffers, outline kernels, fold views into loads and stores, and clean up.
/// `profile` names the device profile.
void buildGPUCodegenPipeline(mlir::OpPassManager &pm,
                             const std::string &profile);

} // namespace gpu_codegen

/// Registers the shared GPU passes and the `zellige-gpu-codegen` pipeline.
void registerGPUCodegenPasses();

} // namespace zellige

#endif // ZELLIGE_CODEGEN_GPU_PASSES_H
