// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// 1-D vectors along the innermost dimension: OpenCL vector types with
// vloadN/vstoreN and overloaded built-ins (lane by lane where OpenCL's vector
// semantics differ, e.g. comparisons); CUDA structs processed lane by lane.

module {
  gpu.module @kernels {
    gpu.func @dispatch_5_axpy(%x: memref<16x64xf32>, %y: memref<16x64xf32>,
                              %out: memref<16x64xf32>)
        kernel attributes {known_block_size = array<i32: 16, 16, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %c4 = arith.constant 4 : index
      %tx = gpu.thread_id x
      %ty = gpu.thread_id y
      %col = arith.muli %tx, %c4 : index
      %a = vector.load %x[%ty, %col] : memref<16x64xf32>, vector<4xf32>
      %b = vector.load %y[%ty, %col] : memref<16x64xf32>, vector<4xf32>
      %s = arith.constant 2.0 : f32
      %sv = vector.broadcast %s : f32 to vector<4xf32>
      %fma = vector.fma %a, %sv, %b : vector<4xf32>
      %e = math.exp %fma : vector<4xf32>
      %zero = arith.constant dense<0.0> : vector<4xf32>
      %pos = arith.cmpf ogt, %e, %zero : vector<4xf32>
      %relu = arith.select %pos, %e, %zero : vector<4xi1>, vector<4xf32>
      %ramp = arith.constant dense<[0.0, 1.0, 2.0, 3.0]> : vector<4xf32>
      %r = arith.addf %relu, %ramp : vector<4xf32>
      vector.store %r, %out[%ty, %col] : memref<16x64xf32>, vector<4xf32>
      gpu.return
    }
  }
}

// CUDA:        struct zlg_v4f32 {
// CUDA-NEXT:     float v[4];
// CUDA-NEXT:   };
// CUDA:        struct zlg_v4i1 {
// CUDA-NEXT:     bool v[4];
// CUDA-NEXT:   };

// CHECK-LABEL: // dispatch_5_axpy: workgroup count 1 x 1 x 1, workgroup size 16 x 16 x 1
// CL:            float4 v3 = vload4(0, arg0 + (v1 * 64 + v2));
// CL-NEXT:       float4 v4 = vload4(0, arg1 + (v1 * 64 + v2));
// CL-NEXT:       float4 v5 = (float4)(2.0f);
// CL-NEXT:       float4 v6 = fma(v3, v5, v4);
// CL-NEXT:       float4 v7 = exp(v6);
// CL-NEXT:       float4 v8 = (float4)(0.0f);
// CL-NEXT:       char4 v9;
// CL-NEXT:       v9.s0 = v7.s0 > v8.s0;
// CL-NEXT:       v9.s1 = v7.s1 > v8.s1;
// CL-NEXT:       v9.s2 = v7.s2 > v8.s2;
// CL-NEXT:       v9.s3 = v7.s3 > v8.s3;
// CL-NEXT:       float4 v10;
// CL-NEXT:       v10.s0 = v9.s0 ? v7.s0 : v8.s0;
// CL:            v10.s3 = v9.s3 ? v7.s3 : v8.s3;
// CL-NEXT:       float4 v11 = (float4)(0.0f, 1.0f, 2.0f, 3.0f);
// CL-NEXT:       float4 v12 = v10 + v11;
// CL-NEXT:       vstore4(v12, 0, arg2 + (v1 * 64 + v2));

// CUDA:          zlg_v4f32 v3;
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       v3.v[i] = arg0[v1 * 64 + v2 + i];
// CUDA:          zlg_v4f32 v5;
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       v5.v[i] = 2.0f;
// CUDA-NEXT:     zlg_v4f32 v6;
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       v6.v[i] = fmaf(v3.v[i], v5.v[i], v4.v[i]);
// CUDA-NEXT:     zlg_v4f32 v7;
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       v7.v[i] = expf(v6.v[i]);
// CUDA-NEXT:     zlg_v4f32 v8 = {{[{][{]}}0.0f, 0.0f, 0.0f, 0.0f{{[}][}]}};
// CUDA-NEXT:     zlg_v4i1 v9;
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       v9.v[i] = v7.v[i] > v8.v[i];
// CUDA-NEXT:     zlg_v4f32 v10;
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       v10.v[i] = v9.v[i] ? v7.v[i] : v8.v[i];
// CUDA-NEXT:     zlg_v4f32 v11 = {{[{][{]}}0.0f, 1.0f, 2.0f, 3.0f{{[}][}]}};
// CUDA-NEXT:     zlg_v4f32 v12;
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       v12.v[i] = v10.v[i] + v11.v[i];
// CUDA-NEXT:     for (int i = 0; i < 4; ++i)
// CUDA-NEXT:       arg2[v1 * 64 + v2 + i] = v12.v[i];
