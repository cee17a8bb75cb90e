// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// Slice with run-time parameters, MaxPool with Indices, training-mode
// BatchNormalization and ReverseSequence.

// Slice with run-time starts, axes and steps: the result type gives the
// sizes; each output index reads start + i * step, start clamped per dim.
// CHECK-LABEL: func.func @slice_runtime
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<20x10xf32>, %[[S:[a-zA-Z0-9_]+]]: tensor<1xi64>, %{{.*}}: tensor<1xi64>, %[[A:[a-zA-Z0-9_]+]]: tensor<1xi64>, %[[ST:[a-zA-Z0-9_]+]]: tensor<1xi64>)
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<20x3xf32>)
//       CHECK:     tensor.extract %[[A]]
//       CHECK:     tensor.extract %[[S]]
//       CHECK:     tensor.extract %[[ST]]
//       CHECK:     arith.muli
//       CHECK:     %[[I0:[a-zA-Z0-9_]+]] = arith.index_cast %{{.*}} : i64 to index
//       CHECK:     %[[I1:[a-zA-Z0-9_]+]] = arith.index_cast %{{.*}} : i64 to index
//       CHECK:     tensor.extract %[[X]][%[[I0]], %[[I1]]]
func.func @slice_runtime(%x: tensor<20x10xf32>, %s: tensor<1xi64>, %e: tensor<1xi64>, %a: tensor<1xi64>, %st: tensor<1xi64>) -> tensor<20x3xf32> {
  %0 = "onnx.Slice"(%x, %s, %e, %a, %st) : (tensor<20x10xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<20x3xf32>
  return %0 : tensor<20x3xf32>
}

// -----

// MaxPool with Indices: the max, then the smallest flat input index
// holding it inside each window.
// CHECK-LABEL: func.func @maxpool_indices
//       CHECK:   %[[MAX:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
//       CHECK:     arith.maximumf
//       CHECK:   linalg.fill ins(%{{.*}} : i64)
//       CHECK:   %[[IDX:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %[[MAX]] :
//       CHECK:     arith.cmpf oeq
//       CHECK:     arith.minsi
//       CHECK:   return %[[MAX]], %[[IDX]]
func.func @maxpool_indices(%x: tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) {
  %0, %i = "onnx.MaxPool"(%x) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>)
  return %0, %i : tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>
}

// -----

// Training-mode BatchNormalization: batch statistics over (N, spatial),
// normalization, and the blended running statistics.
// CHECK-LABEL: func.func @batchnorm_training
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
//       CHECK:   %[[MEAN:[a-zA-Z0-9_]+]] = linalg.generic
//       CHECK:   linalg.generic {{.*}} iterator_types = ["reduction", "parallel", "reduction"]
//       CHECK:   %[[VAR:[a-zA-Z0-9_]+]] = linalg.generic
//       CHECK:   %[[Y:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%{{.*}}, %[[MEAN]], %[[VAR]],
//       CHECK:     math.sqrt
//       CHECK:   %[[RM:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%{{.*}}, %[[MEAN]] :
//       CHECK:   %[[RV:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%{{.*}}, %[[VAR]] :
//       CHECK:   return %[[Y]], %[[RM]], %[[RV]]
func.func @batchnorm_training(%x: tensor<2x3x4xf32>, %p: tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %0, %rm, %rv = "onnx.BatchNormalization"(%x, %p, %p, %p, %p) {training_mode = 1 : i64} : (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>)
  return %0, %rm, %rv : tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-DAG: #[[BATCH:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @reverse_sequence
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<4x3xf32>, %[[L:[a-zA-Z0-9_]+]]: tensor<3xi64>)
//       CHECK:   linalg.generic {indexing_maps = [#[[BATCH]], #{{.*}}], {{.*}} ins(%[[L]] : tensor<3xi64>)
//       CHECK:     arith.cmpi slt
//       CHECK:     arith.select
//       CHECK:     tensor.extract %[[X]]
func.func @reverse_sequence(%x: tensor<4x3xf32>, %l: tensor<3xi64>) -> tensor<4x3xf32> {
  %0 = "onnx.ReverseSequence"(%x, %l) : (tensor<4x3xf32>, tensor<3xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
