// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// InstanceNormalization, MeanVarianceNormalization, LRN, ReduceLogSum and
// ReduceSum with run-time axes.

// InstanceNormalization: mean and variance over the spatial dims per
// (n, c), then scale[c] and B[c].
// CHECK-DAG: #[[RED:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @instance_norm
//       CHECK:   %[[SUM:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:   %[[MEAN:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[SUM]]
//       CHECK:   %[[SQ:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:   %[[VAR:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[SQ]]
//       CHECK:   linalg.generic {indexing_maps = [#{{.*}}, #[[RED]], #[[RED]], #[[CH]], #[[CH]], #{{.*}}]
//       CHECK:     math.sqrt
//       CHECK:     arith.divf
func.func @instance_norm(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<2x3x4xf32> {
  %0 = "onnx.InstanceNormalization"(%x, %s, %b) : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// MeanVarianceNormalization over the default axes (0, 2, 3).
// CHECK-LABEL: func.func @mvn
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction", "reduction"]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction", "reduction"]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]
//       CHECK:     math.sqrt
//       CHECK:     arith.addf
//       CHECK:     arith.divf
func.func @mvn(%x: tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32> {
  %0 = "onnx.MeanVarianceNormalization"(%x) : (tensor<2x3x4x4xf32>) -> tensor<2x3x4x4xf32>
  return %0 : tensor<2x3x4x4xf32>
}

// -----

// LRN: squares padded along the channels, a windowed sum, then the
// normalization.
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d4, d2, d3)>
// CHECK-LABEL: func.func @lrn
//       CHECK:   tensor.pad %{{.*}} low[0, 1, 0, 0] high[0, 1, 0, 0]
//       CHECK:   linalg.generic {indexing_maps = [#[[WIN]], {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
//       CHECK:     math.powf
//       CHECK:     arith.divf
func.func @lrn(%x: tensor<1x5x2x2xf32>) -> tensor<1x5x2x2xf32> {
  %0 = "onnx.LRN"(%x) {size = 3 : i64} : (tensor<1x5x2x2xf32>) -> tensor<1x5x2x2xf32>
  return %0 : tensor<1x5x2x2xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_log_sum
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.addf
//       CHECK:     math.log
//       CHECK:   tensor.expand_shape
func.func @reduce_log_sum(%x: tensor<3x4xf32>) -> tensor<3x1xf32> {
  %0 = "onnx.ReduceLogSum"(%x) {axes = [1]} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  return %0 : tensor<3x1xf32>
}

// -----

// Axes known only at run time: the static result type (keepdims) fixes
// them to dim 1.
// CHECK-LABEL: func.func @reduce_sum_runtime_axes
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "parallel"]
//       CHECK:   tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [3, 1, 2]
func.func @reduce_sum_runtime_axes(%x: tensor<3x2x2xf32>, %axes: tensor<1xi64>) -> tensor<3x1x2xf32> {
  %0 = "onnx.ReduceSum"(%x, %axes) : (tensor<3x2x2xf32>, tensor<1xi64>) -> tensor<3x1x2xf32>
  return %0 : tensor<3x1x2xf32>
}
