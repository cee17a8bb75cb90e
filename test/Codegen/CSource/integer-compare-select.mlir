// RUN: zellige-translate --gpu-to-opencl-c %s | FileCheck %s --check-prefixes=CHECK,CL
// RUN: zellige-translate --gpu-to-cuda-cpp %s | FileCheck %s --check-prefixes=CHECK,CUDA

// Integer ops keep MLIR's signedness and wrapping semantics; i1 values are
// bool in registers and one byte in memory; cmpf predicates keep their
// ordered / unordered meaning.

module {
  gpu.module @kernels {
    gpu.func @dispatch_4_integers(%a: memref<64xi32>, %b: memref<64xi32>,
                                  %x: memref<64xf32>, %mask: memref<64xi1>,
                                  %out: memref<64xi32>, %small: memref<64xi8>,
                                  %fout: memref<64xf32>)
        kernel attributes {known_block_size = array<i32: 64, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %tx = gpu.thread_id x
      %p = memref.load %a[%tx] : memref<64xi32>
      %q = memref.load %b[%tx] : memref<64xi32>
      %f = memref.load %x[%tx] : memref<64xf32>
      %m = memref.load %mask[%tx] : memref<64xi1>
      %add = arith.addi %p, %q : i32
      %addnsw = arith.addi %p, %q overflow<nsw> : i32
      %mul = arith.muli %add, %addnsw : i32
      %divs = arith.divsi %mul, %q : i32
      %divu = arith.divui %mul, %q : i32
      %rems = arith.remsi %divs, %q : i32
      %remu = arith.remui %divu, %q : i32
      %fdiv = arith.floordivsi %rems, %q : i32
      %cdiv = arith.ceildivsi %remu, %q : i32
      %shr = arith.shrui %fdiv, %q : i32
      %sra = arith.shrsi %cdiv, %q : i32
      %shl = arith.shli %shr, %q : i32
      %max = arith.maxsi %sra, %shl : i32
      %minu = arith.minui %max, %q : i32
      %ult = arith.cmpi ult, %p, %q : i32
      %slt = arith.cmpi slt, %p, %q : i32
      %both = arith.andi %ult, %slt : i1
      %either = arith.xori %both, %m : i1
      %sel = arith.select %either, %minu, %p : i32
      memref.store %sel, %out[%tx] : memref<64xi32>
      %ord = arith.cmpf ord, %f, %f : f32
      %ueq = arith.cmpf ueq, %f, %f : f32
      %one = arith.cmpf one, %f, %f : f32
      %ult_f = arith.cmpf ult, %f, %f : f32
      %uno = arith.cmpf uno, %f, %f : f32
      %or = arith.ori %ord, %ueq : i1
      %or2 = arith.ori %one, %ult_f : i1
      %or3 = arith.ori %or, %or2 : i1
      %or4 = arith.ori %or3, %uno : i1
      memref.store %or4, %mask[%tx] : memref<64xi1>
      %t8 = arith.trunci %sel : i32 to i8
      %e8 = arith.addi %t8, %t8 : i8
      memref.store %e8, %small[%tx] : memref<64xi8>
      %z = arith.extui %m : i1 to i32
      %s = arith.extsi %m : i1 to i32
      %zs = arith.addi %z, %s : i32
      %ic = arith.index_cast %zs : i32 to index
      %icu = arith.index_castui %zs : i32 to index
      %sum = arith.addi %ic, %icu : index
      %back = arith.index_cast %sum : index to i32
      %fl = arith.sitofp %back : i32 to f32
      %ufl = arith.uitofp %back : i32 to f32
      %fs = arith.addf %fl, %ufl : f32
      %fi = arith.fptosi %fs : f32 to i32
      %fu = arith.fptoui %fs : f32 to i32
      %bits = arith.bitcast %fs : f32 to i32
      %mix = arith.xori %fi, %fu : i32
      %mix2 = arith.xori %mix, %bits : i32
      %back2 = arith.bitcast %mix2 : i32 to f32
      %mn = arith.minimumf %back2, %f : f32
      memref.store %mn, %fout[%tx] : memref<64xf32>
      gpu.return
    }
  }
}

