// The training domain's Gradient is expanded into ONNX operations by
// reverse-mode differentiation: ones seed dy/dy, each forward operation gets
// its adjoint, a broadcast operand's adjoint is summed back to its shape
// (ReduceSum + Reshape), and MatMul's adjoints use transposes. An operation
// without a derivative rule is refused, naming it and its node.

// RUN: %python %S/Inputs/gen_model.py gradient_mlp %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx | FileCheck %s
// RUN: %python %S/Inputs/gen_model.py gradient_softmax %t.soft.onnx
// RUN: not zellige-translate --import-onnx %t.soft.onnx 2>&1 | FileCheck %s --check-prefix=NODIFF

// y = Sigmoid(x @ w + b) * x2
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3xf32> {onnx.name = "x"}, %[[W:[^:]*]]: tensor<3x4xf32> {onnx.name = "w"}, %[[B:[^:]*]]: tensor<4xf32> {onnx.name = "b"}, %[[X2:[^:]*]]: tensor<2x4xf32> {onnx.name = "x2"})
// CHECK-SAME: -> (tensor<2x3xf32> {onnx.name = "d_x"}, tensor<3x4xf32> {onnx.name = "d_w"}, tensor<4xf32> {onnx.name = "d_b"})
// CHECK: %[[S:.*]] = "onnx.Sigmoid"
// CHECK: %[[ONES:.*]] = "onnx.Constant"() <{value = dense<1.000000e+00> : tensor<2x4xf32>}>
// dy/ds = dy * x2
// CHECK: %[[GS:.*]] = "onnx.Mul"(%[[ONES]], %[[X2]])
// ds/dz = s * (1 - s)
// CHECK: %[[ONE:.*]] = "onnx.Constant"() <{value = dense<1.000000e+00> : tensor<f32>}>
// CHECK: %[[OMS:.*]] = "onnx.Sub"(%[[ONE]], %[[S]])
// CHECK: %[[SLOPE:.*]] = "onnx.Mul"(%[[S]], %[[OMS]])
// CHECK: %[[GZ:.*]] = "onnx.Mul"(%[[GS]], %[[SLOPE]])
// b was broadcast over the rows: its adjoint sums them.
// CHECK: %[[SUM:.*]] = "onnx.ReduceSum"(%[[GZ]], %{{.*}}) <{keepdims = 1 : i64{{.*}}}> : (tensor<2x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
// CHECK: %[[GB:.*]] = "onnx.Reshape"(%[[SUM]], %{{.*}}) {{.*}} -> tensor<4xf32>
// CHECK: %[[WT:.*]] = "onnx.Transpose"(%[[W]]) <{perm = [1, 0]}>
// CHECK: %[[XT:.*]] = "onnx.Transpose"(%[[X]]) <{perm = [1, 0]}>
// CHECK: %[[GX:.*]] = "onnx.MatMul"(%[[GZ]], %[[WT]]) : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
// CHECK: %[[GW:.*]] = "onnx.MatMul"(%[[XT]], %[[GZ]]) : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
// CHECK: return %[[GX]], %[[GW]], %[[GB]]

// NODIFF: error: node 'grad' (Gradient): cannot differentiate 'onnx.Softmax' (node 'soft') on the path from the xs to y ('y')
