// RUN: zellige-translate --gpu-to-spirv %s | mlir-translate --deserialize-spirv | FileCheck %s

// Every math function of the GPU kernel form, on f64 and f16: OpenCL.std
// extended instructions (exp2 is exp(x * ln 2); trunc is a select of ceil
// and floor; log2 and copysign are upstream expansions).

// CHECK: spirv.module Physical64 OpenCL requires #spirv.vce<v1.0, [Int64, Float64, Kernel, Int8, Float16, Int16, Addresses], []>
// CHECK-LABEL: spirv.func @dispatch_7_math_f64(
// CHECK-DAG: spirv.CL.exp {{.*}} : f64
// CHECK-DAG: spirv.CL.log {{.*}} : f64
// CHECK-DAG: spirv.CL.sqrt {{.*}} : f64
// CHECK-DAG: spirv.CL.rsqrt {{.*}} : f64
// CHECK-DAG: spirv.CL.tanh {{.*}} : f64
// CHECK-DAG: spirv.CL.erf {{.*}} : f64
// CHECK-DAG: spirv.CL.fabs {{.*}} : f64
// CHECK-DAG: spirv.CL.floor {{.*}} : f64
// CHECK-DAG: spirv.CL.ceil {{.*}} : f64
// CHECK-DAG: spirv.CL.round {{.*}} : f64
// CHECK-DAG: spirv.CL.rint {{.*}} : f64
// CHECK-DAG: spirv.CL.sin {{.*}} : f64
// CHECK-DAG: spirv.CL.cos {{.*}} : f64
// CHECK-DAG: spirv.CL.tan {{.*}} : f64
// CHECK-DAG: spirv.CL.atan {{.*}} : f64
// CHECK-DAG: spirv.CL.asin {{.*}} : f64
// CHECK-DAG: spirv.CL.acos {{.*}} : f64
// CHECK-DAG: spirv.CL.sinh {{.*}} : f64
// CHECK-DAG: spirv.CL.cosh {{.*}} : f64
// CHECK-DAG: spirv.CL.asinh {{.*}} : f64
// CHECK-DAG: spirv.CL.acosh {{.*}} : f64
// CHECK-DAG: spirv.CL.atanh {{.*}} : f64
// CHECK-DAG: spirv.CL.pow {{.*}} : f64
// CHECK-DAG: spirv.CL.atan2 {{.*}} : f64
// CHECK-DAG: spirv.CL.fma {{.*}} : f64
// CHECK-DAG: spirv.IsNan {{.*}} : f64
// CHECK-DAG: spirv.IsInf {{.*}} : f64
// CHECK: spirv.Return
// CHECK-LABEL: spirv.func @dispatch_8_math_f16(
// CHECK-DAG: spirv.CL.exp {{.*}} : f16
// CHECK-DAG: spirv.CL.tanh {{.*}} : f16
// CHECK-DAG: spirv.CL.floor {{.*}} : f16
// CHECK-DAG: spirv.CL.ceil {{.*}} : f16
// CHECK-DAG: spirv.CL.pow {{.*}} : f16
// CHECK-DAG: spirv.BitwiseAnd {{.*}} : i16
// CHECK: spirv.Return

