//===- Passes.td - Host CPU target passes ------------------*- tablegen -*-===//
//
// This file declares the passes of the host CPU target: tiling and
// vectorization on tensors, workgroup distribution and buffer clean-up after
// bufferization, vector lowering, and the entry points of the object file.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TARGETS_HOST_PASSES_TD
#define ZELLIGE_TARGETS_HOST_PASSES_TD

include "mlir/Pass/PassBase.td"

def HostTileAndVectorize
    : Pass<"zellige-host-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile a dispatch for workgroups and registers, then vectorize";
  let description = [{
    Reads the `kernel.config` attribute of the dispatch function and:
    1. tiles the operation that produces the dispatch's result with an
       `scf.forall` at the workgroup tile sizes (`wg.<loop>` knobs) and fuses
       its producers into it;
    2. tiles the parallel loops again with `scf.for` at the register tile
       sizes (`tile.<loop>` knobs), fusing producers, then tiles the reduction
       loops of every fused operation (matmul K, convolution channels and
       window);
    3. decomposes 2-D convolutions with unit windows into 1-D ones, vectorizes
       every linalg operation it can, and hoists loop-invariant transfers so
       that accumulators live in registers.
    Operations that cannot be vectorized are left as tiled linalg operations.
  }];
  let dependentDialects = [
    "mlir::affine::AffineDialect", "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect", "mlir::vector::VectorDialect"
  ];
  let options = [
    Option<"vectorize", "vectorize", "bool", /*default=*/"true",
           "Vectorize the tiled operations">
  ];
}

def HostDistributeWorkgroups
    : Pass<"zellige-host-distribute-workgroups", "mlir::func::FuncOp"> {
  let summary = "Replace the workgroup scf.forall by the workgroup id";
  let description = [{
    Runs after bufferization. Appends an `index` argument, the workgroup id,
    to the dispatch function, replaces the top-level `scf.forall` by its body
    with the induction variables delinearized from the workgroup id, and
    records the number of workgroups in the `zellige.host.workgroup_count`
    attribute. A dispatch without a distributable forall (or where something
    outside the forall writes a function argument) runs as one workgroup.
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def HostFinalizeBuffers
    : Pass<"zellige-host-finalize-buffers", "mlir::func::FuncOp"> {
  let summary = "Hoist temporaries to the function entry, lower leftovers";
  let description = [{
    Moves every statically shaped `memref.alloc` to the entry block: small
    buffers become `memref.alloca`, large ones are freed before each return.
    Rewrites `memref.copy` as `linalg.copy` and lowers every remaining linalg
    operation (those that could not be vectorized) to `scf.for` loops, so that
    the object needs no runtime library.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
  let options = [
    Option<"maxStackBytes", "max-stack-bytes", "int64_t", /*default=*/"65536",
           "Largest temporary placed on the stack">
  ];
}

def HostLowerVectors
    : Pass<"zellige-host-lower-vectors", "mlir::func::FuncOp"> {
  let summary = "Lower vector operations to forms LLVM handles well";
  let description = [{
    Hoists redundant transfers out of loops, lowers `vector.contract` to
    outer products and FMAs, lowers multi-reductions, transposes, broadcasts
    and masks, unrolls transfers to 1-D, and replaces f32 math functions by
    polynomial approximations.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect"];
}

def HostEmitEntryPoints
    : Pass<"zellige-host-emit-entry-points", "mlir::ModuleOp"> {
  let summary = "Emit the C ABI entry point of every dispatch";
  let description = [{
    Runs on the LLVM dialect. For every dispatch function `@f` (one carrying
    `zellige.host.workgroup_count`, lowered with bare memref pointers and the
    workgroup id last) emits
    `void @f_entry(ptr %bindings, i64 %workgroup_id)` that loads the i-th
    buffer pointer from `bindings[i]` and calls `@f`, makes `@f` internal,
    and records the entry's name in `zellige.host.entry`.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // ZELLIGE_TARGETS_HOST_PASSES_TD
