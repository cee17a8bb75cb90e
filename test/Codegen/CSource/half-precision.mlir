// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// f16: OpenCL computes on `half` (cl_khr_fp16); CUDA stores `__half` and
// computes in float, rounding each result back to half.

module {
  gpu.module @kernels {
    gpu.func @dispatch_6_half(%x: memref<128xf16>, %out: memref<128xf16>,
                              %wide: memref<128xf32>)
        kernel attributes {known_block_size = array<i32: 32, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %c4 = arith.constant 4 : index
      %tx = gpu.thread_id x
      %i = arith.muli %tx, %c4 : index
      %v = memref.load %x[%i] : memref<128xf16>
      %c = arith.constant 1.5 : f16
      %s = arith.addf %v, %c : f16
      %e = math.exp %s : f16
      %m = arith.minimumf %e, %v : f16
      %lt = arith.cmpf olt, %m, %c : f16
      %sel = arith.select %lt, %m, %c : f16
      memref.store %sel, %out[%i] : memref<128xf16>
      %w = arith.extf %sel : f16 to f32
      memref.store %w, %wide[%i] : memref<128xf32>
      %vec = vector.load %x[%i] : memref<128xf16>, vector<4xf16>
      %vm = arith.mulf %vec, %vec : vector<4xf16>
      vector.store %vm, %out[%i] : memref<128xf16>, vector<4xf16>
      gpu.return
    }
  }
}

// CL:          #pragma OPENCL EXTENSION cl_khr_fp16 : enable
// CL:          static inline half zlg_minimumf_f16(half a, half b) {
// CUDA:        #include <cuda_fp16.h>
// CUDA:        struct zlg_v4f16 {
// CUDA-NEXT:     __half v[4];
// CUDA:        static __device__ __forceinline__ float zlg_minimumf_f32(float a, float b) {

// CHECK-LABEL: // dispatch_6_half: workgroup count 1 x 1 x 1, workgroup size 32 x 1 x 1
// CL-NEXT:     dispatch_6_half(__global const half *restrict arg0, __global half *restrict arg1, __global float *restrict arg2) {
// CUDA-NEXT:   dispatch_6_half(const __half *__restrict__ arg0, __half *__restrict__ arg1, float *__restrict__ arg2) {
// CL:            half v2 = arg0[v1];
// CL-NEXT:       half v3 = v2 + ((half)1.5f);
// CL-NEXT:       half v4 = exp(v3);
// CL-NEXT:       half v5 = zlg_minimumf_f16(v4, v2);
// CL-NEXT:       bool v6 = v5 < ((half)1.5f);
// CL-NEXT:       half v7 = v6 ? v5 : ((half)1.5f);
// CL-NEXT:       arg1[v1] = v7;
// CL-NEXT:       float v8 = (float)v7;
// CL-NEXT:       arg2[v1] = v8;
// CL-NEXT:       half4 v9 = vload4(0, arg0 + v1);
// CL-NEXT:       half4 v10 = v9 * v9;
// CL-NEXT:       vstore4(v10, 0, arg1 + v1);
// CUDA:          __half v2 = arg0[v1];
// CUDA-NEXT:     __half v3 = __float2half(__half2float(v2) + 1.5f);
// CUDA-NEXT:     __half v4 = __float2half(expf(__half2float(v3)));
// CUDA-NEXT:     __half v5 = __float2half(zlg_minimumf_f32(__half2float(v4), __half2float(v2)));
// CUDA-NEXT:     bool v6 = __half2float(v5) < 1.5f;
// CUDA-NEXT:     __half v7 = v6 ? v5 : __float2half(1.5f);
// CUDA-NEXT:     arg1[v1] = v7;
// CUDA-NEXT:     float v8 = __half2float(v7);
// CUDA-NEXT:     arg2[v1] = v8;
// CUDA-NEXT:     zlg_v4f16 v9;
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       v9.v[i] = arg0[v1 + i];
// CUDA-NEXT:     zlg_v4f16 v10;
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       v10.v[i] = __float2half(__half2float(v9.v[i]) * __half2float(v9.v[i]));
