// RUN: zellige-opt %s --split-input-file --zellige-host-tile-and-vectorize | FileCheck %s
// RUN: zellige-opt %s --split-input-file --zellige-host-tile-and-vectorize="vectorize=false" | FileCheck %s --check-prefix=TILE

// The heuristic matmul schedule: 64x128 workgroup tiles, 4x16 register
// tiles, K stepped by one with the accumulator carried in a vector.

// CHECK-LABEL: func.func @matmul_bias
// CHECK:         scf.forall ({{.*}}) = (0, 0) to (256, 256) step (64, 128)
// CHECK:           scf.for {{.*}} step %c4
// CHECK:             scf.for {{.*}} step %c16
// CHECK:               scf.for {{.*}} iter_args({{.*}}) -> (vector<4x16xf32>)
// CHECK:                 vector.contract {{.*}} : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
// CHECK:               arith.addf {{.*}} : vector<4x16xf32>
// CHECK:               vector.transfer_write
// CHECK:         tensor.parallel_insert_slice
// TILE-LABEL: func.func @matmul_bias
// TILE:         scf.forall
// TILE:           linalg.fill {{.*}} -> tensor<4x16xf32>
// TILE:           scf.for
// TILE:             linalg.matmul {{.*}} outs({{.*}} : tensor<4x16xf32>) -> tensor<4x16xf32>
// TILE:           linalg.generic
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
func.func @matmul_bias(%a: memref<256x64xf32>, %b: memref<64x256xf32>, %bias: memref<256xf32>, %c: memref<256x256xf32>) {
  %cst = arith.constant 0.0 : f32
  %ta = bufferization.to_tensor %a restrict : memref<256x64xf32> to tensor<256x64xf32>
  %tb = bufferization.to_tensor %b restrict : memref<64x256xf32> to tensor<64x256xf32>
  %tbias = bufferization.to_tensor %bias restrict : memref<256xf32> to tensor<256xf32>
  %e = tensor.empty() : tensor<256x256xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<256x256xf32>) -> tensor<256x256xf32>
  %m = linalg.matmul ins(%ta, %tb : tensor<256x64xf32>, tensor<64x256xf32>) outs(%f : tensor<256x256xf32>) -> tensor<256x256xf32>
  %r = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%m, %tbias : tensor<256x256xf32>, tensor<256xf32>) outs(%e : tensor<256x256xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<256x256xf32>
  bufferization.materialize_in_destination %r in restrict writable %c : (tensor<256x256xf32>, memref<256x256xf32>) -> ()
  return
}

// -----

// Knobs from kernel.config override the heuristic.

// CHECK-LABEL: func.func @matmul_knobs
// CHECK:         scf.forall ({{.*}}) = (0, 0) to (64, 64) step (16, 32)
// CHECK:           scf.for {{.*}} iter_args({{.*}}) -> (vector<2x8xf32>)
// CHECK:             vector.contract {{.*}} : vector<2x4xf32>, vector<4x8xf32> into vector<2x8xf32>
func.func @matmul_knobs(%a: memref<64x32xf32>, %b: memref<32x64xf32>, %c: memref<64x64xf32>)
    attributes {kernel.config = #kernel.config<"matmul", [
      #kernel.knob<"wg.0" = 16 in [16], "user">, #kernel.knob<"wg.1" = 32 in [32], "user">,
      #kernel.knob<"tile.0" = 2 in [2], "user">, #kernel.knob<"tile.1" = 8 in [8], "user">,
      #kernel.knob<"tile.2" = 4 in [4], "user">]>} {
  %cst = arith.constant 0.0 : f32
  %ta = bufferization.to_tensor %a restrict : memref<64x32xf32> to tensor<64x32xf32>
  %tb = bufferization.to_tensor %b restrict : memref<32x64xf32> to tensor<32x64xf32>
  %e = tensor.empty() : tensor<64x64xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<64x64xf32>) -> tensor<64x64xf32>
  %m = linalg.matmul ins(%ta, %tb : tensor<64x32xf32>, tensor<32x64xf32>) outs(%f : tensor<64x64xf32>) -> tensor<64x64xf32>
  bufferization.materialize_in_destination %m in restrict writable %c : (tensor<64x64xf32>, memref<64x64xf32>) -> ()
  return
}

// -----

// Convolutions are tiled to one output row and one window row, decomposed
// into 1-D convolutions and vectorized.

// CHECK-LABEL: func.func @conv
// CHECK:         scf.forall
// CHECK:           vector.contract
// CHECK-NOT:       linalg.conv_2d_nchw_fchw
func.func @conv(%x: memref<1x8x10x10xf32>, %w: memref<16x8x3x3xf32>, %y: memref<1x16x8x8xf32>) {
  %cst = arith.constant 0.0 : f32
  %tx = bufferization.to_tensor %x restrict : memref<1x8x10x10xf32> to tensor<1x8x10x10xf32>
  %tw = bufferization.to_tensor %w restrict : memref<16x8x3x3xf32> to tensor<16x8x3x3xf32>
  %e = tensor.empty() : tensor<1x16x8x8xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%tx, %tw : tensor<1x8x10x10xf32>, tensor<16x8x3x3xf32>) outs(%f : tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  bufferization.materialize_in_destination %c in restrict writable %y : (tensor<1x16x8x8xf32>, memref<1x16x8x8xf32>) -> ()
  return
}

