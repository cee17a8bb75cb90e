// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// f16: OpenCL needs no cl_khr_fp16: halves are only stored (vload_half /
// vstore_half_rte on `half *`, `ushort` arrays for local and private memory)
// and every f16 value is a float holding a half, each inexact result rounded
// back through half precision (zlg_round_half*). CUDA stores `__half` and
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
    // Local and private f16 arrays, conversions to and from f16, bitcasts,
    // vector constants and f16 loop-carried values.
    gpu.func @dispatch_7_half_storage(%x: memref<64xf16>, %d: memref<64xf64>,
                                      %n: memref<64xi32>, %out: memref<64xf16>,
                                      %bits: memref<64xi16>)
        workgroup(%tile: memref<64xf16, #gpu.address_space<workgroup>>)
        private(%acc: memref<4xf16, #gpu.address_space<private>>)
        kernel attributes {known_block_size = array<i32: 16, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c4 = arith.constant 4 : index
      %tx = gpu.thread_id x
      %i = arith.muli %tx, %c4 : index
      %v = memref.load %x[%i] : memref<64xf16>
      memref.store %v, %tile[%i] : memref<64xf16, #gpu.address_space<workgroup>>
      gpu.barrier
      %t = memref.load %tile[%i] : memref<64xf16, #gpu.address_space<workgroup>>
      %tv = vector.load %tile[%i] : memref<64xf16, #gpu.address_space<workgroup>>, vector<4xf16>
      %k = arith.constant dense<[1.0, 2.0, 0.5, -0.1]> : vector<4xf16>
      %kv = arith.addf %tv, %k : vector<4xf16>
      vector.store %kv, %acc[%c0] : memref<4xf16, #gpu.address_space<private>>, vector<4xf16>
      %a = memref.load %acc[%c1] : memref<4xf16, #gpu.address_space<private>>
      %tmp = memref.alloca() : memref<2xf16>
      memref.store %a, %tmp[%c1] : memref<2xf16>
      %b = memref.load %tmp[%c1] : memref<2xf16>
      %dv = memref.load %d[%i] : memref<64xf64>
      %h64 = arith.truncf %dv : f64 to f16
      %e64 = arith.extf %h64 : f16 to f64
      memref.store %e64, %d[%i] : memref<64xf64>
      %nv = memref.load %n[%i] : memref<64xi32>
      %si = arith.sitofp %nv : i32 to f16
      %ui = arith.uitofp %nv : i32 to f16
      %q = arith.fptosi %si : f16 to i32
      memref.store %q, %n[%i] : memref<64xi32>
      %w = arith.extf %t : f16 to f32
      %w2 = arith.mulf %w, %w : f32
      %h32 = arith.truncf %w2 : f32 to f16
      %neg = arith.negf %h32 : f16
      %abs = math.absf %neg : f16
      %fma = math.fma %abs, %b, %ui : f16
      %sum = scf.for %j = %c0 to %c4 step %c1 iter_args(%s = %fma) -> (f16) {
        %e = memref.load %acc[%j] : memref<4xf16, #gpu.address_space<private>>
        %s2 = arith.divf %s, %e : f16
        scf.yield %s2 : f16
      }
      %r = arith.addf %sum, %h64 : f16
      memref.store %r, %out[%i] : memref<64xf16>
      %bi = arith.bitcast %r : f16 to i16
      memref.store %bi, %bits[%i] : memref<64xi16>
      %bh = arith.bitcast %bi : i16 to f16
      %vd = vector.load %d[%i] : memref<64xf64>, vector<4xf64>
      %vh = arith.truncf %vd : vector<4xf64> to vector<4xf16>
      %vs = vector.broadcast %bh : f16 to vector<4xf16>
      %vm = arith.maximumf %vh, %vs : vector<4xf16>
      vector.store %vm, %out[%i] : memref<64xf16>, vector<4xf16>
      gpu.return
    }
  }
}

// CL-NOT:      cl_khr_fp16
// CL:          #pragma OPENCL EXTENSION cl_khr_fp64 : enable
// CL-NOT:      cl_khr_fp16
// CL:          static inline short zlg_half_as_short(float x) {
// CL-NEXT:       short b;
// CL-NEXT:       vstore_half_rte(x, 0, (half *)&b);
// CL-NEXT:       return b;
// CL-NEXT:     }
// CL:          static inline float zlg_maximumf_f32(float a, float b) {
// CL:          static inline float zlg_minimumf_f32(float a, float b) {
// CL:          // The float rounded to the nearest half (ties to even), as float.
// CL-NEXT:     static inline float zlg_round_half(float x) {
// CL-NEXT:       ushort b;
// CL-NEXT:       vstore_half_rte(x, 0, (half *)&b);
// CL-NEXT:       return vload_half(0, (const half *)&b);
// CL-NEXT:     }
// CL:          static inline float4 zlg_round_half4(float4 x) {
// CL-NEXT:       ushort b[4];
// CL-NEXT:       vstore_half4_rte(x, 0, (half *)b);
// CL-NEXT:       return vload_half4(0, (const half *)b);
// CL-NEXT:     }
// CL:          static inline float4 zlg_round_half4_f64(double4 x) {
// CL-NEXT:       ushort b[4];
// CL-NEXT:       vstore_half4_rte(x, 0, (half *)b);
// CL-NEXT:       return vload_half4(0, (const half *)b);
// CL-NEXT:     }
// CL:          static inline float zlg_round_half_f64(double x) {
// CL-NEXT:       ushort b;
// CL-NEXT:       vstore_half_rte(x, 0, (half *)&b);
// CL-NEXT:       return vload_half(0, (const half *)&b);
// CL-NEXT:     }
// CL:          static inline float zlg_short_as_half(short x) {
// CL-NEXT:       return vload_half(0, (const half *)&x);
// CL-NEXT:     }
// CUDA:        #include <cuda_fp16.h>
// CUDA:        struct zlg_v4f16 {
// CUDA-NEXT:     __half v[4];
// CUDA:        static __device__ __forceinline__ float zlg_minimumf_f32(float a, float b) {

