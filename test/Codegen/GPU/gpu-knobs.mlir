// RUN: zellige-opt %s '--zellige-configure-dispatches=target=opencl' | FileCheck %s
// RUN: zellige-opt %s '--zellige-configure-dispatches=target=opencl profile=%S/Inputs/tiny-shared.toml' | FileCheck %s --check-prefix=TINY

// The GPU schedule's knobs: matmuls get `promote` (0/1), the reduction step
// of promoted operands `ktile.<loop>` (the divisors of K whose A and B tiles
// fit in the profile's shared memory: 32x32 + 32x32 floats per step of 128
// take 32 KiB, the opencl-generic limit; 16 fill the 4 KiB of the tiny
// profile) and `vector` (1, 2 or 4 dividing the innermost loop); elementwise
// ops get `vector`.

// CHECK-LABEL: kernel.dispatch @dispatch_0_matmul
// CHECK-SAME:    <"thread.1" = 4 in[1, 2, 4, 8], "heuristic">
// CHECK-SAME:    <"promote" = 0 in[0, 1], "heuristic">
// CHECK-SAME:    <"ktile.2" = 32 in[1, 2, 4, 8, 16, 32, 64, 128], "heuristic">
// CHECK-SAME:    <"vector" = 1 in[1, 2, 4], "heuristic">
// CHECK-LABEL: kernel.dispatch @dispatch_1_elementwise
// CHECK-SAME:    <"vector" = 1 in[1, 2, 4], "heuristic">
// CHECK-LABEL: kernel.dispatch @dispatch_2_matmul
// CHECK-SAME:    <"ktile.2" = 6 in[1, 2, 6], "heuristic">
// CHECK-SAME:    <"vector" = 1 in[1, 2], "heuristic">
// TINY-LABEL: kernel.dispatch @dispatch_0_matmul
// TINY-SAME:    <"ktile.2" = 16 in[1, 2, 4, 8, 16], "heuristic">
func.func @main(%a: tensor<64x512xf32>, %b: tensor<512x128xf32>, %c: tensor<4x6xf32>, %d: tensor<6x10xf32>) -> (tensor<64x128xf32>, tensor<4x64xf32>, tensor<4x10xf32>) {
  %r = kernel.dispatch @dispatch_0_matmul (%a, %b : tensor<64x512xf32>, tensor<512x128xf32>) config <"generic", []> -> tensor<64x128xf32> {
  ^bb0(%x: tensor<64x512xf32>, %y: tensor<512x128xf32>):
    %cst = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<64x128xf32>
    %z = linalg.fill ins(%cst : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
    %m = linalg.matmul ins(%x, %y : tensor<64x512xf32>, tensor<512x128xf32>) outs(%z : tensor<64x128xf32>) -> tensor<64x128xf32>
    kernel.yield %m : tensor<64x128xf32>
  }
  %s = tensor.extract_slice %r[0, 0] [4, 64] [1, 1] : tensor<64x128xf32> to tensor<4x64xf32>
  %t = kernel.dispatch @dispatch_1_elementwise (%s : tensor<4x64xf32>) config <"generic", []> -> tensor<4x64xf32> {
  ^bb0(%x: tensor<4x64xf32>):
    %e = tensor.empty() : tensor<4x64xf32>
    %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x64xf32>) outs(%e : tensor<4x64xf32>) {
    ^bb0(%in: f32, %o: f32):
      %v = math.exp %in : f32
      linalg.yield %v : f32
    } -> tensor<4x64xf32>
    kernel.yield %g : tensor<4x64xf32>
  }
  // A small matmul: K = 6 has steps 1, 2 and 6 (the candidates are powers of
  // two, plus K itself when small), N = 10 vectors of 1 or 2.
  %u = kernel.dispatch @dispatch_2_matmul (%c, %d : tensor<4x6xf32>, tensor<6x10xf32>) config <"generic", []> -> tensor<4x10xf32> {
  ^bb0(%x: tensor<4x6xf32>, %y: tensor<6x10xf32>):
    %cst = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<4x10xf32>
    %z = linalg.fill ins(%cst : f32) outs(%e : tensor<4x10xf32>) -> tensor<4x10xf32>
    %m = linalg.matmul ins(%x, %y : tensor<4x6xf32>, tensor<6x10xf32>) outs(%z : tensor<4x10xf32>) -> tensor<4x10xf32>
    kernel.yield %m : tensor<4x10xf32>
  }
  return %r, %t, %u : tensor<64x128xf32>, tensor<4x64xf32>, tensor<4x10xf32>
}
