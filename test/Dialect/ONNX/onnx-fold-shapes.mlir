// RUN: zellige-opt %s --zellige-onnx-fold-shapes -split-input-file | FileCheck %s

// Shape -> Gather -> Concat -> Reshape: the shape folds to a constant and the
// Reshape's dynamic result type is refined (a tensor.cast keeps the return
// type). Identity and inference Dropout are forwarded.
// CHECK-LABEL: func.func @reshape_chain
//  CHECK-SAME:   (%[[X:[a-z0-9_]+]]: tensor<2x3x4xf32>)
//       CHECK:   %[[SHAPE:.*]] = "onnx.Constant"() <{value = dense<[-1, 3]> : tensor<2xi64>}>
//       CHECK:   %[[R:.*]] = "onnx.Reshape"(%[[X]], %[[SHAPE]]) {{.*}} -> tensor<8x3xf32>
//       CHECK:   %[[C:.*]] = tensor.cast %[[R]] : tensor<8x3xf32> to tensor<?x?xf32>
//       CHECK:   return %[[C]]
//   CHECK-NOT:   onnx.Shape
//   CHECK-NOT:   onnx.Identity
//   CHECK-NOT:   onnx.Dropout
func.func @reshape_chain(%x: tensor<2x3x4xf32>) -> tensor<?x?xf32> {
  %s = "onnx.Shape"(%x) {start = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  %i = "onnx.Constant"() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %g = "onnx.Gather"(%s, %i) : (tensor<2xi64>, tensor<1xi64>) -> tensor<1xi64>
  %m1 = "onnx.Constant"() {value_ints = [-1]} : () -> tensor<1xi64>
  %c = "onnx.Concat"(%m1, %g) {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %id = "onnx.Identity"(%x) : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %r = "onnx.Reshape"(%id, %c) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %none = onnx.NoValue
  %d, %mask = "onnx.Dropout"(%r, %none, %none) : (tensor<?x?xf32>, none, none) -> (tensor<?x?xf32>, none)
  return %d : tensor<?x?xf32>
}

// -----

// Shape with start and end, and Size.
// CHECK-LABEL: func.func @shape_size
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<[3, 4]> : tensor<2xi64>}>
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<24> : tensor<i64>}>
//   CHECK-NOT:   onnx.Shape
//   CHECK-NOT:   onnx.Size
func.func @shape_size(%x: tensor<2x3x4xf32>) -> (tensor<2xi64>, tensor<i64>) {
  %s = "onnx.Shape"(%x) {start = -2 : i64, end = 3 : i64} : (tensor<2x3x4xf32>) -> tensor<2xi64>
  %n = "onnx.Size"(%x) : (tensor<2x3x4xf32>) -> tensor<i64>
  return %s, %n : tensor<2xi64>, tensor<i64>
}

// -----

// A dynamic dimension keeps Shape alive.
// CHECK-LABEL: func.func @shape_dynamic
//       CHECK:   "onnx.Shape"
func.func @shape_dynamic(%x: tensor<?x3xf32>) -> tensor<2xi64> {
  %s = "onnx.Shape"(%x) : (tensor<?x3xf32>) -> tensor<2xi64>
  return %s : tensor<2xi64>
}

// -----

