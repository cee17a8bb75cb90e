// Imports a small Conv/MLP model and a model with a symbolic dimension:
// one onnx op per node, attributes as given, inferred result types, onnx.name
// on arguments and results, and NameLoc(node, file) locations.

// RUN: %python %S/Inputs/gen_model.py conv_mlp %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx --mlir-print-debuginfo | FileCheck %s
// RUN: %python %S/Inputs/gen_model.py symbolic %t.sym.onnx
// RUN: zellige-translate --import-onnx %t.sym.onnx | FileCheck %s --check-prefix=SYM
// RUN: zellige-translate --import-onnx %t.sym.onnx --onnx-input-shape=x:5x4 | FileCheck %s --check-prefix=SHAPE
// RUN: not zellige-translate --import-onnx %t.sym.onnx --onnx-input-shape=x:5x7 2>&1 | FileCheck %s --check-prefix=BADSHAPE
// RUN: not zellige-translate --import-onnx %t.sym.onnx --onnx-input-shape=nope:1 2>&1 | FileCheck %s --check-prefix=NOINPUT
// RUN: not zellige-translate --import-onnx %t.sym.onnx --onnx-input-shape=x:2xq 2>&1 | FileCheck %s --check-prefix=SYNTAX

// CHECK: #[[FILE:loc[0-9]*]] = loc("{{.*}}.onnx":0:0)
// CHECK: module attributes {onnx.opset = 17 : i64, onnx.source = "{{.*}}.onnx"}
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: tensor<1x3x8x8xf32> {onnx.name = "x"}
// CHECK-SAME: -> (tensor<1x10xf32> {onnx.name = "y"})
// CHECK: %[[NONE:.*]] = onnx.NoValue
// CHECK: %[[W:.*]] = "onnx.Constant"() <{value = dense<{{.*}}> : tensor<4x3x3x3xf32>}> : () -> tensor<4x3x3x3xf32> loc(#[[WLOC:loc[0-9]+]])
// CHECK: %[[B:.*]] = "onnx.Constant"() <{value = dense<{{.*}}> : tensor<4xf32>}>
// CHECK: %[[FC:.*]] = "onnx.Constant"() <{value = dense<{{.*}}> : tensor<10x64xf32>}>
// CHECK: %[[C:.*]] = "onnx.Conv"(%[[X]], %[[W]], %[[B]]) <{{{.*}}kernel_shape = [3, 3], pads = [1, 1, 1, 1], strides = [1, 1]}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> loc(#[[CONV:loc[0-9]+]])
// CHECK: %[[R:.*]] = "onnx.Relu"(%[[C]]) : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> loc(#[[RELU:loc[0-9]+]])
// The absent optional Indices output of MaxPool is `none`.
// CHECK: %[[P:.*]], %{{.*}} = "onnx.MaxPool"(%[[R]]) <{{{.*}}kernel_shape = [2, 2]{{.*}}strides = [2, 2]}> : (tensor<1x4x8x8xf32>) -> (tensor<1x4x4x4xf32>, none)
// CHECK: %[[F:.*]] = "onnx.Flatten"(%[[P]]) <{axis = 1 : i64}> : (tensor<1x4x4x4xf32>) -> tensor<1x64xf32>
// The missing trailing C input of Gemm is the shared onnx.NoValue.
// CHECK: %[[Y:.*]] = "onnx.Gemm"(%[[F]], %[[FC]], %[[NONE]]) <{{{.*}}transB = 1 : i64}> : (tensor<1x64xf32>, tensor<10x64xf32>, none) -> tensor<1x10xf32> loc(#[[GEMM:loc[0-9]+]])
// CHECK: return %[[Y]] : tensor<1x10xf32>
// CHECK-DAG: #[[WLOC]] = loc("w"(#[[FILE]]))
// CHECK-DAG: #[[CONV]] = loc("conv1"(#[[FILE]]))
// CHECK-DAG: #[[RELU]] = loc("relu1"(#[[FILE]]))
// An unnamed node is named after its operator and position.
// CHECK-DAG: #[[GEMM]] = loc("Gemm_4"(#[[FILE]]))

// SYM-LABEL: func.func @main(
// SYM-SAME: %[[X:.*]]: tensor<?x4xf32> {onnx.name = "x"}) -> (tensor<?x3xf32> {onnx.name = "y"})
// SYM: %[[NONE:.*]] = onnx.NoValue
// SYM: %[[W:.*]] = "onnx.Constant"() <{value = dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00], {{.*}}]> : tensor<4x3xf32>}>
// SYM: %[[HI:.*]] = "onnx.Constant"() <{value = dense<6.000000e+00> : tensor<f32>}>
// SYM: %[[M:.*]] = "onnx.MatMul"(%[[X]], %[[W]]) : (tensor<?x4xf32>, tensor<4x3xf32>) -> tensor<?x3xf32>
// An empty input name (Clip's min) is onnx.NoValue too.
// SYM: "onnx.Clip"(%[[M]], %[[NONE]], %[[HI]]) : (tensor<?x3xf32>, none, tensor<f32>) -> tensor<?x3xf32>

// SHAPE-LABEL: func.func @main(
// SHAPE-SAME: tensor<5x4xf32> {onnx.name = "x"}) -> (tensor<5x3xf32> {onnx.name = "y"})
// SHAPE: "onnx.MatMul"{{.*}} -> tensor<5x3xf32>

// BADSHAPE: error: input shape for 'x' sets dimension 1 to 7, but the model fixes it to 4
// NOINPUT: error: input shape given for 'nope', but the graph has no input of that name
// SYNTAX: error: --onnx-input-shape: bad dimension 'q' in 'x:2xq'
