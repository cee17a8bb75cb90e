// DFT becomes MatMuls with constant cosine and sine matrices (onesided: the
// first n / 2 + 1 columns; a real input's imaginary part is -x S), the parts
// stacked into the last dimension. MaxUnpool scatters X into zeros at its
// flat indices. Det of 2x2 matrices is a * d - b * c.

// RUN: %python %S/Inputs/gen_model.py signal %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK: %[[COS:.*]] = "onnx.Constant"() <{value = dense<{{\[\[}}1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 0.707106769, {{.*}}]]> : tensor<8x5xf32>}>
// CHECK: %[[SIN:.*]] = "onnx.Constant"() <{value = dense<{{\[\[}}0.000000e+00, 0.000000e+00, {{.*}}]]> : tensor<8x5xf32>}>
// CHECK: %[[RE:.*]] = "onnx.MatMul"(%[[X:.*]], %[[COS]]) : (tensor<2x8xf32>, tensor<8x5xf32>) -> tensor<2x5xf32>
// CHECK: %[[XS:.*]] = "onnx.MatMul"(%[[X]], %[[SIN]])
// CHECK: "onnx.Neg"(%[[XS]])
// CHECK: %[[Y:.*]] = "onnx.Concat"({{.*}}) <{axis = 2 : i64}> : (tensor<2x5x1xf32>, tensor<2x5x1xf32>) -> tensor<2x5x2xf32>
// CHECK: %[[ZEROS:.*]] = "onnx.Constant"() <{value = dense<0.000000e+00> : tensor<16xf32>}>
// CHECK: %[[SCATTER:.*]] = "onnx.ScatterElements"(%[[ZEROS]], {{.*}}) <{axis = 0 : i64, reduction = "none"}> : (tensor<16xf32>, tensor<4xi64>, tensor<4xf32>) -> tensor<16xf32>
// CHECK: %[[U:.*]] = "onnx.Reshape"(%[[SCATTER]], {{.*}}) -> tensor<1x1x4x4xf32>
// CHECK: %[[M:.*]] = "onnx.Reshape"(%arg3, {{.*}}) -> tensor<2x4xf32>
// CHECK-COUNT-4: "onnx.Slice"(%[[M]]
// CHECK: %[[AD:.*]] = "onnx.Mul"
// CHECK: %[[BC:.*]] = "onnx.Mul"
// CHECK: %[[DIFF:.*]] = "onnx.Sub"(%[[AD]], %[[BC]])
// CHECK: %[[D:.*]] = "onnx.Reshape"(%[[DIFF]], {{.*}}) -> tensor<2xf32>
// CHECK: return %[[Y]], %[[U]], %[[D]]