// CHECK-LABEL: // dispatch_6_half: workgroup count 1 x 1 x 1, workgroup size 32 x 1 x 1
// CL-NEXT:     dispatch_6_half(__global const half *restrict arg0, __global half *restrict arg1, __global float *restrict arg2) {
// CUDA-NEXT:   dispatch_6_half(const __half *__restrict__ arg0, __half *__restrict__ arg1, float *__restrict__ arg2) {
// CL:            float v2 = vload_half(v1, arg0);
// CL-NEXT:       float v3 = zlg_round_half(v2 + 1.5f);
// CL-NEXT:       float v4 = zlg_round_half(exp(v3));
// CL-NEXT:       float v5 = zlg_minimumf_f32(v4, v2);
// CL-NEXT:       bool v6 = v5 < 1.5f;
// CL-NEXT:       float v7 = v6 ? v5 : 1.5f;
// CL-NEXT:       vstore_half_rte(v7, v1, arg1);
// CL-NEXT:       float v8 = (float)v7;
// CL-NEXT:       arg2[v1] = v8;
// CL-NEXT:       float4 v9 = vload_half4(0, arg0 + v1);
// CL-NEXT:       float4 v10 = zlg_round_half4(v9 * v9);
// CL-NEXT:       vstore_half4_rte(v10, 0, arg1 + v1);
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

// CHECK-LABEL: // dispatch_7_half_storage: workgroup count 1 x 1 x 1, workgroup size 16 x 1 x 1
// CL-NEXT:     dispatch_7_half_storage(__global const half *restrict arg0, __global double *restrict arg1, __global int *restrict arg2, __global half *restrict arg3, __global short *restrict arg4) {
// CL-NEXT:       __local ushort wg0[64];
// CL-NEXT:       ushort priv0[4];
// CL:            float v2 = vload_half(v1, arg0);
// CL-NEXT:       vstore_half_rte(v2, v1, (__local half *)wg0);
// CL-NEXT:       barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
// CL-NEXT:       float v3 = vload_half(v1, (__local half *)wg0);
// CL-NEXT:       float4 v4 = vload_half4(0, (__local half *)wg0 + v1);
// CL-NEXT:       float4 v5 = (float4)(1.0f, 2.0f, 0.5f, (-0.099975586f));
// CL-NEXT:       float4 v6 = zlg_round_half4(v4 + v5);
// CL-NEXT:       vstore_half4_rte(v6, 0, (half *)priv0);
// CL-NEXT:       float v7 = vload_half(1, (half *)priv0);
// CL-NEXT:       ushort v8[2];
// CL-NEXT:       vstore_half_rte(v7, 1, (half *)v8);
// CL-NEXT:       float v9 = vload_half(1, (half *)v8);
// CL-NEXT:       double v10 = arg1[v1];
// CL-NEXT:       float v11 = zlg_round_half_f64(v10);
// CL-NEXT:       double v12 = (double)v11;
// CL-NEXT:       arg1[v1] = v12;
// CL-NEXT:       int v13 = arg2[v1];
// CL-NEXT:       float v14 = zlg_round_half((float)v13);
// CL-NEXT:       float v15 = zlg_round_half((float)(uint)v13);
// CL-NEXT:       int v16 = (int)v14;
// CL-NEXT:       arg2[v1] = v16;
// CL-NEXT:       float v17 = (float)v3;
// CL-NEXT:       float v18 = v17 * v17;
// CL-NEXT:       float v19 = zlg_round_half(v18);
// CL-NEXT:       float v20 = -v19;
// CL-NEXT:       float v21 = fabs(v20);
// CL-NEXT:       float v22 = zlg_round_half(fma(v21, v9, v15));
// CL-NEXT:       float v23 = v22;
// CL-NEXT:       for (long v24 = 0L; v24 < 4L; v24 += 1L) {
// CL-NEXT:         float v25 = vload_half(v24, (half *)priv0);
// CL-NEXT:         float v26 = zlg_round_half(v23 / v25);
// CL-NEXT:         v23 = v26;
// CL-NEXT:       }
// CL-NEXT:       float v27 = zlg_round_half(v23 + v11);
// CL-NEXT:       vstore_half_rte(v27, v1, arg3);
// CL-NEXT:       short v28 = zlg_half_as_short(v27);
// CL-NEXT:       arg4[v1] = v28;
// CL-NEXT:       float v29 = zlg_short_as_half(v28);
// CL-NEXT:       double4 v30 = vload4(0, arg1 + v1);
// CL-NEXT:       float4 v31 = zlg_round_half4_f64(v30);
// CL-NEXT:       float4 v32 = (float4)(v29);
// CL-NEXT:       float4 v33;
// CL-NEXT:       v33.s0 = zlg_maximumf_f32(v31.s0, v32.s0);
// CL:            v33.s3 = zlg_maximumf_f32(v31.s3, v32.s3);
// CL-NEXT:       vstore_half4_rte(v33, 0, arg3 + v1);
// CUDA-NEXT:   dispatch_7_half_storage(const __half *__restrict__ arg0, double *__restrict__ arg1, int *__restrict__ arg2, __half *__restrict__ arg3, short *__restrict__ arg4) {
// CUDA-NEXT:     __shared__ __half wg0[64];
// CUDA-NEXT:     __half priv0[4];
// CUDA:          __half v11 = __double2half(v10);
// CUDA:          short v28 = __half_as_short(v27);
