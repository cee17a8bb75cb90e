// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// Reductions, Softmax, LogSoftmax and LayerNormalization.

// ReduceSum with a constant axes operand and keepdims.
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[RED1:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @reduce_sum_keepdims
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<2x4x8xf32>)
//       CHECK:   %[[ZERO:[a-zA-Z0-9_]+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[F:[a-zA-Z0-9_]+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2x8xf32>)
//       CHECK:   %[[R:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID3]], #[[RED1]]], iterator_types = ["parallel", "reduction", "parallel"]}
//  CHECK-SAME:     ins(%[[X]] : tensor<2x4x8xf32>) outs(%[[F]] : tensor<2x8xf32>)
//       CHECK:     arith.addf
//       CHECK:   %[[E:[a-zA-Z0-9_]+]] = tensor.expand_shape %[[R]] {{\[}}[0], [1, 2]] output_shape [2, 1, 8]
//       CHECK:   return %[[E]]
func.func @reduce_sum_keepdims(%x: tensor<2x4x8xf32>) -> tensor<2x1x8xf32> {
  %ax = "onnx.Constant"() {value = dense<[1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = "onnx.ReduceSum"(%x, %ax) : (tensor<2x4x8xf32>, tensor<1xi64>) -> tensor<2x1x8xf32>
  return %0 : tensor<2x1x8xf32>
}

// -----

// ReduceSum without axes and noop_with_empty_axes is the identity.
// CHECK-LABEL: func.func @reduce_sum_noop
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<2x4xf32>)
//  CHECK-NEXT:   return %[[X]]
func.func @reduce_sum_noop(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %none = onnx.NoValue
  %0 = "onnx.ReduceSum"(%x, %none) {noop_with_empty_axes = 1 : i64} : (tensor<2x4xf32>, none) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// ReduceMean over two axes (one negative), keepdims = 0.
// CHECK-LABEL: func.func @reduce_mean
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]
//  CHECK-SAME:     outs(%{{.*}} : tensor<2xf32>)
//       CHECK:     arith.addf
//       CHECK:   linalg.generic
//       CHECK:     arith.constant 3.200000e+01 : f32
//       CHECK:     arith.divf
//   CHECK-NOT:   tensor.expand_shape
func.func @reduce_mean(%x: tensor<2x4x8xf32>) -> tensor<2xf32> {
  %0 = "onnx.ReduceMean"(%x) {axes = [1, -1], keepdims = 0 : i64} : (tensor<2x4x8xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Max/Min/Prod/L2 reductions over all axes (no axes attribute).
// CHECK-LABEL: func.func @reduce_kinds
//       CHECK:   arith.constant 0xFF800000 : f32
//       CHECK:     arith.maximumf
//       CHECK:   tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
//       CHECK:   arith.constant 0x7F800000 : f32
//       CHECK:     arith.minimumf
//       CHECK:   arith.constant 1.000000e+00 : f32
//       CHECK:     arith.mulf
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
//       CHECK:     math.sqrt
func.func @reduce_kinds(%x: tensor<3x4xf32>) -> (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>) {
  %0 = "onnx.ReduceMax"(%x) : (tensor<3x4xf32>) -> tensor<1x1xf32>
  %1 = "onnx.ReduceMin"(%x) : (tensor<3x4xf32>) -> tensor<1x1xf32>
  %2 = "onnx.ReduceProd"(%x) : (tensor<3x4xf32>) -> tensor<1x1xf32>
  %3 = "onnx.ReduceL2"(%x) : (tensor<3x4xf32>) -> tensor<1x1xf32>
  return %0, %1, %2, %3 : tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1xf32>
}

// -----

// Integer ReduceMax starts from the smallest signed value.
// CHECK-LABEL: func.func @reduce_max_int
//       CHECK:   arith.constant -2147483648 : i32
//       CHECK:     arith.maxsi
func.func @reduce_max_int(%x: tensor<3x4xi32>) -> tensor<3x1xi32> {
  %0 = "onnx.ReduceMax"(%x) {axes = [1]} : (tensor<3x4xi32>) -> tensor<3x1xi32>
  return %0 : tensor<3x1xi32>
}

// -----

// Softmax: max-subtract, exp, sum, divide.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<2x5xf32>)
//       CHECK:   %[[MAX:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
//       CHECK:     arith.maximumf
//       CHECK:   %[[EXP:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[X]], %[[MAX]] : tensor<2x5xf32>, tensor<2xf32>)
//       CHECK:     arith.subf
//       CHECK:     math.exp
//       CHECK:   %[[SUM:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
//  CHECK-SAME:     ins(%[[EXP]] : tensor<2x5xf32>)
//       CHECK:     arith.addf
//       CHECK:   %[[Y:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]]
//  CHECK-SAME:     ins(%[[EXP]], %[[SUM]] : tensor<2x5xf32>, tensor<2xf32>)
//       CHECK:     arith.divf
//       CHECK:   return %[[Y]]
func.func @softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = "onnx.Softmax"(%x) : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// Softmax over a middle axis.
// CHECK-DAG: #[[MID:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @softmax_axis
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
//       CHECK:   linalg.generic {indexing_maps = [#{{.*}}, #[[MID]], #{{.*}}]
func.func @softmax_axis(%x: tensor<2x5x3xf32>) -> tensor<2x5x3xf32> {
  %0 = "onnx.Softmax"(%x) {axis = 1 : i64} : (tensor<2x5x3xf32>) -> tensor<2x5x3xf32>
  return %0 : tensor<2x5x3xf32>
}

// -----

// LogSoftmax: (x - max) - log(sum(exp(x - max))).
// CHECK-LABEL: func.func @log_softmax
//       CHECK:   %[[MAX:[a-zA-Z0-9_]+]] = linalg.generic
//       CHECK:     arith.maximumf
//       CHECK:   %[[SUM:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//  CHECK-SAME:     ins(%{{.*}}, %[[MAX]] :
//       CHECK:     math.exp
//       CHECK:     arith.addf
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%{{.*}}, %[[MAX]], %[[SUM]] :
//       CHECK:     arith.subf
//       CHECK:     math.log
//       CHECK:     arith.subf
func.func @log_softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %0 = "onnx.LogSoftmax"(%x) : (tensor<2x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// LayerNormalization over the last axis: sum, centered sum of squares, then
// one normalizing generic with scale and bias.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[RED:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<2x4x8xf32>, %[[S:[a-zA-Z0-9_]+]]: tensor<8xf32>, %[[B:[a-zA-Z0-9_]+]]: tensor<8xf32>)
//       CHECK:   %[[SUM:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]]], iterator_types = ["parallel", "parallel", "reduction"]}
//       CHECK:   %[[SQ:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[RED]]], iterator_types = ["parallel", "parallel", "reduction"]}
//  CHECK-SAME:     ins(%[[X]], %[[SUM]] :
//       CHECK:     arith.constant 1.250000e-01 : f32
//       CHECK:   linalg.generic {indexing_maps = [#[[ID]], #[[RED]], #[[RED]], #[[LAST]], #[[LAST]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
//  CHECK-SAME:     ins(%[[X]], %[[SUM]], %[[SQ]], %[[S]], %[[B]] :
//       CHECK:     arith.constant 9.99999974E-6 : f32
//       CHECK:     math.sqrt
//       CHECK:     arith.divf
func.func @layer_norm(%x: tensor<2x4x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x4x8xf32> {
  %0, %m, %i = "onnx.LayerNormalization"(%x, %s, %b) {axis = -1 : i64} : (tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x4x8xf32>, none, none)
  return %0 : tensor<2x4x8xf32>
}

// -----

// f16 LayerNormalization accumulates in f32 (stash_type 1) and can return
// the Mean output with the normalized dims kept.
// CHECK-LABEL: func.func @layer_norm_f16
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<2xf32>)
//       CHECK:     arith.extf %{{.*}} : f16 to f32
//       CHECK:     arith.truncf %{{.*}} : f32 to f16
//       CHECK:   tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [2, 1] : tensor<2xf32> into tensor<2x1xf32>
func.func @layer_norm_f16(%x: tensor<2x8xf16>, %s: tensor<8xf16>) -> (tensor<2x8xf16>, tensor<2x1xf32>) {
  %none = onnx.NoValue
  %0, %m, %i = "onnx.LayerNormalization"(%x, %s, %none) : (tensor<2x8xf16>, tensor<8xf16>, none) -> (tensor<2x8xf16>, tensor<2x1xf32>, none)
  return %0, %m : tensor<2x8xf16>, tensor<2x1xf32>
}
