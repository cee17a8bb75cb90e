// RUN: zellige-opt %s --zellige-onnx-to-linalg-pipeline | FileCheck %s

// The pipeline folds the shape computation, lowers everything and cleans up:
// the Reshape target shape comes from Shape/Gather/Concat, so the Reshape
// gets a static type and its reshapes cancel out; duplicate constants are
// CSE'd into one zero.

// CHECK-LABEL: func.func @main
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<1x3x8x8xf32> {onnx.name = "x"}) -> (tensor<1x10xf32> {onnx.name = "y"})
//   CHECK-NOT:   onnx.
//       CHECK:   %[[W:[a-zA-Z0-9_]+]] = arith.constant dense<1.000000e-01> : tensor<4x3x3x3xf32>
//       CHECK:   arith.constant 0.000000e+00 : f32
//   CHECK-NOT:   arith.constant 0.000000e+00 : f32
//       CHECK:   %[[P:[a-zA-Z0-9_]+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:   %[[CONV:[a-zA-Z0-9_]+]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[P]], %[[W]] :
//       CHECK:   %[[RELU:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[CONV]] : tensor<1x4x8x8xf32>)
//       CHECK:     arith.maximumf
//       CHECK:   %[[SUM:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[RELU]] : tensor<1x4x8x8xf32>)
//       CHECK:   %[[AVG:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<1x4xf32>)
//       CHECK:     arith.divf
//   CHECK-NOT:   tensor.reshape
//   CHECK-NOT:   tensor.expand_shape
//       CHECK:   %[[MM:[a-zA-Z0-9_]+]] = linalg.matmul ins(%[[AVG]], %{{.*}} : tensor<1x4xf32>, tensor<4x10xf32>)
//       CHECK:   %[[Y:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[MM]], %{{.*}} : tensor<1x10xf32>, tensor<10xf32>)
//       CHECK:   return %[[Y]] : tensor<1x10xf32>
//   CHECK-NOT:   onnx.
module attributes {onnx.opset = 17 : i64} {
  func.func @main(%x: tensor<1x3x8x8xf32> {onnx.name = "x"}) -> (tensor<1x10xf32> {onnx.name = "y"}) {
    %w = "onnx.Constant"() {value = dense<0.1> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
    %fcw = "onnx.Constant"() {value = dense<0.2> : tensor<4x10xf32>} : () -> tensor<4x10xf32>
    %fcb = "onnx.Constant"() {value = dense<0.3> : tensor<10xf32>} : () -> tensor<10xf32>
    %none = onnx.NoValue
    %0 = "onnx.Conv"(%x, %w, %none) {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
    %1 = "onnx.Relu"(%0) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    %2 = "onnx.GlobalAveragePool"(%1) : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
    %s = "onnx.Shape"(%2) : (tensor<1x4x1x1xf32>) -> tensor<4xi64>
    %i = "onnx.Constant"() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
    %n = "onnx.Gather"(%s, %i) : (tensor<4xi64>, tensor<1xi64>) -> tensor<1xi64>
    %m1 = "onnx.Constant"() {value = dense<-1> : tensor<1xi64>} : () -> tensor<1xi64>
    %shape = "onnx.Concat"(%n, %m1) {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
    %3 = "onnx.Reshape"(%2, %shape) : (tensor<1x4x1x1xf32>, tensor<2xi64>) -> tensor<?x?xf32>
    %4 = "onnx.Gemm"(%3, %fcw, %fcb) : (tensor<?x?xf32>, tensor<4x10xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    return %4 : tensor<1x10xf32>
  }
}
