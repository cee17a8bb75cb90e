// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// Operators that read or write elements at computed indices: ScatterElements,
// ScatterND, GatherND, Resize, and the window generators.

// ScatterElements: a reduction over the updates along the axis, combining
// (add) those whose index names the output element; the data is the init.
// CHECK-LABEL: func.func @scatter_elements_add
//  CHECK-SAME:   (%[[D:[a-zA-Z0-9_]+]]: tensor<3x3xf32>, %[[I:[a-zA-Z0-9_]+]]: tensor<2x3xi64>, %[[U:[a-zA-Z0-9_]+]]: tensor<2x3xf32>)
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}} : tensor<2xf32>) outs(%[[D]] : tensor<3x3xf32>)
//       CHECK:     tensor.extract %[[I]]
//       CHECK:     arith.cmpi eq
//       CHECK:     tensor.extract %[[U]]
//       CHECK:     arith.addf
//       CHECK:     arith.select
func.func @scatter_elements_add(%d: tensor<3x3xf32>, %i: tensor<2x3xi64>, %u: tensor<2x3xf32>) -> tensor<3x3xf32> {
  %0 = "onnx.ScatterElements"(%d, %i, %u) {axis = 0 : i64, reduction = "add"} : (tensor<3x3xf32>, tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// ScatterND: a reduction over the index tuples; the last match wins.
// CHECK-LABEL: func.func @scatter_nd
//  CHECK-SAME:   (%[[D:[a-zA-Z0-9_]+]]: tensor<4x4xf32>, %[[I:[a-zA-Z0-9_]+]]: tensor<2x1xi64>, %[[U:[a-zA-Z0-9_]+]]: tensor<2x4xf32>)
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}} : tensor<2xf32>) outs(%[[D]] : tensor<4x4xf32>)
//       CHECK:     tensor.extract %[[I]]
//       CHECK:     arith.cmpi eq
//       CHECK:     tensor.extract %[[U]]
//       CHECK:     arith.select
func.func @scatter_nd(%d: tensor<4x4xf32>, %i: tensor<2x1xi64>, %u: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %0 = "onnx.ScatterND"(%d, %i, %u) : (tensor<4x4xf32>, tensor<2x1xi64>, tensor<2x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// CHECK-LABEL: func.func @gather_nd
//  CHECK-SAME:   (%[[D:[a-zA-Z0-9_]+]]: tensor<2x3x4xf32>, %[[I:[a-zA-Z0-9_]+]]: tensor<2x1xi64>)
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<2x4xf32>)
//       CHECK:     %[[B:[a-zA-Z0-9_]+]] = linalg.index 0
//       CHECK:     tensor.extract %[[I]][%[[B]], %{{.*}}]
//       CHECK:     %[[J:[a-zA-Z0-9_]+]] = arith.minsi
//       CHECK:     %[[K:[a-zA-Z0-9_]+]] = linalg.index 1
//       CHECK:     tensor.extract %[[D]][%[[B]], %[[J]], %[[K]]]
func.func @gather_nd(%d: tensor<2x3x4xf32>, %i: tensor<2x1xi64>) -> tensor<2x4xf32> {
  %0 = "onnx.GatherND"(%d, %i) {batch_dims = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x1xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Resize (linear, run-time scales): source coordinates per resized dim from
// the scales, two clamped taps each.
// CHECK-LABEL: func.func @resize_linear
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<1x1x2x2xf32>, %[[S:[a-zA-Z0-9_]+]]: tensor<4xf32>)
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x4x4xf32>)
//       CHECK:     tensor.extract %[[S]][%c2]
//       CHECK:     tensor.extract %[[S]][%c3]
//       CHECK:     math.floor
//   CHECK-COUNT-4:     tensor.extract %[[X]]
func.func @resize_linear(%x: tensor<1x1x2x2xf32>, %scales: tensor<4xf32>) -> tensor<1x1x4x4xf32> {
  %none = onnx.NoValue
  %0 = "onnx.Resize"(%x, %none, %scales, %none) {mode = "linear"} : (tensor<1x1x2x2xf32>, none, tensor<4xf32>, none) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Resize (nearest, floor, asymmetric) with sizes: the scale is the size
// ratio.
// CHECK-LABEL: func.func @resize_nearest_sizes
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<1x1x2x2xf32>
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<1x1x3x4xf32>)
//       CHECK:     math.floor
//       CHECK:     math.floor
//       CHECK:     tensor.extract %[[X]]
func.func @resize_nearest_sizes(%x: tensor<1x1x2x2xf32>, %sizes: tensor<4xi64>) -> tensor<1x1x3x4xf32> {
  %none = onnx.NoValue
  %0 = "onnx.Resize"(%x, %none, %none, %sizes) {nearest_mode = "floor", coordinate_transformation_mode = "asymmetric"} : (tensor<1x1x2x2xf32>, none, none, tensor<4xi64>) -> tensor<1x1x3x4xf32>
  return %0 : tensor<1x1x3x4xf32>
}

// -----

// The window length comes from the result type; f32 results are computed in
// f32.
// CHECK-LABEL: func.func @hann_window
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<10xf32>)
//       CHECK:     arith.sitofp %{{.*}} : i64 to f32
//       CHECK:     math.cos %{{.*}} : f32
func.func @hann_window(%n: tensor<i64>) -> tensor<10xf32> {
  %0 = "onnx.HannWindow"(%n) {periodic = 0 : i64} : (tensor<i64>) -> tensor<10xf32>
  return %0 : tensor<10xf32>
}
