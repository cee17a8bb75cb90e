// RUN: zellige-opt %s --zellige-onnx-to-linalg-pipeline | FileCheck %s

// Shape arithmetic with Neg folds: the ConstantOfShape gets a static type, so
// the Add that uses it lowers (as in the expanded LayerNormalization tests).

// CHECK-LABEL: func.func @main
//  CHECK-SAME:   -> (tensor<2xf32> {onnx.name = "y"})
//   CHECK-NOT:   onnx.
//       CHECK:   arith.constant dense<1.000000e+00> : tensor<2xf32>
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<2xf32>)
//       CHECK:     arith.addf
//   CHECK-NOT:   onnx.
module attributes {onnx.opset = 17 : i64} {
  func.func @main(%x: tensor<2xf32> {onnx.name = "x"}) -> (tensor<2xf32> {onnx.name = "y"}) {
    %c = "onnx.Constant"() {value = dense<[-2]> : tensor<1xi64>} : () -> tensor<1xi64>
    %n = "onnx.Neg"(%c) : (tensor<1xi64>) -> tensor<1xi64>
    %z = "onnx.ConstantOfShape"(%n) {value = dense<1.0> : tensor<1xf32>} : (tensor<1xi64>) -> tensor<?xf32>
    %y = "onnx.Add"(%x, %z) : (tensor<2xf32>, tensor<?xf32>) -> tensor<2xf32>
    return %y : tensor<2xf32>
  }
}
