// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// A matmul-like kernel: 2-D memrefs, nested scf.for with iter_args, and an
// scf.if with a result.

module {
  gpu.module @kernels {
    gpu.func @dispatch_3_matmul(%a: memref<64x32xf32>, %b: memref<32x16xf32>,
                                %c: memref<64x16xf32>)
        kernel attributes {known_block_size = array<i32: 16, 8, 1>,
                           zellige.workgroup_count = array<i64: 1, 8, 1>} {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %c8 = arith.constant 8 : index
      %c32 = arith.constant 32 : index
      %zero = arith.constant 0.0 : f32
      %tx = gpu.thread_id x
      %ty = gpu.thread_id y
      %by = gpu.block_id y
      %row0 = arith.muli %by, %c8 : index
      %row = arith.addi %row0, %ty : index
      %sum = scf.for %k = %c0 to %c32 step %c1 iter_args(%acc = %zero) -> (f32) {
        %x = memref.load %a[%row, %k] : memref<64x32xf32>
        %y = memref.load %b[%k, %tx] : memref<32x16xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %acc, %p : f32
        scf.yield %s : f32
      }
      // Two iter_args yielded swapped: the yield must not clobber.
      %r:2 = scf.for %i = %c0 to %c2 step %c1 iter_args(%u = %sum, %v = %zero) -> (f32, f32) {
        scf.yield %v, %u : f32, f32
      }
      %pos = arith.cmpf ogt, %r#1, %zero : f32
      %res = scf.if %pos -> (f32) {
        scf.yield %r#1 : f32
      } else {
        %n = arith.negf %r#1 : f32
        scf.yield %n : f32
      }
      memref.store %res, %c[%row, %tx] : memref<64x16xf32>
      gpu.return
    }
  }
}

// CHECK:       // dispatch_3_matmul: workgroup count 1 x 8 x 1, workgroup size 16 x 8 x 1
// CL-NEXT:     __kernel void __attribute__((reqd_work_group_size(16, 8, 1))) dispatch_3_matmul(__global const float *restrict arg0, __global const float *restrict arg1, __global float *restrict arg2) {
// CUDA-NEXT:   extern "C" __global__ void __launch_bounds__(128) dispatch_3_matmul(const float *__restrict__ arg0, const float *__restrict__ arg1, float *__restrict__ arg2) {
// CL-NEXT:       long v0 = (long)get_local_id(0);
// CL-NEXT:       long v1 = (long)get_local_id(1);
// CL-NEXT:       long v2 = (long)get_group_id(1);
// CUDA-NEXT:     long long v0 = (long long)threadIdx.x;
// CUDA-NEXT:     long long v1 = (long long)threadIdx.y;
// CUDA-NEXT:     long long v2 = (long long)blockIdx.y;
// CL-NEXT:       long v3 = v2 * 8L;
// CL-NEXT:       long v4 = v3 + v1;
// CL-NEXT:       float v5 = 0.0f;
// CL-NEXT:       for (long v6 = 0L; v6 < 32L; v6 += 1L) {
// CUDA:          float v5 = 0.0f;
// CUDA-NEXT:     for (long long v6 = 0LL; v6 < 32LL; v6 += 1LL) {
// CHECK-NEXT:      float v7 = arg0[v4 * 32 + v6];
// CHECK-NEXT:      float v8 = arg1[v6 * 16 + v0];
// CHECK-NEXT:      float v9 = v7 * v8;
// CHECK-NEXT:      float v10 = v5 + v9;
// CHECK-NEXT:      v5 = v10;
// CHECK-NEXT:    }
// CHECK-NEXT:    float v11 = v5;
// CHECK-NEXT:    float v12 = 0.0f;
// CHECK-NEXT:    for ({{long|long long}} v13 = {{.*}}; v13 < 2{{L|LL}}; v13 += 1{{L|LL}}) {
// CHECK-NEXT:      float v14 = v12;
// CHECK-NEXT:      float v15 = v11;
// CHECK-NEXT:      v11 = v14;
// CHECK-NEXT:      v12 = v15;
// CHECK-NEXT:    }
// CHECK-NEXT:    bool v16 = v12 > 0.0f;
// CHECK-NEXT:    float v17;
// CHECK-NEXT:    if (v16) {
// CHECK-NEXT:      v17 = v12;
// CHECK-NEXT:    } else {
// CHECK-NEXT:      float v18 = -v12;
// CHECK-NEXT:      v17 = v18;
// CHECK-NEXT:    }
// CHECK-NEXT:    arg2[v4 * 16 + v0] = v17;
// CHECK-NEXT:  }
