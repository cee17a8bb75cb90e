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

    The schedule's other decisions are left on the function for the passes
    after bufferization: `zellige.gpu.promote = array<i64: loop, step>`
    when the operands of the thread's contraction are staged in workgroup
    memory over reduction loop `loop`, `step` iterations at a time (knobs
    `promote`, `ktile.<loop>`), and, on matmuls and elementwise ops,
    `zellige.gpu.vector = N`: the innermost thread tiles load and store
    N-element vectors (knob `vector`; 1: scalars).
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

def GPUPromoteOperands
    : Pass<"zellige-gpu-promote-operands", "mlir::func::FuncOp"> {
  let summary = "Stage contraction operand tiles in workgroup memory";
  let description = [{
    After bufferization, for a function with
    `zellige.gpu.promote = array<i64: loop, step>`: the contraction each
    thread computes (a linalg operation in the thread `scf.forall`) is tiled
    along reduction loop `loop` with an `scf.for` of `step` iterations. Each
    step, the workgroup's threads cooperatively copy the workgroup's tile of
    every input read from a dispatch argument (e.g. A: wg.M x step, B: step x
    wg.N) into a `memref.alloca` in `#gpu.address_space<workgroup>` allocated
    in the workgroup `scf.forall`, then `gpu.barrier`, compute their own
    outputs from workgroup memory, and `gpu.barrier` again. A thread whose
    outputs are not in a buffer of its own accumulates them in one across
    the steps (copied in before, out after).
    zellige-gpu-outline-kernels turns these buffers into workgroup
    attributions. A step that does not divide the loop, or buffers larger
    than the profile's shared memory, are errors.

    ```mlir
    scf.forall (%i, %j) ... {                       // workgroups
      %a = memref.alloca() : memref<32x16xf32, #gpu.address_space<workgroup>>
      scf.forall (%ti, %tj) ... {                   // threads
        scf.for %k = %c0 to %c512 step %c16 {
          scf.for %e = %tid to %c512 step %c256 { ... copy ... }
          gpu.barrier
          linalg.matmul ins(%a_tile, %b_tile ...) outs(%acc ...)
          gpu.barrier
        }
      }
    }
    ```
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::gpu::GPUDialect",
    "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect"
  ];
  let options = [
    Option<"profile", "profile", "std::string", /*default=*/"\"opencl-generic\"",
           "Device profile name or .toml path">
  ];
}

def GPUVectorize : Pass<"zellige-gpu-vectorize", "mlir::func::FuncOp"> {
  let summary = "Vector loads and stores along the innermost thread tiles";
  let description = [{
    After bufferization, for a function with `zellige.gpu.vector = N`
    (N >= 1): each thread's linalg operations become loops (contractions as
    a sequence of outer products, their reduction loops outermost so that
    the innermost loop runs along the output, accumulated in a buffer of the
    thread's own), views fold into plain loads and stores, and, when N > 1,
    every innermost `scf.for` of the thread loop whose trip count N divides
    becomes a loop of step N over vectors: loads and stores
    contiguous along the innermost dimension of their buffer become
    `vector.load` / `vector.store` of N elements, loads that do not depend on
    the loop stay scalar and are broadcast, and elementwise arith and math
    ops work on vectors. A loop with any other access (strided, gathered,
    stored at a location that does not move with the loop, or to a buffer it
    also reads elsewhere) stays scalar. N must be 1, 2, 4, 8 or 16.
  }];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::memref::MemRefDialect", "mlir::scf::SCFDialect",
    "mlir::vector::VectorDialect"
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
    A dispatch without a forall runs as one workgroup of one thread. Each
    `memref.alloca` in `#gpu.address_space<workgroup>` directly in the
    workgroup forall becomes a `workgroup(...)` attribution of the kernel;
    one anywhere else is an error.
  }];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::gpu::GPUDialect",
    "mlir::memref::MemRefDialect"
  ];
}

#endif // ZELLIGE_CODEGEN_GPU_PASSES_TD