module {
  gpu.module @kernels {
    gpu.func @dispatch_7_math_f64(%a: memref<64xf64>, %out: memref<64x30xf64>, %flags: memref<64x2xi1>)
        kernel attributes {known_block_size = array<i32: 64, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %i = gpu.thread_id x
      %x = memref.load %a[%i] : memref<64xf64>
      %exp = math.exp %x : f64
      %c0 = arith.constant 0 : index
      memref.store %exp, %out[%i, %c0] : memref<64x30xf64>
      %exp2 = math.exp2 %x : f64
      %c1 = arith.constant 1 : index
      memref.store %exp2, %out[%i, %c1] : memref<64x30xf64>
      %log = math.log %x : f64
      %c2 = arith.constant 2 : index
      memref.store %log, %out[%i, %c2] : memref<64x30xf64>
      %log2 = math.log2 %x : f64
      %c3 = arith.constant 3 : index
      memref.store %log2, %out[%i, %c3] : memref<64x30xf64>
      %log1p = math.log1p %x : f64
      %c4 = arith.constant 4 : index
      memref.store %log1p, %out[%i, %c4] : memref<64x30xf64>
      %sqrt = math.sqrt %x : f64
      %c5 = arith.constant 5 : index
      memref.store %sqrt, %out[%i, %c5] : memref<64x30xf64>
      %rsqrt = math.rsqrt %x : f64
      %c6 = arith.constant 6 : index
      memref.store %rsqrt, %out[%i, %c6] : memref<64x30xf64>
      %tanh = math.tanh %x : f64
      %c7 = arith.constant 7 : index
      memref.store %tanh, %out[%i, %c7] : memref<64x30xf64>
      %erf = math.erf %x : f64
      %c8 = arith.constant 8 : index
      memref.store %erf, %out[%i, %c8] : memref<64x30xf64>
      %absf = math.absf %x : f64
      %c9 = arith.constant 9 : index
      memref.store %absf, %out[%i, %c9] : memref<64x30xf64>
      %floor = math.floor %x : f64
      %c10 = arith.constant 10 : index
      memref.store %floor, %out[%i, %c10] : memref<64x30xf64>
      %ceil = math.ceil %x : f64
      %c11 = arith.constant 11 : index
      memref.store %ceil, %out[%i, %c11] : memref<64x30xf64>
      %round = math.round %x : f64
      %c12 = arith.constant 12 : index
      memref.store %round, %out[%i, %c12] : memref<64x30xf64>
      %roundeven = math.roundeven %x : f64
      %c13 = arith.constant 13 : index
      memref.store %roundeven, %out[%i, %c13] : memref<64x30xf64>
      %trunc = math.trunc %x : f64
      %c14 = arith.constant 14 : index
      memref.store %trunc, %out[%i, %c14] : memref<64x30xf64>
      %sin = math.sin %x : f64
      %c15 = arith.constant 15 : index
      memref.store %sin, %out[%i, %c15] : memref<64x30xf64>
      %cos = math.cos %x : f64
      %c16 = arith.constant 16 : index
      memref.store %cos, %out[%i, %c16] : memref<64x30xf64>
      %tan = math.tan %x : f64
      %c17 = arith.constant 17 : index
      memref.store %tan, %out[%i, %c17] : memref<64x30xf64>
      %atan = math.atan %x : f64
      %c18 = arith.constant 18 : index
      memref.store %atan, %out[%i, %c18] : memref<64x30xf64>
      %asin = math.asin %x : f64
      %c19 = arith.constant 19 : index
      memref.store %asin, %out[%i, %c19] : memref<64x30xf64>
      %acos = math.acos %x : f64
      %c20 = arith.constant 20 : index
      memref.store %acos, %out[%i, %c20] : memref<64x30xf64>
      %sinh = math.sinh %x : f64
      %c21 = arith.constant 21 : index
      memref.store %sinh, %out[%i, %c21] : memref<64x30xf64>
      %cosh = math.cosh %x : f64
      %c22 = arith.constant 22 : index
      memref.store %cosh, %out[%i, %c22] : memref<64x30xf64>
      %asinh = math.asinh %x : f64
      %c23 = arith.constant 23 : index
      memref.store %asinh, %out[%i, %c23] : memref<64x30xf64>
      %acosh = math.acosh %x : f64
      %c24 = arith.constant 24 : index
      memref.store %acosh, %out[%i, %c24] : memref<64x30xf64>
      %atanh = math.atanh %x : f64
      %c25 = arith.constant 25 : index
      memref.store %atanh, %out[%i, %c25] : memref<64x30xf64>
      %powf = math.powf %x, %exp : f64
      %c26 = arith.constant 26 : index
      memref.store %powf, %out[%i, %c26] : memref<64x30xf64>
      %atan2 = math.atan2 %x, %exp : f64
      %c27 = arith.constant 27 : index
      memref.store %atan2, %out[%i, %c27] : memref<64x30xf64>
      %copysign = math.copysign %x, %exp : f64
      %c28 = arith.constant 28 : index
      memref.store %copysign, %out[%i, %c28] : memref<64x30xf64>
      %fma = math.fma %x, %exp, %log : f64
      %c29 = arith.constant 29 : index
      memref.store %fma, %out[%i, %c29] : memref<64x30xf64>
      %nan = math.isnan %log : f64
      %inf = math.isinf %exp : f64
      %f0 = arith.constant 0 : index
      %f1 = arith.constant 1 : index
      memref.store %nan, %flags[%i, %f0] : memref<64x2xi1>
      memref.store %inf, %flags[%i, %f1] : memref<64x2xi1>
      gpu.return
    }

    gpu.func @dispatch_8_math_f16(%a: memref<64xf16>, %out: memref<64x5xf16>)
        kernel attributes {known_block_size = array<i32: 64, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %i = gpu.thread_id x
      %x = memref.load %a[%i] : memref<64xf16>
      %exp = math.exp %x : f16
      %c0 = arith.constant 0 : index
      memref.store %exp, %out[%i, %c0] : memref<64x5xf16>
      %tanh = math.tanh %x : f16
      %c1 = arith.constant 1 : index
      memref.store %tanh, %out[%i, %c1] : memref<64x5xf16>
      %trunc = math.trunc %x : f16
      %c2 = arith.constant 2 : index
      memref.store %trunc, %out[%i, %c2] : memref<64x5xf16>
      %pow = math.powf %x, %exp : f16
      %c3 = arith.constant 3 : index
      memref.store %pow, %out[%i, %c3] : memref<64x5xf16>
      %copysign = math.copysign %x, %tanh : f16
      %c4 = arith.constant 4 : index
      memref.store %copysign, %out[%i, %c4] : memref<64x5xf16>
      gpu.return
    }
  }
}
