// The training domain's optimizers become elementwise ONNX operations per
// optimized tensor. Nesterov Momentum: G' = norm * X + G,
// V_new = alpha * V + (T > 0 ? beta : 1) * G', X_new = X - R * (G' + alpha *
// V_new). The model imports no default-domain opset; the importer supplies
// the canonical one.

// RUN: %python %S/Inputs/gen_model.py momentum %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx | FileCheck %s

// CHECK: module attributes {onnx.opset = 17 : i64
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[R:[^:]*]]: tensor<f32> {onnx.name = "R"}, %[[T:[^:]*]]: tensor<i64> {onnx.name = "T"}, %[[X1:[^:]*]]: tensor<2xf32> {onnx.name = "X1"}
// CHECK-SAME: -> (tensor<2xf32> {onnx.name = "X1_new"}, tensor<3x2xf32> {onnx.name = "X2_new"}, tensor<2xf32> {onnx.name = "V1_new"}, tensor<3x2xf32> {onnx.name = "V2_new"})
// CHECK: %[[TF:.*]] = "onnx.Cast"(%[[T]]) <{to = 1 : i64}>
// CHECK: %[[POS:.*]] = "onnx.Greater"(%[[TF]]
// CHECK: %[[NORM:.*]] = "onnx.Constant"() <{value = dense<0.00999999977> : tensor<f32>}>
// CHECK: %[[NX:.*]] = "onnx.Mul"(%[[NORM]], %[[X1]])
// CHECK: %[[GREG:.*]] = "onnx.Add"(%[[NX]], %arg4)
// CHECK: %[[BETA:.*]] = "onnx.Where"(%[[POS]]
// (The two products' order depends on the C++ compiler's argument
// evaluation order.)
// CHECK-DAG: %[[BG:.*]] = "onnx.Mul"(%[[BETA]], %[[GREG]])
// CHECK-DAG: %[[AV:.*]] = "onnx.Mul"(%{{.*}}, %arg6)
// CHECK: %[[VNEW:.*]] = "onnx.Add"(%[[AV]], %[[BG]])
// CHECK: %[[AVN:.*]] = "onnx.Mul"(%{{.*}}, %[[VNEW]])
// CHECK: %[[STEP:.*]] = "onnx.Add"(%[[GREG]], %[[AVN]])
// CHECK: %[[RS:.*]] = "onnx.Mul"(%[[R]], %[[STEP]])
// CHECK: %[[XNEW:.*]] = "onnx.Sub"(%[[X1]], %[[RS]])
// CHECK: return %[[XNEW]], %{{.*}}, %[[VNEW]], %{{.*}}
