// RUN: zellige-opt %s --split-input-file --zellige-gpu-tile-and-distribute | FileCheck %s
// RUN: zellige-opt %s --split-input-file --zellige-gpu-tile-and-distribute="profile=nvidia-sm90" | FileCheck %s --check-prefix=SM90
// RUN: not zellige-opt %s --split-input-file --zellige-gpu-tile-and-distribute="profile=no-such-chip" 2>&1 | FileCheck %s --check-prefix=BADPROFILE

// The matmul gets 32x32 workgroup tiles with 4x4 outputs per thread (8x8
// threads); the bias + relu consumer is the anchor, and the matmul and fill
// are fused into both loop levels.

// CHECK-LABEL: func.func @dispatch_0_matmul
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (64, 128) step (32, 32)
// CHECK:           scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (32, 32) step (4, 4)
// CHECK:             linalg.fill {{.*}} -> tensor<4x4xf32>
// CHECK:             linalg.matmul {{.*}} -> tensor<4x4xf32>
// CHECK:             linalg.generic
// CHECK:           } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
// CHECK:         } {mapping = [#gpu.block<y>, #gpu.block<x>]}
// SM90-LABEL: func.func @dispatch_0_matmul
// SM90:         scf.forall {{.*}} step (32, 32)
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
// BADPROFILE: error: unknown device profile 'no-such-chip' (built in: {{.*}}nvidia-sm80, nvidia-sm90, opencl-generic, pocl-cpu{{.*}}; or give a path to a .toml file)
  func.func @dispatch_0_matmul(%a: memref<64x32xf32>, %b: memref<32x128xf32>, %bias: memref<128xf32>, %out: memref<64x128xf32>) attributes {kernel.config = #kernel.config<"matmul", []>} {
    %A = bufferization.to_tensor %a restrict : memref<64x32xf32> to tensor<64x32xf32>
    %B = bufferization.to_tensor %b restrict : memref<32x128xf32> to tensor<32x128xf32>
    %C = bufferization.to_tensor %bias restrict : memref<128xf32> to tensor<128xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<64x128xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
    %m = linalg.matmul ins(%A, %B : tensor<64x32xf32>, tensor<32x128xf32>) outs(%f : tensor<64x128xf32>) -> tensor<64x128xf32>
    %r = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %C : tensor<64x128xf32>, tensor<128xf32>) outs(%e : tensor<64x128xf32>) {
    ^bb0(%x: f32, %y: f32, %o: f32):
      %s = arith.addf %x, %y : f32
      %t = arith.maximumf %s, %zero : f32
      linalg.yield %t : f32
    } -> tensor<64x128xf32>
    bufferization.materialize_in_destination %r in restrict writable %out : (tensor<64x128xf32>, memref<64x128xf32>) -> ()
    return
  }

// -----

// Knobs from kernel.config override the heuristic: a 16-wide workgroup tile
// with 4 elements per thread along the innermost loop.

#id2 = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @dispatch_1_elementwise
// CHECK:         scf.forall (%{{.*}}) = (0) to (64) step (16)
// CHECK:           scf.forall (%{{.*}}) = (0) to (16) step (4)
// CHECK:             math.exp {{.*}}
// CHECK:           } {mapping = [#gpu.thread<x>]}
// CHECK:         } {mapping = [#gpu.block<x>]}
func.func @dispatch_1_elementwise(%in: memref<1x64xf32>, %out: memref<1x64xf32>) attributes {kernel.config = #kernel.config<"elementwise", [<"wg.1" = 16 in [1, 2, 4, 8, 16, 32, 64], "user">, <"thread.1" = 4 in [1, 2, 4, 8], "user">]>} {
  %x = bufferization.to_tensor %in restrict : memref<1x64xf32> to tensor<1x64xf32>
  %e = tensor.empty() : tensor<1x64xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<1x64xf32>) outs(%e : tensor<1x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = math.exp %a : f32
    linalg.yield %v : f32
  } -> tensor<1x64xf32>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<1x64xf32>, memref<1x64xf32>) -> ()
  return
}

// -----

// A splat constant read by the generic becomes a scalar in its body; the
// operand, which alone bounds the reduction loop, becomes a tensor.empty
// (no constant buffer is left for bufferization to make a memref.global of).

#red_in = affine_map<(d0, d1) -> (d1)>
#red_out = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @dispatch_2_reduction
// CHECK-NOT:     arith.constant dense
// CHECK:         arith.constant 1 : i64
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.*}} : tensor<{{.*}}xi64>)
// CHECK:           arith.addi %{{.*}}, %c1_i64
func.func @dispatch_2_reduction(%out: memref<2xi64>) attributes {kernel.config = #kernel.config<"reduction", []>} {
  %ones = arith.constant dense<1> : tensor<2xi64>
  %zero = arith.constant 0 : i64
  %e = tensor.empty() : tensor<2xi64>
  %init = linalg.fill ins(%zero : i64) outs(%e : tensor<2xi64>) -> tensor<2xi64>
  %r = linalg.generic {indexing_maps = [#red_in, #red_out], iterator_types = ["parallel", "reduction"]} ins(%ones : tensor<2xi64>) outs(%init : tensor<2xi64>) {
  ^bb0(%a: i64, %o: i64):
    %s = arith.addi %o, %a : i64
    linalg.yield %s : i64
  } -> tensor<2xi64>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<2xi64>, memref<2xi64>) -> ()
  return
}

// -----

// A splat constant another operation reads (here a copy) becomes a fill.

// CHECK-LABEL: func.func @dispatch_3_elementwise
// CHECK-NOT:     arith.constant dense
// CHECK:         linalg.fill ins(%{{.*}} : i64)
func.func @dispatch_3_elementwise(%out: memref<8xi64>) attributes {kernel.config = #kernel.config<"elementwise", []>} {
  %sevens = arith.constant dense<7> : tensor<8xi64>
  %e = tensor.empty() : tensor<8xi64>
  %r = linalg.copy ins(%sevens : tensor<8xi64>) outs(%e : tensor<8xi64>) -> tensor<8xi64>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<8xi64>, memref<8xi64>) -> ()
  return
}
