// RUN: zellige-opt %s --zellige-gpu-codegen | FileCheck %s
// RUN: zellige-opt %s --zellige-gpu-codegen="profile=pocl-cpu" | FileCheck %s

// The whole shared GPU pipeline: a matmul with a bias + relu epilogue ends in
// the GPU kernel form (docs/gpu-kernel-form.md): one gpu.func with its launch
// shape, a thread-private 4x4 accumulator updated with one outer product per
// reduction step (the reduction loop outermost), plain loads and stores on
// the arguments, and no tensors, views, foralls or linalg left.

// CHECK:     module @executable attributes {gpu.container_module}
// CHECK-NOT: func.func
// CHECK:       gpu.module @kernels
// CHECK:         gpu.func @dispatch_0_matmul(%[[A:.*]]: memref<64x32xf32>, %[[B:.*]]: memref<32x128xf32>, %[[BIAS:.*]]: memref<128xf32>, %[[OUT:.*]]: memref<64x128xf32>) kernel
// CHECK-SAME:      known_block_size = array<i32: 8, 8, 1>
// CHECK-SAME:      zellige.workgroup_count = array<i64: 4, 2, 1>
// CHECK-NOT:     tensor.
// CHECK-NOT:     memref.subview
// CHECK-NOT:     scf.forall
// CHECK-NOT:     linalg.
// CHECK-NOT:     vector.
// CHECK:           %[[ACC:.*]] = memref.alloca() {{.*}} : memref<4x4xf32>
// CHECK:           memref.store %{{.*}}, %[[ACC]]
// CHECK:           scf.for %[[K:.*]] = %c0 to %c32 step %c1 {
// CHECK-NEXT:        scf.for %[[I:.*]] = %c0 to %c4 step %c1 {
// CHECK-NEXT:          scf.for %[[J:.*]] = %c0 to %c4 step %c1 {
// CHECK:                 memref.load %[[A]][%{{.*}}, %[[K]]]
// CHECK:                 memref.load %[[B]][%[[K]], %{{.*}}]
// CHECK:                 memref.load %[[ACC]][%[[I]], %[[J]]]
// CHECK:                 arith.mulf
// CHECK:                 arith.addf
// CHECK:                 memref.store %{{.*}}, %[[ACC]][%[[I]], %[[J]]]
// CHECK:           memref.load %[[BIAS]]
// CHECK:           arith.maximumf
// CHECK:           memref.store {{.*}}, %[[OUT]]
// CHECK-NOT:       memref.store {{.*}}, %[[OUT]]
// CHECK:           gpu.return
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
module @executable {
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
}
