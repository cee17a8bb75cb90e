//===- Passes.td - Shared GPU code generation passes -------*- tablegen -*-===//
//
// This file declares the passes every GPU target runs to turn the executable
// module (one function per dispatch, on tensors) into the GPU kernel form
// (docs/gpu-kernel-form.md).
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CODEGEN_GPU_PASSES_TD
#define ZELLIGE_CODEGEN_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def GPUTileAndDistribute
    : Pass<"zellige-gpu-tile-and-distribute", "mlir::func::FuncOp"> {
  let summary = "Tile a dispatch to workgroups, then to threads";
  let description = [{
    Reads the `kernel.config` attribute of the dispatch function and the
    device profile, then tiles the operation producing the dispatch's result
    twice with `scf.forall`: at the workgroup tiles (`wg.<loop>` knobs,
    mapped to `#gpu.block<x|y|z>`) and, inside, at the thread tiles
    (`thread.<loop>` knobs, mapped to `#gpu.thread<x|y|z>`), fusing its
    producers at both levels. The innermost distributed loop maps to x.
  }];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::gpu::GPUDialect", "mlir::linalg::LinalgDialect",
    "mlir::scf::SCFDialect", "mlir::tensor::TensorDialect"
  ];
  let options = [
    Option<"profile", "profile", "std::string", /*default=*/"\"opencl-generic\"",
           "Device profile name or .toml path">
  ];
}

def GPUFinalizeBuffers
    : Pass<"zellige-gpu-finalize-buffers", "mlir::func::FuncOp"> {
  let summary = "Private temporaries, and loops for the linalg leftovers";
  let description = [{
    After bufferization: temporaries allocated inside the thread loop become
    per-thread `memref.alloca` buffers, `memref.copy` becomes a loop nest, and
    every remaining linalg operation is lowered to `scf.for` loops. A
    temporary shared by the whole dispatch cannot live in a kernel and is an
    error naming the dispatch.
  }];
  let dependentDialects = [
    "mlir::linalg::LinalgDialect", "mlir::memref::MemRefDialect",
    "mlir::scf::SCFDialect"
  ];
}

def GPUOutlineKernels : Pass<"zellige-gpu-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Turn each distributed dispatch function into a gpu.func";
  let description = [{
    Moves every dispatch function into `gpu.module @kernels` as a
    `gpu.func ... kernel`: the workgroup `scf.forall` becomes
    `gpu.block_id`-indexed code, the thread `scf.forall` `gpu.thread_id`-
    indexed code. The kernel records its workgroup size in
    `known_block_size` and its workgroup count in `zellige.workgroup_count`.
    A dispatch without a forall runs as one workgroup of one thread.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::gpu::GPUDialect",
    "mlir::memref::MemRefDialect"
  ];
}

#endif // ZELLIGE_CODEGEN_GPU_PASSES_TD
