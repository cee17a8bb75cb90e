// RUN: zellige-translate --gpu-to-spirv %s | mlir-translate --deserialize-spirv | FileCheck %s

// Vector loads and stores are only known to be aligned to their elements;
// vectors of 8 elements require Vector16; f64 requires Float64.

// CHECK: spirv.module Physical64 OpenCL requires #spirv.vce<v1.0, [Int64, Kernel, Float64, Vector16, Addresses], []>
// CHECK-LABEL: spirv.func @dispatch_5_axpy(
// CHECK: spirv.Load "CrossWorkgroup" %{{.*}} ["Aligned", 4] : vector<4xf32>
// CHECK: spirv.CL.fma {{.*}} : vector<4xf32>
// CHECK: spirv.CL.exp {{.*}} : vector<4xf32>
// CHECK: spirv.Store "CrossWorkgroup" %{{.*}} ["Aligned", 4] : vector<4xf32>
// CHECK: spirv.Load "CrossWorkgroup" %{{.*}} ["Aligned", 8] : vector<4xf64>
// CHECK: spirv.CL.sqrt {{.*}} : vector<4xf64>
// CHECK: spirv.CL.floor {{.*}} : vector<4xf64>
// CHECK: spirv.FRem {{.*}} : vector<4xf64>
// CHECK: spirv.Store "CrossWorkgroup" %{{.*}} ["Aligned", 8] : vector<4xf64>
// CHECK: spirv.Load "CrossWorkgroup" %{{.*}} ["Aligned", 16] : vector<8xf32>
// CHECK: spirv.ExecutionMode @dispatch_5_axpy "LocalSize", 4, 64, 1

module {
  gpu.module @kernels {
    gpu.func @dispatch_5_axpy(%x: memref<64x16xf32>, %y: memref<64x16xf32>,
                              %z: memref<64x16xf64>, %w: memref<64x16xf32>)
        kernel attributes {known_block_size = array<i32: 4, 64, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %tx = gpu.thread_id x
      %ty = gpu.thread_id y
      %c0 = arith.constant 0 : index
      %c4 = arith.constant 4 : index
      %col = arith.muli %tx, %c4 : index
      %a = arith.constant 2.0 : f32
      %av = vector.broadcast %a : f32 to vector<4xf32>
      %xv = vector.load %x[%ty, %col] : memref<64x16xf32>, vector<4xf32>
      %yv = vector.load %y[%ty, %col] : memref<64x16xf32>, vector<4xf32>
      %r = vector.fma %av, %xv, %yv : vector<4xf32>
      %e = math.exp %r : vector<4xf32>
      %m = arith.maximumf %e, %xv : vector<4xf32>
      vector.store %m, %y[%ty, %col] : memref<64x16xf32>, vector<4xf32>
      %d = vector.load %z[%ty, %col] : memref<64x16xf64>, vector<4xf64>
      %s = math.sqrt %d : vector<4xf64>
      %f = math.floor %s : vector<4xf64>
      %g = math.fma %f, %s, %d : vector<4xf64>
      %h = arith.remf %g, %s : vector<4xf64>
      %mn = arith.minnumf %h, %d : vector<4xf64>
      vector.store %mn, %z[%ty, %col] : memref<64x16xf64>, vector<4xf64>
      // An explicit alignment is kept.
      %wv = vector.load %w[%ty, %c0] {alignment = 16} : memref<64x16xf32>, vector<8xf32>
      %wn = arith.negf %wv : vector<8xf32>
      vector.store %wn, %w[%ty, %c0] {alignment = 16} : memref<64x16xf32>, vector<8xf32>
      gpu.return
    }
  }
}