// -----

// A depthwise convolution is stepped one channel at a time; each step is a
// one-channel conv_2d_nchw_fchw, decomposed to 1-D and vectorized along the
// output width: one input row read, then a shuffle picking every other
// column (stride 2) and an FMA per window tap.

// CHECK-LABEL: func.func @depthwise
// CHECK:         scf.forall
// CHECK-NOT:       linalg.depthwise_conv_2d_nchw_chw
// CHECK-NOT:       linalg.conv_
// CHECK:           %[[ROW:.*]] = vector.transfer_read {{.*}} : tensor<2x16x34x34xf32>, vector<17xf32>
// CHECK:           vector.shuffle %[[ROW]], %[[ROW]] [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK:           vector.fma {{.*}} : vector<8xf32>
// CHECK:           vector.shuffle %[[ROW]], %[[ROW]] [1, 3, 5, 7, 9, 11, 13, 15]
// CHECK:           vector.fma {{.*}} : vector<8xf32>
// CHECK:           vector.shuffle %[[ROW]], %[[ROW]] [2, 4, 6, 8, 10, 12, 14, 16]
// CHECK:           vector.fma {{.*}} : vector<8xf32>
// TILE-LABEL: func.func @depthwise
// TILE:         linalg.depthwise_conv_2d_nchw_chw {{.*}} -> tensor<1x1x1x8xf32>
func.func @depthwise(%in: memref<2x16x34x34xf32>, %w: memref<16x3x3xf32>, %b: memref<2x16x16x16xf32>, %out: memref<2x16x16x16xf32>) {
  %x = bufferization.to_tensor %in restrict : memref<2x16x34x34xf32> to tensor<2x16x34x34xf32>
  %f = bufferization.to_tensor %w restrict : memref<16x3x3xf32> to tensor<16x3x3xf32>
  %i = bufferization.to_tensor %b restrict : memref<2x16x16x16xf32> to tensor<2x16x16x16xf32>
  %r = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %f : tensor<2x16x34x34xf32>, tensor<16x3x3xf32>) outs(%i : tensor<2x16x16x16xf32>) -> tensor<2x16x16x16xf32>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<2x16x16x16xf32>, memref<2x16x16x16xf32>) -> ()
  return
}

// -----

// A grouped convolution is stepped one group at a time; each step is a
// plain conv_2d_nchw_fchw on collapsed operands, vectorized into contractions.

// CHECK-LABEL: func.func @grouped
// CHECK:         scf.forall
// CHECK-NOT:       linalg.conv_2d_ngchw_gfchw
// CHECK:           tensor.collapse_shape {{.*}} into tensor<8x8x1x3xf32>
// CHECK:           vector.contract
// CHECK:           tensor.expand_shape
// TILE-LABEL: func.func @grouped
// TILE:         linalg.conv_2d_ngchw_gfchw {{.*}} -> tensor<1x1x8x1x8xf32>
func.func @grouped(%in: memref<2x4x8x18x18xf32>, %w: memref<4x8x8x3x3xf32>, %b: memref<2x4x8x16x16xf32>, %out: memref<2x4x8x16x16xf32>) {
  %x = bufferization.to_tensor %in restrict : memref<2x4x8x18x18xf32> to tensor<2x4x8x18x18xf32>
  %f = bufferization.to_tensor %w restrict : memref<4x8x8x3x3xf32> to tensor<4x8x8x3x3xf32>
  %i = bufferization.to_tensor %b restrict : memref<2x4x8x16x16xf32> to tensor<2x4x8x16x16xf32>
  %r = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %f : tensor<2x4x8x18x18xf32>, tensor<4x8x8x3x3xf32>) outs(%i : tensor<2x4x8x16x16xf32>) -> tensor<2x4x8x16x16xf32>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<2x4x8x16x16xf32>, memref<2x4x8x16x16xf32>) -> ()
  return
}

// -----

// Bool tensors are one byte per element in memory, but LLVM vectors of i1
// are packed bits: operations on i1 stay scalar (tiled linalg).

// CHECK-LABEL: func.func @bool_and
// CHECK-NOT:     vector.transfer_read {{.*}} vector<{{.*}}xi1>
// CHECK:         linalg.generic
// CHECK:           arith.andi {{.*}} : i1
func.func @bool_and(%a: memref<4x16xi1>, %b: memref<4x16xi1>, %out: memref<4x16xi1>) attributes {kernel.config = #kernel.config<"elementwise", []>} {
  %x = bufferization.to_tensor %a restrict : memref<4x16xi1> to tensor<4x16xi1>
  %y = bufferization.to_tensor %b restrict : memref<4x16xi1> to tensor<4x16xi1>
  %e = tensor.empty() : tensor<4x16xi1>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %y : tensor<4x16xi1>, tensor<4x16xi1>) outs(%e : tensor<4x16xi1>) {
  ^bb0(%p: i1, %q: i1, %o: i1):
    %v = arith.andi %p, %q : i1
    linalg.yield %v : i1
  } -> tensor<4x16xi1>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<4x16xi1>, memref<4x16xi1>) -> ()
  return
}
