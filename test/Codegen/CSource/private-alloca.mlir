// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// Per-thread scratch: memref.alloca becomes a private array.

module {
  gpu.module @kernels {
    gpu.func @dispatch_2_reverse(%in: memref<64x4xi32>, %out: memref<64x4xi32>)
        kernel attributes {known_block_size = array<i32: 64, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c3 = arith.constant 3 : index
      %c4 = arith.constant 4 : index
      %tx = gpu.thread_id x
      %scratch = memref.alloca() : memref<2x4xi32>
      scf.for %i = %c0 to %c4 step %c1 {
        %v = memref.load %in[%tx, %i] : memref<64x4xi32>
        %j = arith.subi %c3, %i : index
        memref.store %v, %scratch[%c1, %j] : memref<2x4xi32>
      }
      scf.for %i = %c0 to %c4 step %c1 {
        %v = memref.load %scratch[%c1, %i] : memref<2x4xi32>
        memref.store %v, %out[%tx, %i] : memref<64x4xi32>
      }
      gpu.return
    }
  }
}

// CHECK-LABEL: // dispatch_2_reverse: workgroup count 1 x 1 x 1, workgroup size 64 x 1 x 1
// CL:          dispatch_2_reverse(__global const int *restrict arg0, __global int *restrict arg1) {
// CUDA:        dispatch_2_reverse(const int *__restrict__ arg0, int *__restrict__ arg1) {
// CHECK-NEXT:    [[TX:v[0-9]+]] = {{.*}}
// CHECK-NEXT:    int [[SCRATCH:v[0-9]+]][8];
// CHECK-NEXT:    for ([[IDX:long|long long]] [[I:v[0-9]+]] = 0{{L+}}; [[I]] < 4{{L+}}; [[I]] += 1{{L+}}) {
// CHECK-NEXT:      int [[V:v[0-9]+]] = arg0[[[TX]] * 4 + [[I]]];
// CHECK-NEXT:      [[IDX]] [[J:v[0-9]+]] = 3{{L+}} - [[I]];
// CHECK-NEXT:      [[SCRATCH]][[[J]] + 4] = [[V]];
// CHECK-NEXT:    }
// CHECK-NEXT:    for ([[IDX]] [[I2:v[0-9]+]] = 0{{L+}}; [[I2]] < 4{{L+}}; [[I2]] += 1{{L+}}) {
// CHECK-NEXT:      int [[V2:v[0-9]+]] = [[SCRATCH]][[[I2]] + 4];
// CHECK-NEXT:      arg1[[[TX]] * 4 + [[I2]]] = [[V2]];
// CHECK-NEXT:    }
// CHECK-NEXT:  }
