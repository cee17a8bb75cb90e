// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// Elementwise ops, constants and type conversion.

// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[BC0:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @add_broadcast
//  CHECK-SAME:   (%[[A:[a-z0-9_]+]]: tensor<2x3xf32>, %[[B:[a-z0-9_]+]]: tensor<3xf32>, %[[C:[a-z0-9_]+]]: tensor<1x3xf32>)
//       CHECK:   %[[E:[a-zA-Z0-9_]+]] = tensor.empty() : tensor<2x3xf32>
//       CHECK:   %[[ADD:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ROW]], #[[ID2]]], iterator_types = ["parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<2x3xf32>)
//       CHECK:     arith.addf
//       CHECK:   linalg.generic {indexing_maps = [#[[ID2]], #[[BC0]], #[[ID2]]]
//  CHECK-SAME:     ins(%[[ADD]], %[[C]] : tensor<2x3xf32>, tensor<1x3xf32>)
//       CHECK:     arith.mulf
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<1x3xf32>) -> tensor<2x3xf32> {
  %0 = "onnx.Add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = "onnx.Mul"(%0, %c) : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @constant
//       CHECK:   %[[CST:[a-zA-Z0-9_]+]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%{{.*}}, %[[CST]] : tensor<2xf32>, tensor<2xf32>)
//       CHECK:     arith.subf
//   CHECK-NOT:   onnx.
func.func @constant(%a: tensor<2xf32>) -> tensor<2xf32> {
  %c = "onnx.Constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0 = "onnx.Sub"(%a, %c) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Unsigned tensors become signless, with unsigned division and comparison;
// `onnx.unsigned` marks the function's unsigned arguments and results so that
// the bundle keeps their dtypes.
// CHECK-LABEL: func.func @unsigned
//  CHECK-SAME:   (%{{.*}}: tensor<4xi8> {onnx.unsigned}, %{{.*}}: tensor<4xi8> {onnx.unsigned}) -> (tensor<4xi8> {onnx.unsigned}, tensor<4xi1>)
//       CHECK:   arith.constant dense<[1, 2, 3, -1]> : tensor<4xi8>
//       CHECK:     arith.divui
//       CHECK:     arith.cmpi ult
func.func @unsigned(%a: tensor<4xui8>, %b: tensor<4xui8>) -> (tensor<4xui8>, tensor<4xi1>) {
  %c = "onnx.Constant"() {value = dense<[1, 2, 3, 255]> : tensor<4xui8>} : () -> tensor<4xui8>
  %0 = "onnx.Div"(%a, %c) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %1 = "onnx.Less"(%a, %b) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xi1>
  return %0, %1 : tensor<4xui8>, tensor<4xi1>
}

// -----

// Signed integer arithmetic.
// CHECK-LABEL: func.func @signed_int
//       CHECK:     arith.divsi
//       CHECK:     arith.maxsi
//       CHECK:     arith.cmpi sgt
func.func @signed_int(%a: tensor<4xi32>, %b: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi1>) {
  %0 = "onnx.Div"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %1 = "onnx.Relu"(%a) : (tensor<4xi32>) -> tensor<4xi32>
  %2 = "onnx.Greater"(%a, %b) : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi1>
  return %0, %1, %2 : tensor<4xi32>, tensor<4xi32>, tensor<4xi1>
}

// -----

// CHECK-LABEL: func.func @unary_math
//       CHECK:     math.sqrt
//       CHECK:     math.exp
//       CHECK:     math.log
//       CHECK:     math.tanh
//       CHECK:     math.erf
//       CHECK:     math.floor
//       CHECK:     math.ceil
//       CHECK:     math.absf
//       CHECK:     arith.negf
func.func @unary_math(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "onnx.Sqrt"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "onnx.Exp"(%0) : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "onnx.Log"(%1) : (tensor<4xf32>) -> tensor<4xf32>
  %3 = "onnx.Tanh"(%2) : (tensor<4xf32>) -> tensor<4xf32>
  %4 = "onnx.Erf"(%3) : (tensor<4xf32>) -> tensor<4xf32>
  %5 = "onnx.Floor"(%4) : (tensor<4xf32>) -> tensor<4xf32>
  %6 = "onnx.Ceil"(%5) : (tensor<4xf32>) -> tensor<4xf32>
  %7 = "onnx.Abs"(%6) : (tensor<4xf32>) -> tensor<4xf32>
  %8 = "onnx.Neg"(%7) : (tensor<4xf32>) -> tensor<4xf32>
  return %8 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @activations
// Sigmoid: 1 / (1 + exp(-x)).
//       CHECK:     %[[NEG:[a-zA-Z0-9_]+]] = arith.negf
//       CHECK:     %[[EXP:[a-zA-Z0-9_]+]] = math.exp %[[NEG]]
//       CHECK:     %[[DEN:[a-zA-Z0-9_]+]] = arith.addf %{{.*}}, %[[EXP]]
//       CHECK:     arith.divf %{{.*}}, %[[DEN]]
// LeakyRelu with alpha 0.1.
//       CHECK:     arith.constant 1.000000e-01 : f32
//       CHECK:     arith.mulf
//       CHECK:     arith.cmpf olt
//       CHECK:     arith.select
// Elu.
//       CHECK:     math.exp
//       CHECK:     arith.subf
//       CHECK:     arith.select
// HardSigmoid: clamp(alpha * x + beta, 0, 1).
//       CHECK:     arith.constant 2.000000e-01 : f32
//       CHECK:     arith.minimumf
//       CHECK:     arith.maximumf
// HardSwish: x * hardsigmoid(x) with alpha 1/6.
//       CHECK:     arith.constant 0.166666672 : f32
//       CHECK:     arith.minimumf
//       CHECK:     arith.maximumf
//       CHECK:     arith.mulf
// Reciprocal.
//       CHECK:     arith.divf
func.func @activations(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "onnx.Sigmoid"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %1 = "onnx.LeakyRelu"(%0) {alpha = 0.1 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "onnx.Elu"(%1) : (tensor<4xf32>) -> tensor<4xf32>
  %3 = "onnx.HardSigmoid"(%2) : (tensor<4xf32>) -> tensor<4xf32>
  %4 = "onnx.HardSwish"(%3) : (tensor<4xf32>) -> tensor<4xf32>
  %5 = "onnx.Reciprocal"(%4) : (tensor<4xf32>) -> tensor<4xf32>
  return %5 : tensor<4xf32>
}

// -----

// Clip with only a max: min is absent (NoValue) and skipped.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @clip_max_only
//  CHECK-SAME:   (%[[X:[a-z0-9_]+]]: tensor<4xf32>, %[[MAX:[a-z0-9_]+]]: tensor<f32>)
//       CHECK:   linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[ID]]]
//  CHECK-SAME:     ins(%[[X]], %[[MAX]] : tensor<4xf32>, tensor<f32>)
//       CHECK:   ^bb0(%[[IN:[a-zA-Z0-9_]+]]: f32, %[[M:[a-zA-Z0-9_]+]]: f32, %{{.*}}: f32):
//  CHECK-NEXT:     %[[R:[a-zA-Z0-9_]+]] = arith.minimumf %[[IN]], %[[M]] : f32
//  CHECK-NEXT:     linalg.yield %[[R]]
//   CHECK-NOT:   onnx.NoValue
func.func @clip_max_only(%x: tensor<4xf32>, %max: tensor<f32>) -> tensor<4xf32> {
  %none = onnx.NoValue
  %0 = "onnx.Clip"(%x, %none, %max) : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @clip_both
//       CHECK:     arith.maximumf
//       CHECK:     arith.minimumf
func.func @clip_both(%x: tensor<4xf32>, %min: tensor<f32>, %max: tensor<f32>) -> tensor<4xf32> {
  %0 = "onnx.Clip"(%x, %min, %max) : (tensor<4xf32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Variadic Max/Min/Sum/Mean with broadcasting.
// CHECK-LABEL: func.func @variadic
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3xf32>, tensor<2x1xf32>)
//       CHECK:     arith.maximumf
//       CHECK:     arith.maximumf
//       CHECK:     arith.minimumf
//       CHECK:     arith.addf
//       CHECK:     arith.addf
//       CHECK:     arith.constant 2.000000e+00 : f32
//       CHECK:     arith.divf
func.func @variadic(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = "onnx.Max"(%a, %b, %c) : (tensor<2x3xf32>, tensor<3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  %1 = "onnx.Min"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = "onnx.Sum"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = "onnx.Mean"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// An integer exponent is converted to the base's float type: math.fpowi
// has no vector lowering.
// CHECK-LABEL: func.func @pow
//       CHECK:     math.powf
//       CHECK:     arith.sitofp %{{.*}} : i64 to f32
//  CHECK-NEXT:     math.powf
func.func @pow(%x: tensor<4xf32>, %y: tensor<f32>, %n: tensor<4xi64>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = "onnx.Pow"(%x, %y) : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = "onnx.Pow"(%x, %n) : (tensor<4xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Where, Equal, Not, And, Or.
// CHECK-LABEL: func.func @logic
//       CHECK:     arith.cmpf oeq
//       CHECK:     arith.constant true
//       CHECK:     arith.xori
//       CHECK:     arith.andi
//       CHECK:     arith.ori
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<4xi1>, tensor<4xf32>, tensor<f32>)
//       CHECK:     arith.select
func.func @logic(%a: tensor<4xf32>, %b: tensor<4xf32>, %z: tensor<f32>) -> tensor<4xf32> {
  %0 = "onnx.Equal"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %1 = "onnx.Not"(%0) : (tensor<4xi1>) -> tensor<4xi1>
  %2 = "onnx.And"(%0, %1) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %3 = "onnx.Or"(%2, %1) : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  %4 = "onnx.Where"(%3, %a, %z) : (tensor<4xi1>, tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// Cast follows the source and target kinds.
// CHECK-LABEL: func.func @cast
//       CHECK:     arith.fptosi %{{.*}} : f32 to i32
//       CHECK:     arith.sitofp %{{.*}} : i32 to f16
//       CHECK:     arith.extf %{{.*}} : f16 to f64
//       CHECK:     arith.cmpf une
//       CHECK:     arith.uitofp %{{.*}} : i8 to f32
//       CHECK:     arith.extui %{{.*}} : i1 to i64
func.func @cast(%x: tensor<4xf32>, %u: tensor<4xui8>) -> (tensor<4xf64>, tensor<4xi1>, tensor<4xf32>, tensor<4xi64>) {
  %0 = "onnx.Cast"(%x) {to = 6 : i64} : (tensor<4xf32>) -> tensor<4xi32>
  %1 = "onnx.Cast"(%0) {to = 10 : i64} : (tensor<4xi32>) -> tensor<4xf16>
  %2 = "onnx.Cast"(%1) {to = 11 : i64} : (tensor<4xf16>) -> tensor<4xf64>
  %3 = "onnx.Cast"(%x) {to = 9 : i64} : (tensor<4xf32>) -> tensor<4xi1>
  %4 = "onnx.Cast"(%u) {to = 1 : i64} : (tensor<4xui8>) -> tensor<4xf32>
  %5 = "onnx.Cast"(%3) {to = 7 : i64} : (tensor<4xi1>) -> tensor<4xi64>
  return %2, %3, %4, %5 : tensor<4xf64>, tensor<4xi1>, tensor<4xf32>, tensor<4xi64>
}

// -----

// Static shape queries become constants.
// CHECK-LABEL: func.func @shape_size
//   CHECK-DAG:   arith.constant dense<[2, 3]> : tensor<2xi64>
//   CHECK-DAG:   arith.constant dense<6> : tensor<i64>
//   CHECK-DAG:   arith.constant dense<0.000000e+00> : tensor<2x3xf32>
func.func @shape_size(%x: tensor<2x3xf32>) -> (tensor<2xi64>, tensor<i64>, tensor<2x3xf32>) {
  %0 = "onnx.Shape"(%x) : (tensor<2x3xf32>) -> tensor<2xi64>
  %1 = "onnx.Size"(%x) : (tensor<2x3xf32>) -> tensor<i64>
  %2 = "onnx.ConstantOfShape"(%0) : (tensor<2xi64>) -> tensor<2x3xf32>
  return %0, %1, %2 : tensor<2xi64>, tensor<i64>, tensor<2x3xf32>
}