// CHECK-LABEL: // dispatch_4_integers: workgroup count 1 x 1 x 1, workgroup size 64 x 1 x 1
// CL:          dispatch_4_integers(__global const int *restrict arg0, __global const int *restrict arg1, __global const float *restrict arg2, __global uchar *restrict arg3, __global int *restrict arg4, __global char *restrict arg5, __global float *restrict arg6) {
// CUDA:        dispatch_4_integers(const int *__restrict__ arg0, const int *__restrict__ arg1, const float *__restrict__ arg2, unsigned char *__restrict__ arg3, int *__restrict__ arg4, signed char *__restrict__ arg5, float *__restrict__ arg6) {
// CHECK:         bool v4 = (arg3[v0] != 0);
// CL-NEXT:       int v5 = (int)((uint)v1 + (uint)v2);
// CL-NEXT:       int v6 = v1 + v2;
// CL-NEXT:       int v7 = (int)((uint)v5 * (uint)v6);
// CL-NEXT:       int v8 = v7 / v2;
// CL-NEXT:       int v9 = (int)((uint)v7 / (uint)v2);
// CL-NEXT:       int v10 = v8 % v2;
// CL-NEXT:       int v11 = (int)((uint)v9 % (uint)v2);
// CL-NEXT:       int v12 = v10 / v2 - (v10 % v2 != 0 && (v10 < 0) != (v2 < 0) ? 1 : 0);
// CL-NEXT:       int v13 = v11 / v2 + (v11 % v2 != 0 && (v11 < 0) == (v2 < 0) ? 1 : 0);
// CL-NEXT:       int v14 = (int)((uint)v12 >> (uint)v2);
// CL-NEXT:       int v15 = v13 >> v2;
// CL-NEXT:       int v16 = (int)((uint)v14 << (uint)v2);
// CL-NEXT:       int v17 = (v15 > v16 ? v15 : v16);
// CL-NEXT:       int v18 = ((uint)v17 < (uint)v2 ? v17 : v2);
// CL-NEXT:       bool v19 = (uint)v1 < (uint)v2;
// CUDA:          int v5 = (int)((unsigned int)v1 + (unsigned int)v2);
// CUDA:          bool v19 = (unsigned int)v1 < (unsigned int)v2;
// CHECK-NEXT:    bool v20 = v1 < v2;
// CHECK-NEXT:    bool v21 = v19 & v20;
// CHECK-NEXT:    bool v22 = v21 ^ v4;
// CHECK-NEXT:    int v23 = v22 ? v18 : v1;
// CHECK-NEXT:    arg4[v0] = v23;
// CHECK-NEXT:    bool v24 = (!isnan(v3) && !isnan(v3));
// CHECK-NEXT:    bool v25 = !(v3 < v3 || v3 > v3);
// CHECK-NEXT:    bool v26 = (v3 < v3 || v3 > v3);
// CHECK-NEXT:    bool v27 = !(v3 >= v3);
// CHECK-NEXT:    bool v28 = (isnan(v3) || isnan(v3));
// CHECK:         arg3[v0] = ({{uchar|unsigned char}})v32;
// CL-NEXT:       char v33 = (char)v23;
// CL-NEXT:       char v34 = (char)(v33 + v33);
// CUDA-NEXT:     signed char v33 = (signed char)v23;
// CUDA-NEXT:     signed char v34 = (signed char)(v33 + v33);
// CHECK-NEXT:    arg5[v0] = v34;
// CHECK-NEXT:    int v35 = (int)v4;
// CHECK-NEXT:    int v36 = (int)(v4 ? -1 : 0);
// CHECK-NEXT:    int v37 = (int)(({{uint|unsigned int}})v35 + ({{uint|unsigned int}})v36);
// CL-NEXT:       long v38 = (long)v37;
// CL-NEXT:       long v39 = (long)(uint)v37;
// CL-NEXT:       long v40 = v38 + v39;
// CL-NEXT:       int v41 = (int)v40;
// CL-NEXT:       float v42 = (float)v41;
// CL-NEXT:       float v43 = (float)(uint)v41;
// CL-NEXT:       float v44 = v42 + v43;
// CL-NEXT:       int v45 = (int)v44;
// CL-NEXT:       int v46 = (int)(uint)v44;
// CL-NEXT:       int v47 = as_int(v44);
// CUDA:          int v47 = __float_as_int(v44);
// CHECK:         float v50 = {{as_float|__int_as_float}}(v49);
// CHECK-NEXT:    float v51 = zlg_minimumf_f32(v50, v3);
// CHECK-NEXT:    arg6[v0] = v51;
