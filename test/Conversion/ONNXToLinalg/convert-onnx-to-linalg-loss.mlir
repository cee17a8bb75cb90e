// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss.

// Mean with weights and an ignored class: the picked (weighted, negated)
// log-probabilities summed, divided by the sum of the picked weights.
// CHECK-LABEL: func.func @nll_mean_weight_ii
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<3x5x2xf32>, %[[T:[a-zA-Z0-9_]+]]: tensor<3x2xi64>, %[[W:[a-zA-Z0-9_]+]]: tensor<5xf32>)
//       CHECK:   %[[LOSS:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[T]] : tensor<3x2xi64>) outs(%{{.*}} : tensor<3x2xf32>)
//       CHECK:     %[[IGN:[a-zA-Z0-9_]+]] = arith.cmpi eq, %{{.*}}, %c1_i64
//       CHECK:     %[[C:[a-zA-Z0-9_]+]] = arith.minsi
//       CHECK:     tensor.extract %[[W]][%[[C]]]
//       CHECK:     tensor.extract %[[X]][%{{.*}}, %[[C]], %{{.*}}]
//       CHECK:     arith.negf
//       CHECK:   %[[SUM:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[LOSS]]
//       CHECK:   %[[WTS:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[T]] : tensor<3x2xi64>)
//       CHECK:   %[[WSUM:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[WTS]]
//       CHECK:   %[[R:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[SUM]], %[[WSUM]] : tensor<f32>, tensor<f32>)
//       CHECK:     arith.divf
//       CHECK:   return %[[R]]
func.func @nll_mean_weight_ii(%x: tensor<3x5x2xf32>, %t: tensor<3x2xi64>, %w: tensor<5xf32>) -> tensor<f32> {
  %0 = "onnx.NegativeLogLikelihoodLoss"(%x, %t, %w) {ignore_index = 1 : i64, reduction = "mean"} : (tensor<3x5x2xf32>, tensor<3x2xi64>, tensor<5xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// reduction = none: the per-sample losses.
// CHECK-LABEL: func.func @nll_none
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<3x5xf32>, %[[T:[a-zA-Z0-9_]+]]: tensor<3xi64>)
//       CHECK:   %[[LOSS:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[T]] : tensor<3xi64>) outs(%{{.*}} : tensor<3xf32>)
//       CHECK:     tensor.extract %[[X]]
//       CHECK:   return %[[LOSS]]
func.func @nll_none(%x: tensor<3x5xf32>, %t: tensor<3xi64>) -> tensor<3xf32> {
  %none = onnx.NoValue
  %0 = "onnx.NegativeLogLikelihoodLoss"(%x, %t, %none) {reduction = "none"} : (tensor<3x5xf32>, tensor<3xi64>, none) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// SoftmaxCrossEntropyLoss: log-softmax over dim 1 (also the second
// result), then the negative log-likelihood summed.
// CHECK-LABEL: func.func @sce_sum_log_prob
//       CHECK:     arith.maximumf
//       CHECK:     math.exp
//       CHECK:   %[[LP:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<3x5xf32>)
//       CHECK:     math.log
//       CHECK:   linalg.generic
//       CHECK:     tensor.extract %[[LP]]
//       CHECK:   %[[SUM:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["reduction"]
//       CHECK:   return %[[SUM]], %[[LP]]
func.func @sce_sum_log_prob(%x: tensor<3x5xf32>, %t: tensor<3xi64>) -> (tensor<f32>, tensor<3x5xf32>) {
  %none = onnx.NoValue
  %0, %1 = "onnx.SoftmaxCrossEntropyLoss"(%x, %t, %none) {reduction = "sum"} : (tensor<3x5xf32>, tensor<3xi64>, none) -> (tensor<f32>, tensor<3x5xf32>)
  return %0, %1 : tensor<f32>, tensor<3x5xf32>
}
