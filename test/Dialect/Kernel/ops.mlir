// RUN: zellige-opt %s | zellige-opt | FileCheck %s

// CHECK-LABEL: func.func @matmul_dispatch
// CHECK: kernel.dispatch @dispatch_0_matmul (%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x2xf32>) config <"matmul", [<"tile.0" = 2 in[1, 2, 4], "heuristic">, <"tile.1" = 2 in[1, 2], "user">]>
// CHECK: kernel.yield %{{.*}} : tensor<4x2xf32>
func.func @matmul_dispatch(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>) -> tensor<4x2xf32> {
  %r = kernel.dispatch @dispatch_0_matmul (%a, %b : tensor<4x8xf32>, tensor<8x2xf32>)
      config <"matmul", [<"tile.0" = 2 in [1, 2, 4], "heuristic">,
                                       <"tile.1" = 2 in [1, 2], "user">]> -> tensor<4x2xf32> {
  ^bb0(%x: tensor<4x8xf32>, %y: tensor<8x2xf32>):
    %cst = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<4x2xf32>
    %z = linalg.fill ins(%cst : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
    %m = linalg.matmul ins(%x, %y : tensor<4x8xf32>, tensor<8x2xf32>) outs(%z : tensor<4x2xf32>) -> tensor<4x2xf32>
    kernel.yield %m : tensor<4x2xf32>
  }
  return %r : tensor<4x2xf32>
}


// A dispatch with no knobs round-trips with an empty list; a knob may also be
// written with its #kernel.knob prefix.
// CHECK-LABEL: func.func @no_knobs
// CHECK: config <"generic", []>
// CHECK: config <"elementwise", [<"tile.0" = 4 in[4], "tuned">]>
func.func @no_knobs(%x: tensor<8xf32>) -> tensor<8xf32> {
  %r = kernel.dispatch @dispatch_0_generic (%x : tensor<8xf32>) config <"generic", []> -> tensor<8xf32> {
  ^bb0(%a: tensor<8xf32>):
    kernel.yield %a : tensor<8xf32>
  }
  %s = kernel.dispatch @dispatch_1_elementwise (%r : tensor<8xf32>) config <"elementwise", [#kernel.knob<"tile.0" = 4 in [4], "tuned">]> -> tensor<8xf32> {
  ^bb0(%a: tensor<8xf32>):
    kernel.yield %a : tensor<8xf32>
  }
  return %s : tensor<8xf32>
}
