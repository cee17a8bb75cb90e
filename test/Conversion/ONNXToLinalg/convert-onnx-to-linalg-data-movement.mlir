// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// Reshapes, transposes, slicing, concatenation, gather, expand and pad.

// CHECK-LABEL: func.func @reshapes
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<2x3x4xf32>)
//       CHECK:   %[[F:[a-zA-Z0-9_]+]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2]] : tensor<2x3x4xf32> into tensor<2x12xf32>
//       CHECK:   %[[U:[a-zA-Z0-9_]+]] = tensor.expand_shape %[[X]] {{\[}}[0, 1], [2], [3]] output_shape [1, 2, 3, 4]
//       CHECK:   %[[S:[a-zA-Z0-9_]+]] = tensor.collapse_shape %[[U]] {{\[}}[0, 1], [2], [3]] : tensor<1x2x3x4xf32> into tensor<2x3x4xf32>
// Neither a collapse nor an expand: tensor.reshape with a constant shape.
//       CHECK:   %[[SHAPE:[a-zA-Z0-9_]+]] = arith.constant dense<[4, 6]> : tensor<2xi64>
//       CHECK:   %[[R:[a-zA-Z0-9_]+]] = tensor.reshape %[[S]](%[[SHAPE]]) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
//       CHECK:   return %[[F]], %[[R]]
func.func @reshapes(%x: tensor<2x3x4xf32>) -> (tensor<2x12xf32>, tensor<4x6xf32>) {
  %f = "onnx.Flatten"(%x) : (tensor<2x3x4xf32>) -> tensor<2x12xf32>
  %ax = "onnx.Constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %u = "onnx.Unsqueeze"(%x, %ax) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<1x2x3x4xf32>
  %s = "onnx.Squeeze"(%u, %ax) : (tensor<1x2x3x4xf32>, tensor<1xi64>) -> tensor<2x3x4xf32>
  %shape = "onnx.Constant"() {value = dense<[4, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %r = "onnx.Reshape"(%s, %shape) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<4x6xf32>
  return %f, %r : tensor<2x12xf32>, tensor<4x6xf32>
}

// -----

// Flatten at axis 0 gives a leading unit dim.
// CHECK-LABEL: func.func @flatten_axis0
//       CHECK:   tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [1, 6] : tensor<6xf32> into tensor<1x6xf32>
func.func @flatten_axis0(%x: tensor<6xf32>) -> tensor<1x6xf32> {
  %f = "onnx.Flatten"(%x) {axis = 0 : i64} : (tensor<6xf32>) -> tensor<1x6xf32>
  return %f : tensor<1x6xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
//       CHECK:   %[[E:[a-zA-Z0-9_]+]] = tensor.empty() : tensor<4x2x3xf32>
//       CHECK:   linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
//       CHECK:   linalg.transpose {{.*}} permutation = [2, 1, 0]
func.func @transpose(%x: tensor<2x3x4xf32>) -> (tensor<4x2x3xf32>, tensor<4x3x2xf32>) {
  %0 = "onnx.Transpose"(%x) {perm = [2, 0, 1]} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %1 = "onnx.Transpose"(%x) : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  return %0, %1 : tensor<4x2x3xf32>, tensor<4x3x2xf32>
}

// -----

// CHECK-LABEL: func.func @concat
//  CHECK-SAME:   (%[[A:[a-zA-Z0-9_]+]]: tensor<2x3xf32>, %[[B:[a-zA-Z0-9_]+]]: tensor<2x5xf32>)
//       CHECK:   %[[E:[a-zA-Z0-9_]+]] = tensor.empty() : tensor<2x8xf32>
//       CHECK:   %[[I0:[a-zA-Z0-9_]+]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
//       CHECK:   %[[I1:[a-zA-Z0-9_]+]] = tensor.insert_slice %[[B]] into %[[I0]][0, 3] [2, 5] [1, 1]
//       CHECK:   return %[[I1]]
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %0 = "onnx.Concat"(%a, %b) {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// Slice with a positive step is one extract_slice; a negative step reads
// the same elements forward and reverses them with a generic.
// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (d0, -d1 + 1)>
// CHECK-LABEL: func.func @slice
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<4x6xf32>)
//       CHECK:   %[[S0:[a-zA-Z0-9_]+]] = tensor.extract_slice %[[X]][1, 0] [2, 3] [1, 2] : tensor<4x6xf32> to tensor<2x3xf32>
//       CHECK:   %[[S1:[a-zA-Z0-9_]+]] = tensor.extract_slice %[[X]][0, 1] [4, 2] [1, 2] : tensor<4x6xf32> to tensor<4x2xf32>
//       CHECK:   %[[R:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[REV]], #{{.*}}]
//  CHECK-SAME:     ins(%[[S1]] : tensor<4x2xf32>)
//       CHECK:   return %[[S0]], %[[R]]
func.func @slice(%x: tensor<4x6xf32>) -> (tensor<2x3xf32>, tensor<4x2xf32>) {
  %st = "onnx.Constant"() {value = dense<[1, 0]> : tensor<2xi64>} : () -> tensor<2xi64>
  %en = "onnx.Constant"() {value = dense<[3, 100]> : tensor<2xi64>} : () -> tensor<2xi64>
  %sp = "onnx.Constant"() {value = dense<[1, 2]> : tensor<2xi64>} : () -> tensor<2xi64>
  %none = onnx.NoValue
  %0 = "onnx.Slice"(%x, %st, %en, %none, %sp) : (tensor<4x6xf32>, tensor<2xi64>, tensor<2xi64>, none, tensor<2xi64>) -> tensor<2x3xf32>
  %st1 = "onnx.Constant"() {value = dense<[3]> : tensor<1xi64>} : () -> tensor<1xi64>
  %en1 = "onnx.Constant"() {value = dense<[0]> : tensor<1xi64>} : () -> tensor<1xi64>
  %ax1 = "onnx.Constant"() {value = dense<[-1]> : tensor<1xi64>} : () -> tensor<1xi64>
  %sp1 = "onnx.Constant"() {value = dense<[-2]> : tensor<1xi64>} : () -> tensor<1xi64>
  %1 = "onnx.Slice"(%x, %st1, %en1, %ax1, %sp1) : (tensor<4x6xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4x2xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<4x2xf32>
}

// -----

// CHECK-LABEL: func.func @split
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<2x6xf32>)
//       CHECK:   %[[A:[a-zA-Z0-9_]+]] = tensor.extract_slice %[[X]][0, 0] [2, 2] [1, 1]
//       CHECK:   %[[B:[a-zA-Z0-9_]+]] = tensor.extract_slice %[[X]][0, 2] [2, 4] [1, 1]
//       CHECK:   return %[[A]], %[[B]]
func.func @split(%x: tensor<2x6xf32>) -> (tensor<2x2xf32>, tensor<2x4xf32>) {
  %sizes = "onnx.Constant"() {value = dense<[2, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0, %1 = "onnx.Split"(%x, %sizes) {axis = 1 : i64} : (tensor<2x6xf32>, tensor<2xi64>) -> (tensor<2x2xf32>, tensor<2x4xf32>)
  return %0, %1 : tensor<2x2xf32>, tensor<2x4xf32>
}

// -----

// Gather with a constant scalar index is a slice; dynamic indices use
// tensor.extract with wrapped and clamped indices.
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-LABEL: func.func @gather
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<5x4xf32>, %[[Y:[a-zA-Z0-9_]+]]: tensor<4x5x2xf32>, %[[I:[a-zA-Z0-9_]+]]: tensor<2x3xi64>)
//       CHECK:   %[[ROW:[a-zA-Z0-9_]+]] = tensor.extract_slice %[[X]][3, 0] [1, 4] [1, 1] : tensor<5x4xf32> to tensor<1x4xf32>
//       CHECK:   tensor.collapse_shape %[[ROW]] {{\[}}[0, 1]] : tensor<1x4xf32> into tensor<4xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}]
//  CHECK-SAME:     ins(%[[I]] : tensor<2x3xi64>) outs(%{{.*}} : tensor<4x2x3x2xf32>)
//       CHECK:     arith.index_cast
//       CHECK:     arith.select
//       CHECK:     arith.maxsi
//       CHECK:     arith.minsi
//       CHECK:     %[[D0:[a-zA-Z0-9_]+]] = linalg.index 0 : index
//       CHECK:     %[[D3:[a-zA-Z0-9_]+]] = linalg.index 3 : index
//       CHECK:     tensor.extract %[[Y]][%[[D0]], %{{.*}}, %[[D3]]] : tensor<4x5x2xf32>
func.func @gather(%x: tensor<5x4xf32>, %y: tensor<4x5x2xf32>, %i: tensor<2x3xi64>) -> (tensor<4xf32>, tensor<4x2x3x2xf32>) {
  %c = "onnx.Constant"() {value = dense<-2> : tensor<i64>} : () -> tensor<i64>
  %0 = "onnx.Gather"(%x, %c) : (tensor<5x4xf32>, tensor<i64>) -> tensor<4xf32>
  %1 = "onnx.Gather"(%y, %i) {axis = 1 : i64} : (tensor<4x5x2xf32>, tensor<2x3xi64>) -> tensor<4x2x3x2xf32>
  return %0, %1 : tensor<4xf32>, tensor<4x2x3x2xf32>
}

// -----

// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2) -> (0, d2)>
// CHECK-LABEL: func.func @expand
//       CHECK:   linalg.generic {indexing_maps = [#[[BC]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel"]}
//  CHECK-SAME:     ins(%{{.*}} : tensor<1x4xf32>) outs(%{{.*}} : tensor<2x3x4xf32>)
func.func @expand(%x: tensor<1x4xf32>) -> tensor<2x3x4xf32> {
  %shape = "onnx.Constant"() {value = dense<[2, 3, 4]> : tensor<3xi64>} : () -> tensor<3xi64>
  %0 = "onnx.Expand"(%x, %shape) : (tensor<1x4xf32>, tensor<3xi64>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func.func @pad
//       CHECK:   %[[V:[a-zA-Z0-9_]+]] = arith.constant 1.500000e+00 : f32
//       CHECK:   tensor.pad %{{.*}} low[0, 1] high[2, 0]
//       CHECK:     tensor.yield %[[V]] : f32
//       CHECK:   } : tensor<2x3xf32> to tensor<4x4xf32>
func.func @pad(%x: tensor<2x3xf32>) -> tensor<4x4xf32> {
  %pads = "onnx.Constant"() {value = dense<[0, 1, 2, 0]> : tensor<4xi64>} : () -> tensor<4xi64>
  %v = "onnx.Constant"() {value = dense<1.5> : tensor<f32>} : () -> tensor<f32>
  %0 = "onnx.Pad"(%x, %pads, %v) : (tensor<2x3xf32>, tensor<4xi64>, tensor<f32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// Identity and inference Dropout forward their input.
// CHECK-LABEL: func.func @forward
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<4xf32>)
//  CHECK-NEXT:   return %[[X]]
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "onnx.Identity"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %none = onnx.NoValue
  %1, %mask = "onnx.Dropout"(%0, %none, %none) : (tensor<4xf32>, none, none) -> (tensor<4xf32>, none)
  return %1 : tensor<4xf32>
}

// -----

// Operations whose results hold no elements compute nothing: each result
// becomes a tensor.empty, even for an operator whose own lowering refuses
// zero-size tensors (Trilu).
// CHECK-LABEL: func.func @zero_size
//   CHECK-NOT:   linalg
//       CHECK:   %[[A:.*]] = tensor.empty() : tensor<3x0x5xi64>
//       CHECK:   %[[B:.*]] = tensor.empty() : tensor<0x4xf32>
//       CHECK:   return %[[A]], %[[B]]
func.func @zero_size(%x: tensor<3x0x5xi64>, %y: tensor<3x4xf32>) -> (tensor<3x0x5xi64>, tensor<0x4xf32>) {
  %none = onnx.NoValue
  %t = "onnx.Trilu"(%x, %none) {upper = 0 : i64} : (tensor<3x0x5xi64>, none) -> tensor<3x0x5xi64>
  %s = "onnx.Constant"() {value = dense<5> : tensor<1xi64>} : () -> tensor<1xi64>
  %e = "onnx.Constant"() {value = dense<9> : tensor<1xi64>} : () -> tensor<1xi64>
  %a = "onnx.Constant"() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %sl = "onnx.Slice"(%y, %s, %e, %a, %none) : (tensor<3x4xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<0x4xf32>
  return %t, %sl : tensor<3x0x5xi64>, tensor<0x4xf32>
}

// -----

// A Slice with run-time starts and a zero-size result computes nothing.
// CHECK-LABEL: func.func @slice_dynamic_empty
//       CHECK:   %[[E:.*]] = tensor.empty() : tensor<0xf32>
//       CHECK:   return %[[E]]
func.func @slice_dynamic_empty(%x: tensor<4xf32>, %s: tensor<1xi64>) -> tensor<0xf32> {
  %e = "onnx.Constant"() {value = dense<[3]> : tensor<1xi64>} : () -> tensor<1xi64>
  %none = onnx.NoValue
  %0 = "onnx.Slice"(%x, %s, %e, %none, %none) : (tensor<4xf32>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<0xf32>
  return %0 : tensor<0xf32>
}
