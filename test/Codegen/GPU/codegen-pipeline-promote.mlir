// RUN: zellige-opt %s --zellige-gpu-codegen | FileCheck %s

// The shared GPU pipeline with the matmul's operands promoted to workgroup
// memory (16 reduction iterations per step) and 4-wide vectors: the staging
// buffers are workgroup attributions of the kernel, filled by every thread
// of the workgroup between barriers; the thread's outer products read them
// (A as scalars, B as vectors) and accumulate in private memory.

// CHECK:       gpu.func @dispatch_0_matmul(%[[A:.*]]: memref<64x32xf32>, %[[B:.*]]: memref<32x128xf32>, %[[OUT:.*]]: memref<64x128xf32>)
// CHECK-SAME:      workgroup(%[[SA:.*]] : memref<32x16xf32, #gpu.address_space<workgroup>>, %[[SB:.*]] : memref<16x32xf32, #gpu.address_space<workgroup>>)
// CHECK-SAME:      kernel
// CHECK-SAME:      known_block_size = array<i32: 8, 8, 1>
// CHECK-NOT:     memref.alloca() {{.*}}workgroup
// CHECK:         %[[ACC:.*]] = memref.alloca() : memref<4x4xf32>
// CHECK:         scf.for %[[K:.*]] = %c0 to %c32 step %c16 {
// CHECK:           scf.for
// CHECK:             memref.load %[[A]]
// CHECK:             memref.store {{.*}}, %[[SA]]
// CHECK:           scf.for
// CHECK:             memref.load %[[B]]
// CHECK:             memref.store {{.*}}, %[[SB]]
// CHECK:           gpu.barrier
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               memref.load %[[SA]]
// CHECK:               vector.load %[[SB]]{{.*}} : memref<16x32xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK:               vector.store {{.*}}, %[[ACC]]
// CHECK:           gpu.barrier
// CHECK:         }
// CHECK:         vector.load %[[ACC]]
// CHECK:         vector.store {{.*}}, %[[OUT]]
// CHECK:         gpu.return
module @executable {
  func.func @dispatch_0_matmul(%a: memref<64x32xf32>, %b: memref<32x128xf32>, %out: memref<64x128xf32>) attributes {kernel.config = #kernel.config<"matmul", [<"promote" = 1 in [0, 1], "user">, <"ktile.2" = 16 in [1, 2, 4, 8, 16, 32], "user">, <"vector" = 4 in [1, 2, 4], "user">]>} {
    %A = bufferization.to_tensor %a restrict : memref<64x32xf32> to tensor<64x32xf32>
    %B = bufferization.to_tensor %b restrict : memref<32x128xf32> to tensor<32x128xf32>
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<64x128xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x128xf32>) -> tensor<64x128xf32>
    %m = linalg.matmul ins(%A, %B : tensor<64x32xf32>, tensor<32x128xf32>) outs(%f : tensor<64x128xf32>) -> tensor<64x128xf32>
    bufferization.materialize_in_destination %m in restrict writable %out : (tensor<64x128xf32>, memref<64x128xf32>) -> ()
    return
  }
}
