// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// Scalar constants are inlined as literals that read back exactly: the
// shortest exact decimal, non-finite values as INFINITY/NAN (OpenCL) or bit
// casts (CUDA), halves as the float literal of their value, and the most
// negative integers without overflowing literals.

module {
  gpu.module @kernels {
    gpu.func @dispatch_7_constants(%f: memref<8xf32>, %d: memref<4xf64>,
                                   %h: memref<2xf16>, %i: memref<2xi32>,
                                   %l: memref<2xi64>, %b: memref<2xi8>)
        kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %c3 = arith.constant 3 : index
      %c4 = arith.constant 4 : index
      %c5 = arith.constant 5 : index
      %f0 = arith.constant 0.1 : f32
      %f1 = arith.constant -0.0 : f32
      %f2 = arith.constant 1.0e-45 : f32
      %f3 = arith.constant 3.4028234663852886e+38 : f32
      %f4 = arith.constant 0xFF800000 : f32
      %f5 = arith.constant 0x7FC00000 : f32
      memref.store %f0, %f[%c0] : memref<8xf32>
      memref.store %f1, %f[%c1] : memref<8xf32>
      memref.store %f2, %f[%c2] : memref<8xf32>
      memref.store %f3, %f[%c3] : memref<8xf32>
      memref.store %f4, %f[%c4] : memref<8xf32>
      memref.store %f5, %f[%c5] : memref<8xf32>
      %d0 = arith.constant 0.1 : f64
      %d1 = arith.constant 0x7FF0000000000000 : f64
      %d2 = arith.constant 4.9406564584124654e-324 : f64
      memref.store %d0, %d[%c0] : memref<4xf64>
      memref.store %d1, %d[%c1] : memref<4xf64>
      memref.store %d2, %d[%c2] : memref<4xf64>
      %h0 = arith.constant 0.1 : f16
      %h1 = arith.constant 0x7C00 : f16
      memref.store %h0, %h[%c0] : memref<2xf16>
      memref.store %h1, %h[%c1] : memref<2xf16>
      %i0 = arith.constant -2147483648 : i32
      %i1 = arith.constant -7 : i32
      memref.store %i0, %i[%c0] : memref<2xi32>
      memref.store %i1, %i[%c1] : memref<2xi32>
      %l0 = arith.constant -9223372036854775808 : i64
      %l1 = arith.constant 4294967296 : i64
      memref.store %l0, %l[%c0] : memref<2xi64>
      memref.store %l1, %l[%c1] : memref<2xi64>
      %b0 = arith.constant -128 : i8
      memref.store %b0, %b[%c0] : memref<2xi8>
      gpu.return
    }
  }
}

// CL-NOT:      cl_khr_fp16
// CL:          #pragma OPENCL EXTENSION cl_khr_fp64 : enable
// CL-NOT:      cl_khr_fp16
// CUDA:        #include <cuda_fp16.h>
// CHECK-LABEL: // dispatch_7_constants: workgroup size 1 x 1 x 1
// CHECK:         arg0[0] = 0.1f;
// CHECK-NEXT:    arg0[1] = (-0.0f);
// CHECK-NEXT:    arg0[2] = 1.0E-45f;
// CHECK-NEXT:    arg0[3] = 3.4028235E+38f;
// CL-NEXT:       arg0[4] = (-INFINITY);
// CL-NEXT:       arg0[5] = NAN;
// CUDA-NEXT:     arg0[4] = __int_as_float((int)0xFF800000u);
// CUDA-NEXT:     arg0[5] = __int_as_float((int)0x7FC00000u);
// CHECK-NEXT:    arg1[0] = 0.1;
// CL-NEXT:       arg1[1] = ((double)INFINITY);
// CUDA-NEXT:     arg1[1] = __longlong_as_double((long long)0x7FF0000000000000ULL);
// CHECK-NEXT:    arg1[2] = 5.0E-324;
// CL-NEXT:       vstore_half_rte(0.099975586f, 0, arg2);
// CL-NEXT:       vstore_half_rte(INFINITY, 1, arg2);
// CUDA-NEXT:     arg2[0] = __float2half(0.099975586f);
// CUDA-NEXT:     arg2[1] = __float2half(__int_as_float((int)0x7F800000u));
// CHECK-NEXT:    arg3[0] = (-2147483647 - 1);
// CHECK-NEXT:    arg3[1] = (-7);
// CL-NEXT:       arg4[0] = (-9223372036854775807L - 1);
// CL-NEXT:       arg4[1] = 4294967296L;
// CL-NEXT:       arg5[0] = ((char)(-128));
// CUDA-NEXT:     arg4[0] = (-9223372036854775807LL - 1);
// CUDA-NEXT:     arg4[1] = 4294967296LL;
// CUDA-NEXT:     arg5[0] = ((signed char)(-128));
