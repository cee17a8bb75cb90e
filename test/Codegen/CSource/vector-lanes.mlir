// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// Vectors of integers and i1: wrapping integer arithmetic and i1 memory are
// written lane by lane, OpenCL conversions use convert_<type>N, a scalar
// select picks whole vectors.

module {
  gpu.module @kernels {
    gpu.func @dispatch_8_lanes(%x: memref<64xi32>, %m: memref<64xi1>,
                               %f: memref<64xf32>)
        kernel attributes {known_block_size = array<i32: 4, 1, 1>} {
      %c16 = arith.constant 16 : index
      %tx = gpu.thread_id x
      %i = arith.muli %tx, %c16 : index
      %v = vector.load %x[%i] : memref<64xi32>, vector<16xi32>
      %w = arith.addi %v, %v : vector<16xi32>
      %flags = vector.load %m[%i] : memref<64xi1>, vector<2xi1>
      %t = arith.constant true
      %tv = vector.broadcast %t : i1 to vector<2xi1>
      %x2 = arith.xori %flags, %tv : vector<2xi1>
      vector.store %x2, %m[%i] : memref<64xi1>, vector<2xi1>
      %fv = arith.sitofp %w : vector<16xi32> to vector<16xf32>
      %zero = arith.constant dense<0.0> : vector<16xf32>
      %c = arith.cmpi sgt, %i, %c16 : index
      %sel = arith.select %c, %fv, %zero : vector<16xf32>
      vector.store %sel, %f[%i] : memref<64xf32>, vector<16xf32>
      vector.store %w, %x[%i] : memref<64xi32>, vector<16xi32>
      gpu.return
    }
  }
}

// CHECK-LABEL: // dispatch_8_lanes: workgroup size 4 x 1 x 1
// CL:            int16 v2 = vload16(0, arg0 + v1);
// CL-NEXT:       int16 v3;
// CL-NEXT:       v3.s0 = (int)((uint)v2.s0 + (uint)v2.s0);
// CL:            v3.sf = (int)((uint)v2.sf + (uint)v2.sf);
// CL-NEXT:       char2 v4;
// CL-NEXT:       v4.s0 = (arg1[v1 + 0] != 0);
// CL-NEXT:       v4.s1 = (arg1[v1 + 1] != 0);
// CL-NEXT:       char2 v5 = (char2)(true);
// CL-NEXT:       char2 v6 = v4 ^ v5;
// CL-NEXT:       arg1[v1 + 0] = (uchar)v6.s0;
// CL-NEXT:       arg1[v1 + 1] = (uchar)v6.s1;
// CL-NEXT:       float16 v7 = convert_float16(v3);
// CL-NEXT:       float16 v8 = (float16)(0.0f);
// CL-NEXT:       bool v9 = v1 > 16L;
// CL-NEXT:       float16 v10 = v9 ? v7 : v8;
// CL-NEXT:       vstore16(v10, 0, arg2 + v1);
// CL-NEXT:       vstore16(v3, 0, arg0 + v1);
// CUDA:          zlg_v2i1 v4;
// CUDA-NEXT:     for (int i = 0; i < 2; ++i)
// CUDA-NEXT:       v4.v[i] = (arg1[v1 + i] != 0);
// CUDA-NEXT:     zlg_v2i1 v5;
// CUDA-NEXT:     for (int i = 0; i < 2; ++i)
// CUDA-NEXT:       v5.v[i] = true;
// CUDA-NEXT:     zlg_v2i1 v6;
// CUDA-NEXT:     for (int i = 0; i < 2; ++i)
// CUDA-NEXT:       v6.v[i] = v4.v[i] ^ v5.v[i];
// CUDA-NEXT:     for (int i = 0; i < 2; ++i)
// CUDA-NEXT:       arg1[v1 + i] = (unsigned char)v6.v[i];
// CUDA:          zlg_v16f32 v10;
// CUDA-NEXT:     for (int i = 0; i < 16; ++i)
// CUDA-NEXT:       v10.v[i] = v9 ? v7.v[i] : v8.v[i];
