// RUN: zellige-opt %s --split-input-file --zellige-gpu-tile-and-distribute | FileCheck %s
// RUN: zellige-opt %s --split-input-file '--zellige-gpu-tile-and-distribute=profile=%S/Inputs/tiny-shared.toml' | FileCheck %s --check-prefix=TINY

// The promotion and vector knobs are left on the dispatch function for the
// passes after bufferization: the reduction loop (2) and its step, and the
// vector width. A step whose tiles do not fit in shared memory is halved
// until they do (32x32 + 32x32 floats by 128 take 32 KiB; the tiny profile
// has 4 KiB: 16).

// CHECK-LABEL: func.func @dispatch_0_matmul
// CHECK-SAME:    zellige.gpu.promote = array<i64: 2, 128>
// CHECK-SAME:    zellige.gpu.vector = 4 : i64
// TINY-LABEL: func.func @dispatch_0_matmul
// TINY-SAME:    zellige.gpu.promote = array<i64: 2, 16>
func.func @dispatch_0_matmul(%a: memref<64x256xf32>, %b: memref<256x128xf32>, %out: memref<64x128xf32>) attributes {kernel.config = #kernel.config<"matmul", [<"promote" = 1 in [0, 1], "user">, <"ktile.2" = 128 in [1, 2, 4, 8, 16, 32, 64, 128], "user">, <"vector" = 4 in [1, 2, 4], "user">]>} {
  %A = bufferization.to_tensor %a restrict : memref<64x256xf32> to tensor<64x256xf32>
  %B = bufferization.to_tensor %b restrict : memref<256x128xf32> to tensor<256x128xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %m = linalg.matmul ins(%A, %B : tensor<64x256xf32>, tensor<256x128xf32>) outs(%f : tensor<64x128xf32>) -> tensor<64x128xf32>
  bufferization.materialize_in_destination %m in restrict writable %out : (tensor<64x128xf32>, memref<64x128xf32>) -> ()
  return
}

// -----

// Without promotion there is no promote attribute; the vector width divides
// the thread tile of the innermost loop (2 here).

// CHECK-LABEL: func.func @dispatch_1_matmul
// CHECK-SAME:    "user">]>, zellige.gpu.vector = 2 : i64} {
// CHECK:         scf.forall {{.*}} step (4, 2)
func.func @dispatch_1_matmul(%a: memref<64x32xf32>, %b: memref<32x128xf32>, %out: memref<64x128xf32>) attributes {kernel.config = #kernel.config<"matmul", [<"promote" = 0 in [0, 1], "user">, <"thread.1" = 2 in [1, 2, 4, 8], "user">, <"vector" = 4 in [1, 2, 4], "user">]>} {
  %A = bufferization.to_tensor %a restrict : memref<64x32xf32> to tensor<64x32xf32>
  %B = bufferization.to_tensor %b restrict : memref<32x128xf32> to tensor<32x128xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
  %m = linalg.matmul ins(%A, %B : tensor<64x32xf32>, tensor<32x128xf32>) outs(%f : tensor<64x128xf32>) -> tensor<64x128xf32>
  bufferization.materialize_in_destination %m in restrict writable %out : (tensor<64x128xf32>, memref<64x128xf32>) -> ()
  return
}

// -----

// Reductions have no vector knob and get no attribute.

// CHECK-LABEL: func.func @dispatch_2_reduction
// CHECK-NOT:     zellige.gpu
// CHECK:         scf.forall
func.func @dispatch_2_reduction(%in: memref<64x32xf32>, %out: memref<64xf32>) attributes {kernel.config = #kernel.config<"reduction", []>} {
  %x = bufferization.to_tensor %in restrict : memref<64x32xf32> to tensor<64x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %r = linalg.reduce ins(%x : tensor<64x32xf32>) outs(%f : tensor<64xf32>) dimensions = [1]
    (%a: f32, %acc: f32) {
      %s = arith.addf %a, %acc : f32
      linalg.yield %s : f32
    }
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<64xf32>, memref<64xf32>) -> ()
  return
}
