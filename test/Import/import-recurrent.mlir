// RNN, GRU and LSTM are unrolled over their static sequence length: each
// step is MatMuls with the transposed weights (sliced per direction and
// gate), the activation, and the state passed to the next step; Y stacks the
// steps' states and Y_h is the last one. Unsupported attributes are refused.

// RUN: %python %S/Inputs/gen_model.py rnn %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx | FileCheck %s
// RUN: %python %S/Inputs/gen_model.py rnn_clip %t.clip.onnx
// RUN: not zellige-translate --import-onnx %t.clip.onnx 2>&1 | FileCheck %s --check-prefix=CLIP

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: tensor<2x1x3xf32> {onnx.name = "X"}) -> (tensor<2x1x1x4xf32> {onnx.name = "Y"}, tensor<1x1x4xf32> {onnx.name = "Y_h"})
// CHECK: %[[WT:.*]] = "onnx.Transpose"({{.*}}) <{perm = [1, 0]}> : (tensor<4x3xf32>) -> tensor<3x4xf32>
// CHECK: %[[RT:.*]] = "onnx.Transpose"({{.*}}) <{perm = [1, 0]}> : (tensor<4x4xf32>) -> tensor<4x4xf32>
// CHECK: %[[H0:.*]] = "onnx.Constant"() <{value = dense<0.000000e+00> : tensor<1x4xf32>}>
// Step 0 reads X[0] and the zero state. (The order of the two MatMuls of
// a step depends on the C++ compiler's argument evaluation order.)
// CHECK-DAG: %[[HR0:.*]] = "onnx.MatMul"(%[[H0]], %[[RT]])
// CHECK-DAG: %[[XW0:.*]] = "onnx.MatMul"({{%[0-9]+}}, %[[WT]])
// CHECK: %[[S0:.*]] = "onnx.Add"(%[[XW0]], %[[HR0]])
// CHECK: %[[H1:.*]] = "onnx.Tanh"(%[[S0]])
// Step 1 reads X[1] and step 0's state.
// CHECK-DAG: %[[HR1:.*]] = "onnx.MatMul"(%[[H1]], %[[RT]])
// CHECK-DAG: %[[XW1:.*]] = "onnx.MatMul"({{%[0-9]+}}, %[[WT]])
// CHECK: %[[S1:.*]] = "onnx.Add"(%[[XW1]], %[[HR1]])
// CHECK: %[[H2:.*]] = "onnx.Tanh"(%[[S1]])
// CHECK: %[[Y0:.*]] = "onnx.Reshape"(%[[H1]]
// CHECK: %[[Y1:.*]] = "onnx.Reshape"(%[[H2]]
// CHECK: %[[Y:.*]] = "onnx.Concat"(%[[Y0]], %[[Y1]]) <{axis = 0 : i64}>
// CHECK: %[[YH:.*]] = "onnx.Reshape"(%[[H2]]
// CHECK: return %[[Y]], %[[YH]]

// CLIP: error: node 'rnn' (RNN): attribute 'clip' is not supported
