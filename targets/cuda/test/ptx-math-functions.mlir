// RUN: zellige-translate --gpu-to-ptx %s | FileCheck %s

// Every math function of the GPU kernel form, on f32 and on f16 (computed in
// f32), lowers without a single call: NVPTX instructions for the native ones,
// polynomial approximations for the rest.

// CHECK-LABEL: .visible .entry dispatch_7_math_f32(
// CHECK: cvt.rmi.f32.f32
// CHECK: ret;
// CHECK-LABEL: .visible .entry dispatch_8_math_f16(
// CHECK: cvt.f32.f16
// CHECK: cvt.rn.f16.f32
// CHECK: ret;
// CHECK-NOT: call
// CHECK-NOT: __nv_

module {
  gpu.module @kernels {
    gpu.func @dispatch_7_math_f32(%a: memref<64xf32>, %out: memref<64x40xf32>, %flags: memref<64x2xi1>)
        kernel attributes {known_block_size = array<i32: 64, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %i = gpu.thread_id x
      %x = memref.load %a[%i] : memref<64xf32>
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %c3 = arith.constant 3 : index
      %c4 = arith.constant 4 : index
      %c5 = arith.constant 5 : index
      %c6 = arith.constant 6 : index
      %c7 = arith.constant 7 : index
      %c8 = arith.constant 8 : index
      %c9 = arith.constant 9 : index
      %c10 = arith.constant 10 : index
      %c11 = arith.constant 11 : index
      %c12 = arith.constant 12 : index
      %c13 = arith.constant 13 : index
      %c14 = arith.constant 14 : index
      %c15 = arith.constant 15 : index
      %c16 = arith.constant 16 : index
      %c17 = arith.constant 17 : index
      %c18 = arith.constant 18 : index
      %c19 = arith.constant 19 : index
      %c20 = arith.constant 20 : index
      %c21 = arith.constant 21 : index
      %c22 = arith.constant 22 : index
      %c23 = arith.constant 23 : index
      %c24 = arith.constant 24 : index
      %c25 = arith.constant 25 : index
      %c26 = arith.constant 26 : index
      %c27 = arith.constant 27 : index
      %c28 = arith.constant 28 : index
      %c29 = arith.constant 29 : index
      %c30 = arith.constant 30 : index
      %c31 = arith.constant 31 : index
      %v0 = math.exp %x : f32
      memref.store %v0, %out[%i, %c0] : memref<64x40xf32>
      %v1 = math.exp2 %x : f32
      memref.store %v1, %out[%i, %c1] : memref<64x40xf32>
      %v2 = math.log %x : f32
      memref.store %v2, %out[%i, %c2] : memref<64x40xf32>
      %v3 = math.log2 %x : f32
      memref.store %v3, %out[%i, %c3] : memref<64x40xf32>
      %v4 = math.log1p %x : f32
      memref.store %v4, %out[%i, %c4] : memref<64x40xf32>
      %v5 = math.sqrt %x : f32
      memref.store %v5, %out[%i, %c5] : memref<64x40xf32>
      %v6 = math.rsqrt %x : f32
      memref.store %v6, %out[%i, %c6] : memref<64x40xf32>
      %v7 = math.tanh %x : f32
      memref.store %v7, %out[%i, %c7] : memref<64x40xf32>
      %v8 = math.erf %x : f32
      memref.store %v8, %out[%i, %c8] : memref<64x40xf32>
      %v9 = math.powf %x, %v0 : f32
      memref.store %v9, %out[%i, %c9] : memref<64x40xf32>
      %v10 = math.absf %x : f32
      memref.store %v10, %out[%i, %c10] : memref<64x40xf32>
      %v11 = math.floor %x : f32
      memref.store %v11, %out[%i, %c11] : memref<64x40xf32>
      %v12 = math.ceil %x : f32
      memref.store %v12, %out[%i, %c12] : memref<64x40xf32>
      %v13 = math.round %x : f32
      memref.store %v13, %out[%i, %c13] : memref<64x40xf32>
      %v14 = math.roundeven %x : f32
      memref.store %v14, %out[%i, %c14] : memref<64x40xf32>
      %v15 = math.trunc %x : f32
      memref.store %v15, %out[%i, %c15] : memref<64x40xf32>
      %v16 = math.sin %x : f32
      memref.store %v16, %out[%i, %c16] : memref<64x40xf32>
      %v17 = math.cos %x : f32
      memref.store %v17, %out[%i, %c17] : memref<64x40xf32>
      %v18 = math.tan %x : f32
      memref.store %v18, %out[%i, %c18] : memref<64x40xf32>
      %v19 = math.atan %x : f32
      memref.store %v19, %out[%i, %c19] : memref<64x40xf32>
      %v20 = math.atan2 %x, %v0 : f32
      memref.store %v20, %out[%i, %c20] : memref<64x40xf32>
      %v21 = math.asin %x : f32
      memref.store %v21, %out[%i, %c21] : memref<64x40xf32>
      %v22 = math.acos %x : f32
      memref.store %v22, %out[%i, %c22] : memref<64x40xf32>
      %v23 = math.sinh %x : f32
      memref.store %v23, %out[%i, %c23] : memref<64x40xf32>
      %v24 = math.cosh %x : f32
      memref.store %v24, %out[%i, %c24] : memref<64x40xf32>
      %v25 = math.asinh %x : f32
      memref.store %v25, %out[%i, %c25] : memref<64x40xf32>
      %v26 = math.acosh %x : f32
      memref.store %v26, %out[%i, %c26] : memref<64x40xf32>
      %v27 = math.atanh %x : f32
      memref.store %v27, %out[%i, %c27] : memref<64x40xf32>
      %v28 = math.fma %x, %v0, %v2 : f32
      memref.store %v28, %out[%i, %c28] : memref<64x40xf32>
      %v29 = math.copysign %x, %v2 : f32
      memref.store %v29, %out[%i, %c29] : memref<64x40xf32>
      %n = math.isnan %v2 : f32
      memref.store %n, %flags[%i, %c0] : memref<64x2xi1>
      %f = math.isinf %v0 : f32
      memref.store %f, %flags[%i, %c1] : memref<64x2xi1>
      gpu.return
    }

    gpu.func @dispatch_8_math_f16(%a: memref<64xf16>, %out: memref<64x4xf16>)
        kernel attributes {known_block_size = array<i32: 64, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %i = gpu.thread_id x
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %c3 = arith.constant 3 : index
      %x = memref.load %a[%i] : memref<64xf16>
      %v0 = math.exp %x : f16
      memref.store %v0, %out[%i, %c0] : memref<64x4xf16>
      %v1 = math.tanh %x : f16
      memref.store %v1, %out[%i, %c1] : memref<64x4xf16>
      %v2 = math.floor %x : f16
      memref.store %v2, %out[%i, %c2] : memref<64x4xf16>
      %v3 = math.powf %x, %v0 : f16
      memref.store %v3, %out[%i, %c3] : memref<64x4xf16>
      gpu.return
    }
  }
}