// Integer arithmetic with broadcasting, ConstantOfShape, Range and Cast.
// CHECK-LABEL: func.func @arith
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<[1, 2, 3]> : tensor<3xi64>}>
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<1.500000e+00> : tensor<2x2xf32>}>
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<[1, 3, 5, 7]> : tensor<4xi32>}>
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<[3.000000e+00, 4.000000e+00, 5.000000e+00]> : tensor<3xf32>}>
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<[12, 16, 20]> : tensor<3xi64>}>
//   CHECK-NOT:   "onnx.Div"
//   CHECK-NOT:   "onnx.Sub"
//   CHECK-NOT:   "onnx.Mul"
//   CHECK-NOT:   "onnx.Add"
func.func @arith() -> (tensor<3xi64>, tensor<2x2xf32>, tensor<4xi32>, tensor<3xf32>, tensor<3xi64>) {
  %a = "onnx.Constant"() {value = dense<[6, 8, 10]> : tensor<3xi64>} : () -> tensor<3xi64>
  %b = "onnx.Constant"() {value = dense<2> : tensor<i64>} : () -> tensor<i64>
  %0 = "onnx.Div"(%a, %b) : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  %1 = "onnx.Sub"(%0, %b) : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  %2 = "onnx.Mul"(%a, %b) : (tensor<3xi64>, tensor<i64>) -> tensor<3xi64>
  %3 = "onnx.Add"(%2, %0) : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %4 = "onnx.Sub"(%3, %0) : (tensor<3xi64>, tensor<3xi64>) -> tensor<3xi64>
  %shp = "onnx.Constant"() {value = dense<[2, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %cos = "onnx.ConstantOfShape"(%shp) {value = dense<1.5> : tensor<1xf32>} : (tensor<2xi64>) -> tensor<2x2xf32>
  %st = "onnx.Constant"() {value = dense<1> : tensor<i32>} : () -> tensor<i32>
  %li = "onnx.Constant"() {value = dense<9> : tensor<i32>} : () -> tensor<i32>
  %de = "onnx.Constant"() {value = dense<2> : tensor<i32>} : () -> tensor<i32>
  %rg = "onnx.Range"(%st, %li, %de) : (tensor<i32>, tensor<i32>, tensor<i32>) -> tensor<4xi32>
  %cast = "onnx.Cast"(%0) {to = 1 : i64} : (tensor<3xi64>) -> tensor<3xf32>
  return %1, %cos, %rg, %cast, %4 : tensor<3xi64>, tensor<2x2xf32>, tensor<4xi32>, tensor<3xf32>, tensor<3xi64>
}

// -----

// Division by zero is left for run time.
// CHECK-LABEL: func.func @div_by_zero
//       CHECK:   "onnx.Div"
func.func @div_by_zero() -> tensor<2xi64> {
  %a = "onnx.Constant"() {value = dense<[6, 8]> : tensor<2xi64>} : () -> tensor<2xi64>
  %b = "onnx.Constant"() {value = dense<[2, 0]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0 = "onnx.Div"(%a, %b) : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Slice (with a negative step), Unsqueeze and Squeeze of constants; a float
// to int Cast truncates toward zero.
// CHECK-LABEL: func.func @slice_squeeze_cast
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<{{\[}}[6, 4]]> : tensor<1x2xi64>}>
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<[6, 4]> : tensor<2xi64>}>
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<[1, -2, 0]> : tensor<3xi32>}>
//   CHECK-NOT:   "onnx.Slice"
//   CHECK-NOT:   "onnx.Cast"
func.func @slice_squeeze_cast() -> (tensor<1x2xi64>, tensor<2xi64>, tensor<3xi32>) {
  %d = "onnx.Constant"() {value = dense<[2, 3, 4, 5, 6, 7]> : tensor<6xi64>} : () -> tensor<6xi64>
  %st = "onnx.Constant"() {value = dense<[-2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %en = "onnx.Constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %ax = "onnx.Constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %sp = "onnx.Constant"() {value = dense<[-2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %s = "onnx.Slice"(%d, %st, %en, %ax, %sp) : (tensor<6xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  %u = "onnx.Unsqueeze"(%s, %ax) : (tensor<2xi64>, tensor<1xi64>) -> tensor<1x2xi64>
  %sq = "onnx.Squeeze"(%u, %ax) : (tensor<1x2xi64>, tensor<1xi64>) -> tensor<2xi64>
  %f = "onnx.Constant"() {value_floats = [1.9 : f32, -2.7 : f32, 0.2 : f32]} : () -> tensor<3xf32>
  %c = "onnx.Cast"(%f) {to = 6 : i64} : (tensor<3xf32>) -> tensor<3xi32>
  return %u, %sq, %c : tensor<1x2xi64>, tensor<2xi64>, tensor<3xi32>
}

// -----

// value_float / value_int forms become `value`.
// CHECK-LABEL: func.func @normalize_constant
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<2.500000e+00> : tensor<f32>}>
//   CHECK-DAG:   "onnx.Constant"() <{value = dense<7> : tensor<i64>}>
//   CHECK-NOT:   value_float
//   CHECK-NOT:   value_int
func.func @normalize_constant() -> (tensor<f32>, tensor<i64>) {
  %0 = "onnx.Constant"() {value_float = 2.5 : f32} : () -> tensor<f32>
  %1 = "onnx.Constant"() {value_int = 7 : i64} : () -> tensor<i64>
  return %0, %1 : tensor<f32>, tensor<i64>
}

// -----

// A Dropout whose mask is used gets an all-true mask; one in training mode
// stays.
// CHECK-LABEL: func.func @dropout
//  CHECK-SAME:   (%[[X:[a-z0-9_]+]]: tensor<4xf32>
//       CHECK:   %[[MASK:.*]] = "onnx.Constant"() <{value = dense<true> : tensor<4xi1>}>
//       CHECK:   %[[T:[a-z0-9_#]+]], %{{.*}} = "onnx.Dropout"
//       CHECK:   return %[[X]], %[[MASK]], %[[T]]
func.func @dropout(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>, tensor<4xf32>) {
  %none = onnx.NoValue
  %d, %mask = "onnx.Dropout"(%x, %none, %none) : (tensor<4xf32>, none, none) -> (tensor<4xf32>, tensor<4xi1>)
  %true = "onnx.Constant"() {value = dense<true> : tensor<i1>} : () -> tensor<i1>
  %t, %tm = "onnx.Dropout"(%y, %none, %true) : (tensor<4xf32>, none, tensor<i1>) -> (tensor<4xf32>, tensor<4xi1>)
  return %d, %mask, %t : tensor<4xf32>, tensor<4xi1>, tensor<4xf32>
}

// -----

// Large data-producing folds respect max-elements.
// RUN: zellige-opt %s --zellige-onnx-fold-shapes="max-elements=4" -split-input-file | FileCheck %s --check-prefix=LIMIT
// LIMIT-LABEL: func.func @limit
//       LIMIT:   "onnx.Concat"
func.func @limit() -> tensor<8xi64> {
  %a = "onnx.Constant"() {value = dense<[1, 2, 3, 4]> : tensor<4xi64>} : () -> tensor<4xi64>
  %c = "onnx.Concat"(%a, %a) {axis = 0 : i64} : (tensor<4xi64>, tensor<4xi64>) -> tensor<8xi64>
  return %c : tensor<8xi64>
}
