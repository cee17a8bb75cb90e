// Sequences whose positions are constants become tensor operations while
// importing: SequenceAt an Identity of the element, SequenceLength a
// constant, SplitToSequence Slices (+ Squeeze), ConcatFromSequence a Concat
// (+ Unsqueeze with new_axis). Run-time positions, sequence outputs and
// positions out of range are refused, naming the node.

// RUN: %python %S/Inputs/gen_model.py sequences %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx | FileCheck %s
// RUN: %python %S/Inputs/gen_model.py sequence_runtime_position %t.rt.onnx
// RUN: not zellige-translate --import-onnx %t.rt.onnx 2>&1 | FileCheck %s --check-prefix=RUNTIME
// RUN: %python %S/Inputs/gen_model.py sequence_output %t.out.onnx
// RUN: not zellige-translate --import-onnx %t.out.onnx 2>&1 | FileCheck %s --check-prefix=OUTPUT
// RUN: %python %S/Inputs/gen_model.py sequence_bad_position %t.far.onnx
// RUN: not zellige-translate --import-onnx %t.far.onnx 2>&1 | FileCheck %s --check-prefix=RANGE

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[A:.*]]: tensor<2x3xf32> {onnx.name = "a"}, %[[B:.*]]: tensor<1x3xf32> {onnx.name = "b"}
// [b, a] after inserting b at the front, a at the back and erasing the last.
// CHECK: %[[AT:.*]] = "onnx.Identity"(%[[B]]) : (tensor<1x3xf32>) -> tensor<1x3xf32>
// CHECK: %[[LEN:.*]] = "onnx.Constant"() <{value = dense<3> : tensor<i64>}>
// CHECK: %[[CAT:.*]] = "onnx.Concat"(%[[B]], %[[A]], %[[A]]) <{axis = 0 : i64}> : (tensor<1x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<5x3xf32>
// SplitToSequence along axis 1 without keepdims: a Slice and a Squeeze per
// column.
// CHECK: "onnx.Slice"(%[[A]], {{.*}}) : (tensor<2x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<2x1xf32>
// CHECK: "onnx.Squeeze"({{.*}}) : (tensor<2x1xf32>, tensor<1xi64>) -> tensor<2xf32>
// CHECK-COUNT-2: "onnx.Squeeze"
// ConcatFromSequence with new_axis = 1 at axis -1 stacks along a new last axis.
// CHECK: %[[U:.*]] = "onnx.Unsqueeze"(%[[A]], %{{.*}}) : (tensor<2x3xf32>, tensor<1xi64>) -> tensor<2x3x1xf32>
// CHECK: %[[STACK:.*]] = "onnx.Concat"(%[[U]], %{{.*}}, %{{.*}}) <{axis = 2 : i64}> : {{.*}} -> tensor<2x3x3xf32>
// CHECK: return %[[AT]], %[[LEN]], %[[CAT]], %[[STACK]]

// RUNTIME: error: node 'pick' (SequenceAt): position 'pos' is only known at run time; {{.*}}not supported
// OUTPUT: error: graph output 's' is a sequence; the compiled model's outputs must be tensors
// RANGE: error: node 'erase_far' (SequenceErase): position 5 is out of range for a sequence of 2 tensors (valid: -2 to 1)
