// RUN: zellige-opt %s --zellige-host-codegen | FileCheck %s

// The whole host pipeline reaches the LLVM dialect: vectorized FMAs for the
// matmul and the convolution, vector reductions for the softmax pieces, one
// C ABI entry point per dispatch with its workgroup count.

// CHECK-LABEL: llvm.func internal @matmul
// CHECK-SAME:    zellige.host.workgroup_count = 16 : i64
// CHECK:         llvm.intr.fmuladd{{.*}}vector<16xf32>
// CHECK-LABEL: llvm.func @matmul_entry(%{{.*}}: !llvm.ptr, %{{.*}}: i64)
// CHECK:         llvm.call @matmul(

// CHECK-LABEL: llvm.func internal @conv
// CHECK:         llvm.intr.fmuladd{{.*}}vector<8xf32>
// CHECK-LABEL: llvm.func @conv_entry

// CHECK-LABEL: llvm.func internal @softmax_piece
// CHECK:         llvm.intr.vector.reduce.fmaximum
// CHECK:         llvm.intr.vector.reduce.fadd
// CHECK-LABEL: llvm.func @softmax_piece_entry

#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>
module {
  func.func @matmul(%a: memref<256x128xf32>, %b: memref<128x512xf32>, %bias: memref<512xf32>, %c: memref<256x512xf32>) {
    %cst = arith.constant 0.0 : f32
    %ta = bufferization.to_tensor %a restrict : memref<256x128xf32> to tensor<256x128xf32>
    %tb = bufferization.to_tensor %b restrict : memref<128x512xf32> to tensor<128x512xf32>
    %tbias = bufferization.to_tensor %bias restrict : memref<512xf32> to tensor<512xf32>
    %e = tensor.empty() : tensor<256x512xf32>
    %f = linalg.fill ins(%cst : f32) outs(%e : tensor<256x512xf32>) -> tensor<256x512xf32>
    %m = linalg.matmul ins(%ta, %tb : tensor<256x128xf32>, tensor<128x512xf32>) outs(%f : tensor<256x512xf32>) -> tensor<256x512xf32>
    %r = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%m, %tbias : tensor<256x512xf32>, tensor<512xf32>) outs(%e : tensor<256x512xf32>) {
    ^bb0(%x: f32, %y: f32, %o: f32):
      %s = arith.addf %x, %y : f32
      %z = arith.maximumf %s, %cst : f32
      linalg.yield %z : f32
    } -> tensor<256x512xf32>
    bufferization.materialize_in_destination %r in restrict writable %c : (tensor<256x512xf32>, memref<256x512xf32>) -> ()
    return
  }

  func.func @conv(%x: memref<1x8x18x18xf32>, %w: memref<16x8x3x3xf32>, %y: memref<1x16x16x16xf32>) {
    %cst = arith.constant 0.0 : f32
    %tx = bufferization.to_tensor %x restrict : memref<1x8x18x18xf32> to tensor<1x8x18x18xf32>
    %tw = bufferization.to_tensor %w restrict : memref<16x8x3x3xf32> to tensor<16x8x3x3xf32>
    %e = tensor.empty() : tensor<1x16x16x16xf32>
    %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
    %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%tx, %tw : tensor<1x8x18x18xf32>, tensor<16x8x3x3xf32>) outs(%f : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
    bufferization.materialize_in_destination %c in restrict writable %y : (tensor<1x16x16x16xf32>, memref<1x16x16x16xf32>) -> ()
    return
  }

  func.func @softmax_piece(%x: memref<32x64xf32>, %y: memref<32x64xf32>) {
    %ninf = arith.constant 0xFF800000 : f32
    %zero = arith.constant 0.0 : f32
    %t = bufferization.to_tensor %x restrict : memref<32x64xf32> to tensor<32x64xf32>
    %e0 = tensor.empty() : tensor<32xf32>
    %m0 = linalg.fill ins(%ninf : f32) outs(%e0 : tensor<32xf32>) -> tensor<32xf32>
    %m = linalg.generic {indexing_maps = [#map, #row], iterator_types = ["parallel", "reduction"]} ins(%t : tensor<32x64xf32>) outs(%m0 : tensor<32xf32>) {
    ^bb0(%a: f32, %b: f32):
      %r = arith.maximumf %a, %b : f32
      linalg.yield %r : f32
    } -> tensor<32xf32>
    %e1 = tensor.empty() : tensor<32x64xf32>
    %ex = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel"]} ins(%t, %m : tensor<32x64xf32>, tensor<32xf32>) outs(%e1 : tensor<32x64xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %d = arith.subf %a, %b : f32
      %r = math.exp %d : f32
      linalg.yield %r : f32
    } -> tensor<32x64xf32>
    %s0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<32xf32>) -> tensor<32xf32>
    %s = linalg.generic {indexing_maps = [#map, #row], iterator_types = ["parallel", "reduction"]} ins(%ex : tensor<32x64xf32>) outs(%s0 : tensor<32xf32>) {
    ^bb0(%a: f32, %b: f32):
      %r = arith.addf %a, %b : f32
      linalg.yield %r : f32
    } -> tensor<32xf32>
    %out = linalg.generic {indexing_maps = [#map, #row, #map], iterator_types = ["parallel", "parallel"]} ins(%ex, %s : tensor<32x64xf32>, tensor<32xf32>) outs(%e1 : tensor<32x64xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %r = arith.divf %a, %b : f32
      linalg.yield %r : f32
    } -> tensor<32x64xf32>
    bufferization.materialize_in_destination %out in restrict writable %y : (tensor<32x64xf32>, memref<32x64xf32>) -> ()
    return
  }
}
