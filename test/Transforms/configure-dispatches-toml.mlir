// RUN: zellige-opt %s '--zellige-configure-dispatches=kernel-config=%S/Inputs/knobs.toml' | FileCheck %s
// RUN: not zellige-opt %s '--zellige-configure-dispatches=kernel-config=%S/Inputs/bad-knob.toml' 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not zellige-opt %s '--zellige-configure-dispatches=kernel-config=%S/Inputs/missing.toml' 2>&1 | FileCheck %s --check-prefix=MISSING

// A TOML knob file sets knobs by dispatch name and by kind.
// CHECK-LABEL: func.func @matmul
// CHECK: <"tile.0" = 2 in[{{.*}}], "user">, <"tile.1" = 2 in[{{.*}}], "user">
// UNKNOWN: bad-knob.toml: dispatch 'dispatch_0_matmul' has no knob 'no_such_knob'
// MISSING: missing.toml
func.func @matmul(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %r = kernel.dispatch @dispatch_0_matmul (%a, %b : tensor<4x8xf32>, tensor<8x16xf32>)
      config <"matmul", [<"tile.0" = 1 in[1], "heuristic">]> -> tensor<4x16xf32> {
  ^bb0(%x: tensor<4x8xf32>, %y: tensor<8x16xf32>):
    %cst = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<4x16xf32>
    %z = linalg.fill ins(%cst : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
    %m = linalg.matmul ins(%x, %y : tensor<4x8xf32>, tensor<8x16xf32>) outs(%z : tensor<4x16xf32>) -> tensor<4x16xf32>
    kernel.yield %m : tensor<4x16xf32>
  }
  return %r : tensor<4x16xf32>
}
