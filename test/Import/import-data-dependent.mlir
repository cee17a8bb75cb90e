// NonZero, Compress and TopK with a run-time K are computed at an upper
// bound, with the size along one dimension computed as an i64 scalar that
// becomes a hidden result (zlg.count_dim / zlg.count_result on the output,
// zlg.hidden on the count). With a constant K, TopK's outputs are static
// Slices of the ranked tensor. A value sized at run time that another
// operation reads is refused.

// RUN: %python %S/Inputs/gen_model.py data_dependent %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx | FileCheck %s
// RUN: %python %S/Inputs/gen_model.py topk_const %t.k.onnx
// RUN: zellige-translate --import-onnx %t.k.onnx | FileCheck %s --check-prefix=CONST
// RUN: %python %S/Inputs/gen_model.py unique %t.u.onnx
// RUN: zellige-translate --import-onnx %t.u.onnx | FileCheck %s --check-prefix=UNIQUE
// RUN: %python %S/Inputs/gen_model.py nonzero_used %t.used.onnx
// RUN: not zellige-translate --import-onnx %t.used.onnx 2>&1 | FileCheck %s --check-prefix=USED

// CHECK-LABEL: func.func @main(
// CHECK-SAME: -> (tensor<2x6xi64> {onnx.name = "nz", zlg.count_dim = 1 : i64, zlg.count_result = 3 : i64}, tensor<2x3xf32> {onnx.name = "v", zlg.count_dim = 1 : i64, zlg.count_result = 4 : i64}, tensor<2x3xi64> {onnx.name = "i", zlg.count_dim = 1 : i64, zlg.count_result = 5 : i64}, tensor<i64> {onnx.name = "zlg.count.0", zlg.hidden}, tensor<i64> {onnx.name = "zlg.count.1", zlg.hidden}, tensor<i64> {onnx.name = "zlg.count.2", zlg.hidden})
// NonZero: which elements are kept, their running count, and the one-hot
// selection of the (j+1)-th kept element for output position j.
// CHECK: %[[KEEP:.*]] = "onnx.Cast"(%{{.*}}) <{to = 7 : i64}> : (tensor<6xi1>) -> tensor<6xi64>
// CHECK: %[[RANK:.*]] = "onnx.CumSum"(%[[KEEP]]
// CHECK: "onnx.Equal"(%[[RANK]], %{{.*}}) : (tensor<6xi64>, tensor<6x1xi64>) -> tensor<6x6xi1>
// CHECK: %[[NZCOUNT:.*]] = "onnx.ReduceSum"(%[[KEEP]], %{{.*}}) {{.*}} -> tensor<i64>
// CHECK: "onnx.Mod"
// CHECK: %[[NZ:.*]] = "onnx.Concat"({{.*}}) <{axis = 0 : i64}> : (tensor<1x6xi64>, tensor<1x6xi64>) -> tensor<2x6xi64>
// TopK ranks each element against every other (ties to the lower index).
// CHECK: "onnx.Greater"({{.*}}) : (tensor<2x1x3xf32>, tensor<2x3x1xf32>) -> tensor<2x3x3xi1>
// CHECK: %[[VALUES:.*]] = "onnx.GatherElements"
// CHECK: %[[V:.*]] = "onnx.Transpose"(%[[VALUES]])
// CHECK: %[[I:.*]] = "onnx.Transpose"
// CHECK: %[[KCOUNT:.*]] = "onnx.Min"
// CHECK: return %[[NZ]], %[[V]], %[[I]], %[[NZCOUNT]], %[[KCOUNT]], %[[KCOUNT]]

// CONST-LABEL: func.func @main(
// CONST-SAME: -> (tensor<2x2xf32> {onnx.name = "v"}, tensor<2x2xi64> {onnx.name = "i"})
// CONST: "onnx.Less"
// CONST: %[[V:.*]] = "onnx.Slice"({{.*}}) : (tensor<2x3xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<2x2xf32>
// CONST: %[[I:.*]] = "onnx.Slice"({{.*}}) : (tensor<2x3xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<2x2xi64>
// CONST: return %[[V]], %[[I]]

// Unique (flattened, sorted): Y, indices and counts are sized at run time;
// inverse_indices has the input's size. Each element's position counts the
// distinct values smaller than it.
// UNIQUE-LABEL: func.func @main(
// UNIQUE-SAME: -> (tensor<6xf32> {onnx.name = "y", zlg.count_dim = 0 : i64, zlg.count_result = 4 : i64}, tensor<6xi64> {onnx.name = "idx", zlg.count_dim = 0 : i64, zlg.count_result = 5 : i64}, tensor<6xi64> {onnx.name = "inv"}, tensor<6xi64> {onnx.name = "cnt", zlg.count_dim = 0 : i64, zlg.count_result = 6 : i64}
// UNIQUE: %[[SAME:.*]] = "onnx.Equal"({{.*}}) : (tensor<6x1xf32>, tensor<6xf32>) -> tensor<6x6xi1>
// UNIQUE: "onnx.ReduceMax"({{.*}}) <{axes = [1], keepdims = 0 : i64}> : (tensor<6x6xi64>) -> tensor<6xi64>
// UNIQUE: "onnx.Less"({{.*}}) : (tensor<6xf32>, tensor<6x1xf32>) -> tensor<6x6xi1>
// UNIQUE: %[[POS:.*]] = "onnx.ReduceSum"
// UNIQUE: %[[Y:.*]] = "onnx.Gather"
// UNIQUE: return %[[Y]], %{{.*}}, %[[POS]], %{{.*}}

// USED: error: node 'flip' (Transpose): input 'nz' has a size known only at run time (the output of NonZero, Compress, TopK with a run-time K, or StringNormalizer); only graph outputs may have one (not supported here)
