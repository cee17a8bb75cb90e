// Initializers (raw_data and typed fields, every common element type, one
// that is also a graph input) and Constant nodes in each attribute form all
// become onnx.Constant ops with a dense `value`.

// RUN: %python %S/Inputs/gen_model.py initializers %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx | FileCheck %s

// `bias` is both an initializer and a graph input: it is a constant, not an
// argument.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2xf32> {onnx.name = "x"}) -> (
// CHECK-SAME: tensor<2xf32> {onnx.name = "y"}, tensor<2xf32> {onnx.name = "f32_raw"}
// CHECK: %[[F32RAW:.*]] = "onnx.Constant"() <{value = dense<[1.500000e+00, -2.000000e+00]> : tensor<2xf32>}>
// CHECK: %[[F32TYPED:.*]] = "onnx.Constant"() <{value = dense<[2.500000e-01, 4.000000e+00]> : tensor<2xf32>}>
// CHECK: "onnx.Constant"() <{value = dense<[1, -2, 3]> : tensor<3xi64>}>
// CHECK: "onnx.Constant"() <{value = dense<[7, -8]> : tensor<2xi32>}>
// CHECK: "onnx.Constant"() <{value = dense<[-3, 4]> : tensor<2xi8>}>
// CHECK: "onnx.Constant"() <{value = dense<[200, 1]> : tensor<2xui8>}>
// CHECK: "onnx.Constant"() <{value = dense<[true, false, true]> : tensor<3xi1>}>
// CHECK: "onnx.Constant"() <{value = dense<[true, false]> : tensor<2xi1>}>
// CHECK: "onnx.Constant"() <{value = dense<[1.000000e+00, 5.000000e-01]> : tensor<2xf16>}>
// CHECK: "onnx.Constant"() <{value = dense<2.500000e+00> : tensor<1xf64>}>
// CHECK: "onnx.Constant"() <{value = dense<12345678901> : tensor<1xui64>}>
// CHECK: "onnx.Constant"() <{value = dense<3.000000e+00> : tensor<f32>}> : () -> tensor<f32>
// CHECK: %[[BIAS:.*]] = "onnx.Constant"() <{value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}>
// Constant nodes: value, value_float, value_ints, value_int, value_floats.
// CHECK: %[[CT:.*]] = "onnx.Constant"() <{value = dense<[9.000000e+00, 8.000000e+00]> : tensor<2xf32>}>
// CHECK: %[[CF:.*]] = "onnx.Constant"() <{value = dense<5.000000e-01> : tensor<f32>}> : () -> tensor<f32>
// CHECK: "onnx.Constant"() <{value = dense<[4, 5, 6]> : tensor<3xi64>}> : () -> tensor<3xi64>
// CHECK: "onnx.Constant"() <{value = dense<7> : tensor<i64>}> : () -> tensor<i64>
// CHECK: "onnx.Constant"() <{value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}>
// CHECK: %[[A:.*]] = "onnx.Add"(%[[X]], %[[BIAS]])
// CHECK: %[[Y:.*]] = "onnx.Add"(%[[A]], %[[CT]])
// CHECK: return %[[Y]], %[[F32RAW]], %[[F32TYPED]], {{.*}}, %[[CF]],
