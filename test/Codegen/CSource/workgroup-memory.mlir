// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// Workgroup memory (a 2-D tile and an i1 flag array) and gpu.barrier.

module {
  gpu.module @kernels {
    gpu.func @dispatch_1_transpose(%in: memref<32x32xf32>, %out: memref<32x32xf32>)
        workgroup(%tile: memref<32x33xf32, #gpu.address_space<workgroup>>,
                  %flags: memref<32xi1, #gpu.address_space<workgroup>>)
        kernel attributes {known_block_size = array<i32: 32, 32, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %tx = gpu.thread_id x
      %ty = gpu.thread_id y
      %v = memref.load %in[%ty, %tx] : memref<32x32xf32>
      memref.store %v, %tile[%ty, %tx] : memref<32x33xf32, #gpu.address_space<workgroup>>
      %true = arith.constant true
      memref.store %true, %flags[%tx] : memref<32xi1, #gpu.address_space<workgroup>>
      gpu.barrier
      %f = memref.load %flags[%ty] : memref<32xi1, #gpu.address_space<workgroup>>
      %t = memref.load %tile[%tx, %ty] : memref<32x33xf32, #gpu.address_space<workgroup>>
      %zero = arith.constant 0.0 : f32
      %r = arith.select %f, %t, %zero : f32
      memref.store %r, %out[%ty, %tx] : memref<32x32xf32>
      gpu.return
    }
  }
}

// CHECK-LABEL: // dispatch_1_transpose: workgroup count 1 x 1 x 1, workgroup size 32 x 32 x 1
// CL:          __kernel void __attribute__((reqd_work_group_size(32, 32, 1))) dispatch_1_transpose(__global const float *restrict arg0, __global float *restrict arg1) {
// CL-NEXT:       __local float wg0[1056];
// CL-NEXT:       __local uchar wg1[32];
// CUDA:        extern "C" __global__ void __launch_bounds__(1024) dispatch_1_transpose(const float *__restrict__ arg0, float *__restrict__ arg1) {
// CUDA-NEXT:     __shared__ float wg0[1056];
// CUDA-NEXT:     __shared__ unsigned char wg1[32];
// CHECK:         float v2 = arg0[v1 * 32 + v0];
// CHECK-NEXT:    wg0[v1 * 33 + v0] = v2;
// CL-NEXT:       wg1[v0] = (uchar)true;
// CL-NEXT:       barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
// CUDA-NEXT:     wg1[v0] = (unsigned char)true;
// CUDA-NEXT:     __syncthreads();
// CHECK-NEXT:    bool v3 = (wg1[v1] != 0);
// CHECK-NEXT:    float v4 = wg0[v0 * 33 + v1];
// CHECK-NEXT:    float v5 = v3 ? v4 : 0.0f;
// CHECK-NEXT:    arg1[v1 * 32 + v0] = v5;
