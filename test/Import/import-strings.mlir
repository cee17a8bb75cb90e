// String tensors become NUL-padded bytes (ui8, a last dimension of
// --onnx-string-bytes) marked zlg.string_bytes; StringNormalizer becomes
// byte arithmetic: case folding for the comparison, a byte-wise match with
// every stopword, a running count of the kept strings, a Gather, the case
// change, and a hidden i64 result with the number kept (zlg.count_dim on
// the output). A string tensor given to any other operator is refused.

// RUN: %python %S/Inputs/gen_model.py string_normalizer %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx --onnx-string-bytes=8 | FileCheck %s
// RUN: %python %S/Inputs/gen_model.py string_identity %t.id.onnx
// RUN: not zellige-translate --import-onnx %t.id.onnx 2>&1 | FileCheck %s --check-prefix=IDENTITY
// RUN: not zellige-translate --import-onnx %t.onnx --onnx-string-bytes=0 2>&1 | FileCheck %s --check-prefix=WIDTH

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: tensor<1x4x8xui8> {onnx.name = "x", zlg.string_bytes = 8 : i64}
// CHECK-SAME: -> (tensor<1x4x8xui8> {onnx.name = "y", zlg.count_dim = 1 : i64, zlg.count_result = 1 : i64, zlg.string_bytes = 8 : i64}, tensor<i64> {onnx.name = "zlg.count.0", zlg.hidden})
// CHECK: %[[BYTES:.*]] = "onnx.Cast"(%{{.*}}) <{to = 6 : i64}> : (tensor<4x8xui8>) -> tensor<4x8xi32>
// The comparison ignores case: 'A'..'Z' are lowered first, and so are the
// stopwords ("the", "A" -> "a"), NUL-padded to 8 bytes.
// CHECK: %[[LOWER:.*]] = "onnx.Where"
// CHECK: %[[WORDS:.*]] = "onnx.Constant"() <{value = dense<{{\[\[}}116, 104, 101, 0, 0, 0, 0, 0], [97, 0, 0, 0, 0, 0, 0, 0]]> : tensor<2x8xi32>}>
// CHECK: "onnx.Equal"(%{{.*}}, %[[WORDS]]) : (tensor<4x1x8xi32>, tensor<2x8xi32>) -> tensor<4x2x8xi1>
// CHECK: "onnx.ReduceMin"({{.*}}) <{axes = [2], keepdims = 0 : i64}>
// CHECK: "onnx.ReduceMax"({{.*}}) <{axes = [1], keepdims = 0 : i64}>
// CHECK: %[[KEEP:.*]] = "onnx.Cast"({{.*}}) <{to = 7 : i64}> : (tensor<4xi32>) -> tensor<4xi64>
// CHECK: "onnx.CumSum"(%[[KEEP]]
// The number kept is counted with the compaction.
// CHECK: %[[SUM:.*]] = "onnx.ReduceSum"(%[[KEEP]]
// CHECK: %[[PICKED:.*]] = "onnx.Gather"(%[[BYTES]], %{{.*}}) <{axis = 0 : i64}> : (tensor<4x8xi32>, tensor<4xi64>) -> tensor<4x8xi32>
// UPPER after the compaction: 'a'..'z' shifted by -32.
// CHECK: "onnx.Constant"() <{value = dense<-32> : tensor<i32>}>
// CHECK: %[[OUT:.*]] = "onnx.Reshape"({{.*}}) {{.*}} -> tensor<1x4x8xui8>
// CHECK: %[[COUNT:.*]] = "onnx.Max"(%[[SUM]]
// CHECK: return %[[OUT]], %[[COUNT]]

// IDENTITY: error: node 'copy' (Identity): input 'x' is a string tensor; strings are supported by StringNormalizer only (not supported here)
// WIDTH: --onnx-string-bytes: expected 1 to 1048576
