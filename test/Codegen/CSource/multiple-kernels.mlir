// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// Every kernel of the gpu.module goes into one translation unit, in order,
// sharing the prelude. Also: the remaining gpu index ops, an i32 loop with
// an unsigned comparison, an scf.if without else, and a kernel without
// known_block_size (no launch attribute).

module {
  gpu.module @kernels {
    gpu.func @dispatch_0_first(%x: memref<8xf32>)
        kernel attributes {known_block_size = array<i32: 8, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %tx = gpu.thread_id x
      %v = memref.load %x[%tx] : memref<8xf32>
      %m = arith.minimumf %v, %v : f32
      memref.store %m, %x[%tx] : memref<8xf32>
      gpu.return
    }
    gpu.func @dispatch_1_second(%x: memref<8xf32>, %n: memref<1xi32>) kernel {
      %gid = gpu.global_id y
      %bd = gpu.block_dim z
      %gd = gpu.grid_dim x
      %s = arith.addi %bd, %gd : index
      %c0 = arith.constant 0 : index
      %lim = memref.load %n[%c0] : memref<1xi32>
      %lo = arith.constant 0 : i32
      %one = arith.constant 1 : i32
      scf.for unsigned %i = %lo to %lim step %one : i32 {
        %big = arith.cmpi sgt, %s, %gid : index
        scf.if %big {
          %v = memref.load %x[%c0] : memref<8xf32>
          %m = arith.minimumf %v, %v : f32
          memref.store %m, %x[%c0] : memref<8xf32>
        }
      }
      gpu.return
    }
  }
}

// CHECK:        zlg_minimumf_f32
// CHECK-NOT:    zlg_minimumf_f32(float a
// CHECK-LABEL:  // dispatch_0_first: workgroup count 1 x 1 x 1, workgroup size 8 x 1 x 1
// CHECK:        }
// CHECK-EMPTY:
// CHECK-NEXT:   // dispatch_1_second
// CL-NEXT:      __kernel void dispatch_1_second(__global float *restrict arg0, __global const int *restrict arg1) {
// CL-NEXT:        long v0 = (long)get_global_id(1);
// CL-NEXT:        long v1 = (long)get_local_size(2);
// CL-NEXT:        long v2 = (long)get_num_groups(0);
// CUDA-NEXT:    extern "C" __global__ void dispatch_1_second(float *__restrict__ arg0, const int *__restrict__ arg1) {
// CUDA-NEXT:      long long v0 = (long long)blockIdx.y * blockDim.y + threadIdx.y;
// CUDA-NEXT:      long long v1 = (long long)blockDim.z;
// CUDA-NEXT:      long long v2 = (long long)gridDim.x;
// CHECK-NEXT:     [[IDX:long|long long]] v3 = v1 + v2;
// CHECK-NEXT:     int v4 = arg1[0];
// CL-NEXT:        for (int v5 = 0; (uint)v5 < (uint)v4; v5 += 1) {
// CUDA-NEXT:      for (int v5 = 0; (unsigned int)v5 < (unsigned int)v4; v5 += 1) {
// CHECK-NEXT:       bool v6 = v3 > v0;
// CHECK-NEXT:       if (v6) {
// CHECK-NEXT:         float v7 = arg0[0];
// CHECK-NEXT:         float v8 = zlg_minimumf_f32(v7, v7);
// CHECK-NEXT:         arg0[0] = v8;
// CHECK-NEXT:       }
// CHECK-NEXT:     }
// CHECK-NEXT:   }
