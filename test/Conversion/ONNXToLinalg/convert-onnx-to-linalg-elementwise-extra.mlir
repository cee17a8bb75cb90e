// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// Elementwise operators: activations, trigonometric and hyperbolic functions,
// IsInf, IsNaN, Mod, BitShift, Pow with integer exponents and casts to bf16.

// Selu, Celu, ThresholdedRelu, Softsign and Shrink: one generic each.
// CHECK-LABEL: func.func @activations
//       CHECK:   linalg.generic
//       CHECK:     math.exp
//       CHECK:     arith.cmpf ogt
//       CHECK:     arith.select
//       CHECK:     arith.mulf
//       CHECK:   linalg.generic
//       CHECK:     arith.divf
//       CHECK:     math.exp
//       CHECK:     arith.minimumf
//       CHECK:     arith.maximumf
//       CHECK:   linalg.generic
//       CHECK:     arith.cmpf ogt
//       CHECK:     arith.select
//       CHECK:   linalg.generic
//       CHECK:     math.absf
//       CHECK:     arith.divf
//       CHECK:   linalg.generic
//       CHECK:     arith.cmpf olt
//       CHECK:     arith.cmpf ogt
//       CHECK:     arith.addf
//       CHECK:     arith.subf
func.func @activations(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = "onnx.Selu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "onnx.Celu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "onnx.ThresholdedRelu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %3 = "onnx.Softsign"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %4 = "onnx.Shrink"(%x) {lambd = 1.5 : f32, bias = 0.5 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Tan, Acos and Sinh map to math ops; Asinh expands through log and sqrt
// (no vector lowering of math.asinh on the host).
// CHECK-LABEL: func.func @trig
//       CHECK:     math.tan
//       CHECK:     math.acos
//       CHECK:     math.sinh
//       CHECK:     math.sqrt
//       CHECK:     math.log
//       CHECK:     math.copysign
func.func @trig(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = "onnx.Tan"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "onnx.Acos"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "onnx.Sinh"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %3 = "onnx.Asinh"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @is_inf_nan
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<4xi1>)
//       CHECK:     arith.constant 0x7F800000 : f32
//       CHECK:     arith.cmpf oeq
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<4xi1>)
//       CHECK:     arith.cmpf uno
func.func @is_inf_nan(%x: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>) {
  %0 = "onnx.IsInf"(%x) {detect_negative = 0 : i64} : (tensor<4xf32>) -> tensor<4xi1>
  %1 = "onnx.IsNaN"(%x) : (tensor<4xf32>) -> tensor<4xi1>
  return %0, %1 : tensor<4xi1>, tensor<4xi1>
}

// -----

// Integer Mod takes the divisor's sign; fmod = 1 is remf.
// CHECK-LABEL: func.func @mod
//       CHECK:     arith.remsi
//       CHECK:     arith.xori
//       CHECK:     arith.addi
//       CHECK:     arith.select
//       CHECK:     arith.remf
func.func @mod(%a: tensor<4xi32>, %b: tensor<4xi32>, %f: tensor<4xf32>, %g: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xf32>) {
  %0 = "onnx.Mod"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = "onnx.Mod"(%f, %g) {fmod = 1 : i64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xi32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @bitshift
//       CHECK:     arith.shli %{{.*}} : i8
//       CHECK:     arith.shrui %{{.*}} : i8
func.func @bitshift(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xui8>) {
  %0 = "onnx.BitShift"(%a, %b) {direction = "LEFT"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = "onnx.BitShift"(%a, %b) {direction = "RIGHT"} : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0, %1 : tensor<4xui8>, tensor<4xui8>
}

// -----

// Float bases take integer exponents through math.powf; integer powers use
// binary exponentiation over the exponent's 32 bits.
// CHECK-LABEL: func.func @pow_int_exponent
//       CHECK:     arith.sitofp %{{.*}} : i64 to f32
//       CHECK:     math.powf %{{.*}} : f32
//       CHECK:   linalg.generic
//   CHECK-NOT:     math.powf
//       CHECK:     arith.constant -2147483648 : i32
//       CHECK:     arith.cmpi slt
func.func @pow_int_exponent(%x: tensor<4xf32>, %e: tensor<4xi64>, %i: tensor<4xi32>) -> (tensor<4xf32>, tensor<4xi32>) {
  %0 = "onnx.Pow"(%x, %e) : (tensor<4xf32>, tensor<4xi64>) -> tensor<4xf32>
  %1 = "onnx.Pow"(%i, %i) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0, %1 : tensor<4xf32>, tensor<4xi32>
}

// -----

// f32 -> bf16 rounds to nearest even with integer arithmetic.
// CHECK-LABEL: func.func @cast_bf16
//       CHECK:     arith.bitcast %{{.*}} : f32 to i32
//       CHECK:     arith.addi
//       CHECK:     arith.cmpf uno
//       CHECK:     arith.trunci %{{.*}} : i32 to i16
//       CHECK:     arith.bitcast %{{.*}} : i16 to bf16
func.func @cast_bf16(%x: tensor<4xf32>) -> tensor<4xbf16> {
  %0 = "onnx.Cast"(%x) {to = 16 : i64} : (tensor<4xf32>) -> tensor<4xbf16>
  return %0 : tensor<4xbf16>
}
