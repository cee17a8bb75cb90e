//===- Passes.td - Zellige graph and dispatch passes -------*- tablegen -*-===//
//
// This file declares the target-independent passes between the linalg level
// and the kernel dialect: elementwise fusion, dispatch formation, knob
// configuration and dispatch outlining.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TRANSFORMS_PASSES_TD
#define ZELLIGE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseElementwise : Pass<"zellige-fuse-elementwise", "mlir::ModuleOp"> {
  let summary = "Fuse elementwise linalg ops into their producers and consumers";
  let description = [{
    Merges chains of elementwise `linalg.generic` ops, and elementwise ops
    into the generics that produce their operands, where the producer has no
    other user, so no value is computed twice.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}

def FormDispatches : Pass<"zellige-form-dispatches", "mlir::ModuleOp"> {
  let summary = "Wrap each fused region in a kernel.dispatch";
  let description = [{
    Groups the linalg and tensor ops of every function into dispatches. A
    dispatch has one root (a contraction, convolution, pooling or reduction),
    the fills, empties and pads that feed it, and the elementwise consumers of
    its result; elementwise chains and data movement with no such root become
    dispatches of their own. Large constants stay outside as operands;
    splats and scalars are cloned in. Reshapes of whole tensors stay outside,
    because they are free views of a buffer. Each dispatch gets an empty
    `#kernel.config` of its kind, which zellige-configure-dispatches fills.
  }];
  let dependentDialects = ["zellige::kernel::KernelDialect"];
}

def ConfigureDispatches : Pass<"zellige-configure-dispatches", "mlir::ModuleOp"> {
  let summary = "Fill each dispatch's knobs for a target";
  let description = [{
    Asks the target for each dispatch's knobs and heuristic values, then
    applies user overrides: `tile-sizes` sets the `tile.<i>` knobs of the
    dispatches it names, and `kernel-config` reads a TOML file whose tables are
    dispatch names or `kind.<kind>` and whose keys are knob names. Knobs that
    already come from a tuning database (source `tuned`) are kept unless
    overridden. An illegal value is an error that lists the legal ones.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Target whose schedule knobs to use">,
    Option<"tileSizes", "tile-sizes", "std::string", /*default=*/"\"\"",
           "Tile sizes: '<dispatch name or kind>=<t0>x<t1>x...' separated by ';'">,
    Option<"kernelConfig", "kernel-config", "std::string", /*default=*/"\"\"",
           "TOML file with knob values per dispatch name or 'kind.<kind>'">,
    Option<"arch", "arch", "std::string", /*default=*/"\"\"",
           "Target architecture (e.g. sm_90); empty: the target's default">,
    Option<"profile", "profile", "std::string", /*default=*/"\"\"",
           "Device profile name or .toml path; empty: the default for arch">,
  ];
  let dependentDialects = ["zellige::kernel::KernelDialect"];
}

def OutlineDispatches : Pass<"zellige-outline-dispatches", "mlir::ModuleOp"> {
  let summary = "Outline each dispatch body as a memref-argument function";
  let description = [{
    Builds the executable module a target receives: one `func.func` per
    dispatch with memref arguments (inputs, then outputs) that reads its
    inputs through `bufferization.to_tensor` and writes its results with
    `bufferization.materialize_in_destination`. The pass appends that module
    as a nested `module @executable` so it can be inspected; the compiler uses
    the same code directly.
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::func::FuncDialect", "mlir::memref::MemRefDialect"];
}

#endif // ZELLIGE_TRANSFORMS_PASSES_TD
