// MatMulInteger, ConvInteger, QLinearMatMul and QLinearConv are expanded
// into ONNX arithmetic: operands cast and shifted by their zero points (a
// per-row zero point of A reshaped to a column, per-channel ones of W to
// [M, 1, 1, 1]), an int32 MatMul or an f64 Conv, and for QLinear* the f64
// requantization: bias, times scale_x * scale_w / scale_y, Round, + the
// output zero point, Clip to the output type, Cast.

// RUN: %python %S/Inputs/gen_model.py integer_ops %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK: %[[A:.*]] = "onnx.Cast"(%arg0) <{to = 6 : i64}> : (tensor<3x4xui8>) -> tensor<3x4xi32>
// CHECK: %[[AZ:.*]] = "onnx.Reshape"{{.*}} : (tensor<3xi32>, tensor<2xi64>) -> tensor<3x1xi32>
// CHECK: %[[AS:.*]] = "onnx.Sub"(%[[A]], %[[AZ]]) : (tensor<3x4xi32>, tensor<3x1xi32>) -> tensor<3x4xi32>
// CHECK: %[[B:.*]] = "onnx.Cast"(%arg1) <{to = 6 : i64}> : (tensor<4x2xui8>) -> tensor<4x2xi32>
// CHECK: %[[Y:.*]] = "onnx.MatMul"(%[[AS]], %[[B]]) : (tensor<3x4xi32>, tensor<4x2xi32>) -> tensor<3x2xi32>
// CHECK: "onnx.Reshape"{{.*}} : (tensor<3xf64>, tensor<4xi64>) -> tensor<3x1x1x1xf64>
// CHECK: %[[CONV:.*]] = "onnx.Conv"({{.*}}) <{auto_pad = "NOTSET", group = 1 : i64, pads = [1, 1, 1, 1]}> : (tensor<1x2x5x5xf64>, tensor<3x2x3x3xf64>, none) -> tensor<1x3x5x5xf64>
// CHECK: "onnx.Reshape"{{.*}} : (tensor<3xf32>, tensor<4xi64>) -> tensor<1x3x1x1xf32>
// CHECK: %[[BIASED:.*]] = "onnx.Add"(%[[CONV]], %{{.*}}) : (tensor<1x3x5x5xf64>, tensor<1x3x1x1xf64>)
// CHECK: %[[SCALED:.*]] = "onnx.Mul"(%[[BIASED]], %{{.*}}) : (tensor<1x3x5x5xf64>, tensor<1x3x1x1xf64>)
// CHECK: %[[ROUND:.*]] = "onnx.Round"(%[[SCALED]])
// CHECK: %[[SHIFT:.*]] = "onnx.Add"(%[[ROUND]], %{{.*}})
// CHECK: "onnx.Constant"() <{value = dense<0.000000e+00> : tensor<f64>}>
// CHECK: "onnx.Constant"() <{value = dense<2.550000e+02> : tensor<f64>}>
// CHECK: %[[CLIP:.*]] = "onnx.Clip"(%[[SHIFT]]
// CHECK: %[[OUT:.*]] = "onnx.Cast"(%[[CLIP]]) <{to = 2 : i64}> : (tensor<1x3x5x5xf64>) -> tensor<1x3x5x5xui8>
// CHECK: return %[[Y]], %[[OUT]]
