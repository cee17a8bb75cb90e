// RUN: zellige-opt %s --zellige-configure-dispatches | FileCheck %s --check-prefix=DEFAULT
// RUN: zellige-opt %s '--zellige-configure-dispatches=tile-sizes=matmul=2x2' | FileCheck %s --check-prefix=USER
// RUN: not zellige-opt %s '--zellige-configure-dispatches=tile-sizes=matmul=3' 2>&1 | FileCheck %s --check-prefix=ILLEGAL

// The host target fills the matmul's knobs with heuristic values; a
// --tile-sizes override marks the knobs it sets as "user"; an illegal value
// is an error that lists the legal ones.
// DEFAULT-LABEL: func.func @matmul
// DEFAULT: config <"matmul", [{{.*}}<"tile.0" = {{[0-9]+}} in[{{.*}}], "heuristic">
// USER-LABEL: func.func @matmul
// USER: <"tile.0" = 2 in[{{.*}}], "user">, <"tile.1" = 2 in[{{.*}}], "user">
// ILLEGAL: --tile-sizes: 3 is not a legal value of 'tile.0' for dispatch 'dispatch_0_matmul' (legal: 1, 2
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
