// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// Index-driven operators: ArgMax, ArgMin, Hardmax, Trilu, EyeLike, Range,
// OneHot, GatherElements, Tile, CumSum, DepthToSpace, SpaceToDepth, CastLike,
// PRelu with a channel slope and Pad's edge and reflect modes.

// ArgMax: a max reduction, then a reduction keeping the last index that
// holds the max (select_last_index), reshaped for keepdims.
// CHECK-LABEL: func.func @argmax_last
//       CHECK:   %[[MAX:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//       CHECK:     arith.maximumf
//       CHECK:   %[[INIT:[a-zA-Z0-9_]+]] = linalg.fill ins(%{{.*}} : i64)
//       CHECK:   %[[IDX:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%{{.*}}, %[[MAX]] : tensor<2x3xf32>, tensor<2xf32>) outs(%[[INIT]] : tensor<2xi64>)
//       CHECK:     linalg.index 1
//       CHECK:     arith.cmpf oeq
//       CHECK:     arith.maxsi
//       CHECK:   tensor.expand_shape %[[IDX]] {{\[}}[0, 1]] output_shape [2, 1]
func.func @argmax_last(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
  %0 = "onnx.ArgMax"(%x) {axis = 1 : i64, select_last_index = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}

// -----

// ArgMin on integers keeps the first index (minsi), starting from the axis
// size.
// CHECK-LABEL: func.func @argmin
//       CHECK:   arith.constant 2147483647 : i32
//       CHECK:     arith.minsi %{{.*}} : i32
//       CHECK:   arith.constant 2 : i64
//       CHECK:     linalg.index 0
//       CHECK:     arith.cmpi eq
//       CHECK:     arith.minsi %{{.*}} : i64
func.func @argmin(%x: tensor<2x3xi32>) -> tensor<3xi64> {
  %0 = "onnx.ArgMin"(%x) {axis = 0 : i64, keepdims = 0 : i64} : (tensor<2x3xi32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// Hardmax: the first argmax, then 1 where the index matches.
// CHECK-LABEL: func.func @hardmax
//       CHECK:   %[[IDX:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2xi64>)
//       CHECK:   linalg.generic {{.*}} ins(%[[IDX]] : tensor<2xi64>) outs(%{{.*}} : tensor<2x3xf32>)
//       CHECK:     linalg.index 1
//       CHECK:     arith.cmpi eq
//       CHECK:     arith.select
func.func @hardmax(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = "onnx.Hardmax"(%x) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Trilu: keep where col - row <= k (lower) or >= k (upper, k = 0 when
// absent); k is read as a 0-d operand.
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @trilu
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<3x4xf32>, %[[K:[a-zA-Z0-9_]+]]: tensor<i64>)
//       CHECK:   linalg.generic {indexing_maps = [#{{.*}}, #[[SCALAR]], #{{.*}}], {{.*}} ins(%[[X]], %[[K]] : tensor<3x4xf32>, tensor<i64>)
//       CHECK:     arith.subi
//       CHECK:     arith.cmpi sle
//       CHECK:   linalg.generic {{.*}} ins(%[[X]] : tensor<3x4xf32>)
//       CHECK:     arith.cmpi sge
func.func @trilu(%x: tensor<3x4xf32>, %k: tensor<i64>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %none = onnx.NoValue
  %0 = "onnx.Trilu"(%x, %k) {upper = 0 : i64} : (tensor<3x4xf32>, tensor<i64>) -> tensor<3x4xf32>
  %1 = "onnx.Trilu"(%x, %none) : (tensor<3x4xf32>, none) -> tensor<3x4xf32>
  return %0, %1 : tensor<3x4xf32>, tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @eyelike
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<3x4xf32>)
//       CHECK:     arith.subi
//       CHECK:     arith.cmpi eq, %{{.*}}, %c1_i64
func.func @eyelike(%x: tensor<3x4xi32>) -> tensor<3x4xf32> {
  %0 = "onnx.EyeLike"(%x) {k = 1 : i64, dtype = 1 : i64} : (tensor<3x4xi32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// Range: start + i * delta; the length comes from the result type.
// CHECK-LABEL: func.func @range
//  CHECK-SAME:   (%[[S:[a-zA-Z0-9_]+]]: tensor<f32>, %{{.*}}: tensor<f32>, %[[D:[a-zA-Z0-9_]+]]: tensor<f32>)
//       CHECK:   linalg.generic {{.*}} ins(%[[S]], %[[D]] : tensor<f32>, tensor<f32>) outs(%{{.*}} : tensor<4xf32>)
//       CHECK:     arith.sitofp
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
func.func @range(%s: tensor<f32>, %l: tensor<f32>, %d: tensor<f32>) -> tensor<4xf32> {
  %0 = "onnx.Range"(%s, %l, %d) : (tensor<f32>, tensor<f32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// OneHot: negative indices wrap by the depth (5, from the result type).
// CHECK-LABEL: func.func @onehot
//  CHECK-SAME:   (%[[I:[a-zA-Z0-9_]+]]: tensor<3xi64>, %{{.*}}: tensor<i64>, %[[V:[a-zA-Z0-9_]+]]: tensor<2xf32>)
//       CHECK:   linalg.generic {{.*}} ins(%[[I]] : tensor<3xi64>) outs(%{{.*}} : tensor<3x5xf32>)
//       CHECK:     arith.addi %{{.*}}, %c5_i64
//       CHECK:     linalg.index 1
//       CHECK:     tensor.extract %[[V]]
//       CHECK:     tensor.extract %[[V]]
//       CHECK:     arith.select
func.func @onehot(%i: tensor<3xi64>, %depth: tensor<i64>, %v: tensor<2xf32>) -> tensor<3x5xf32> {
  %0 = "onnx.OneHot"(%i, %depth, %v) : (tensor<3xi64>, tensor<i64>, tensor<2xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// CHECK-LABEL: func.func @gather_elements
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<3x4xf32>, %[[I:[a-zA-Z0-9_]+]]: tensor<2x4xi64>)
//       CHECK:   linalg.generic {{.*}} ins(%[[I]] : tensor<2x4xi64>) outs(%{{.*}} : tensor<2x4xf32>)
//       CHECK:     %[[W:[a-zA-Z0-9_]+]] = arith.minsi
//       CHECK:     %[[J:[a-zA-Z0-9_]+]] = linalg.index 1
//       CHECK:     tensor.extract %[[X]][%[[W]], %[[J]]]
func.func @gather_elements(%x: tensor<3x4xf32>, %i: tensor<2x4xi64>) -> tensor<2x4xf32> {
  %0 = "onnx.GatherElements"(%x, %i) {axis = 0 : i64} : (tensor<3x4xf32>, tensor<2x4xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// Tile: the repeats follow from the result type; a repeated dim reads its
// index modulo the input size.
// CHECK-LABEL: func.func @tile
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<2x3xf32>
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<4x3xf32>)
//       CHECK:     %[[R:[a-zA-Z0-9_]+]] = arith.remui
//       CHECK:     %[[C:[a-zA-Z0-9_]+]] = linalg.index 1
//       CHECK:     tensor.extract %[[X]][%[[R]], %[[C]]]
func.func @tile(%x: tensor<2x3xf32>, %r: tensor<2xi64>) -> tensor<4x3xf32> {
  %0 = "onnx.Tile"(%x, %r) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

// CumSum along a constant axis: a reduction over a second index of the
// axis, masked (exclusive: j < i).
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @cumsum_constant_axis
//       CHECK:   linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
//       CHECK:     arith.cmpi slt
//       CHECK:     arith.addf
//       CHECK:     arith.select
func.func @cumsum_constant_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %ax = "onnx.Constant"() {value = dense<1> : tensor<i32>} : () -> tensor<i32>
  %0 = "onnx.CumSum"(%x, %ax) {exclusive = 1 : i64} : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CumSum along a run-time axis: one masked reduction per candidate axis
// (reverse: j >= i), then a select on the normalized axis.
// CHECK-LABEL: func.func @cumsum_runtime_axis
//       CHECK:   %[[C0:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:     arith.cmpi sge
//       CHECK:   %[[C1:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
//       CHECK:   linalg.generic {{.*}} ins(%[[C0]], %[[C1]], %{{.*}} : tensor<2x3xf32>, tensor<2x3xf32>, tensor<i32>)
//       CHECK:     arith.extsi
//       CHECK:     arith.select
func.func @cumsum_runtime_axis(%x: tensor<2x3xf32>, %ax: tensor<i32>) -> tensor<2x3xf32> {
  %0 = "onnx.CumSum"(%x, %ax) {reverse = 1 : i64} : (tensor<2x3xf32>, tensor<i32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// DepthToSpace (CRD) and SpaceToDepth: reshape to 6-D, transpose, reshape.
// CHECK-LABEL: func.func @depth_to_space
//       CHECK:   tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2, 3], [4], [5]] output_shape [1, 2, 2, 2, 2, 3]
//       CHECK:   linalg.transpose {{.*}} permutation = [0, 1, 4, 2, 5, 3]
//       CHECK:   tensor.collapse_shape {{.*}} into tensor<1x2x4x6xf32>
//       CHECK:   tensor.expand_shape {{.*}} output_shape [1, 2, 1, 4, 1, 4]
//       CHECK:   linalg.transpose {{.*}} permutation = [0, 3, 5, 1, 2, 4]
//       CHECK:   tensor.collapse_shape {{.*}} into tensor<1x32x1x1xf32>
func.func @depth_to_space(%x: tensor<1x8x2x3xf32>) -> (tensor<1x2x4x6xf32>, tensor<1x32x1x1xf32>) {
  %0 = "onnx.DepthToSpace"(%x) {blocksize = 2 : i64, mode = "CRD"} : (tensor<1x8x2x3xf32>) -> tensor<1x2x4x6xf32>
  %y = "onnx.Constant"() {value = dense<1.0> : tensor<1x2x4x4xf32>} : () -> tensor<1x2x4x4xf32>
  %1 = "onnx.SpaceToDepth"(%y) {blocksize = 4 : i64} : (tensor<1x2x4x4xf32>) -> tensor<1x32x1x1xf32>
  return %0, %1 : tensor<1x2x4x6xf32>, tensor<1x32x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @castlike
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<4xf32>
//       CHECK:   linalg.generic {{.*}} ins(%[[X]] : tensor<4xf32>) outs(%{{.*}} : tensor<4xf16>)
//       CHECK:     arith.truncf %{{.*}} : f32 to f16
func.func @castlike(%x: tensor<4xf32>, %like: tensor<1xf16>) -> tensor<4xf16> {
  %0 = "onnx.CastLike"(%x, %like) : (tensor<4xf32>, tensor<1xf16>) -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// A 1-D slope of the channel count applies along dim 1.
// CHECK-DAG: #[[CHANNEL:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @prelu_channel
//       CHECK:   linalg.generic {indexing_maps = [#{{.*}}, #[[CHANNEL]], #{{.*}}]
//       CHECK:     arith.cmpf olt
//       CHECK:     arith.mulf
//       CHECK:     arith.select
func.func @prelu_channel(%x: tensor<2x3x4xf32>, %s: tensor<3xf32>) -> tensor<2x3x4xf32> {
  %0 = "onnx.PRelu"(%x, %s) : (tensor<2x3x4xf32>, tensor<3xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Pad in reflect and edge modes: a generic reading mirrored or clamped
// source indices.
// CHECK-LABEL: func.func @pad_modes
//  CHECK-SAME:   (%[[X:[a-zA-Z0-9_]+]]: tensor<3x4xf32>)
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<3x7xf32>)
//       CHECK:     arith.subi %c0, %{{.*}} : index
//       CHECK:     arith.subi %c6, %{{.*}} : index
//       CHECK:     tensor.extract %[[X]]
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<5x4xf32>)
//       CHECK:     arith.maxsi
//       CHECK:     arith.minsi
//       CHECK:     tensor.extract %[[X]]
func.func @pad_modes(%x: tensor<3x4xf32>) -> (tensor<3x7xf32>, tensor<5x4xf32>) {
  %p1 = "onnx.Constant"() {value = dense<[0, 2, 0, 1]> : tensor<4xi64>} : () -> tensor<4xi64>
  %p2 = "onnx.Constant"() {value = dense<[1, 0, 1, 0]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = onnx.NoValue
  %0 = "onnx.Pad"(%x, %p1, %none) {mode = "reflect"} : (tensor<3x4xf32>, tensor<4xi64>, none) -> tensor<3x7xf32>
  %1 = "onnx.Pad"(%x, %p2, %none) {mode = "edge"} : (tensor<3x4xf32>, tensor<4xi64>, none) -> tensor<5x4xf32>
  return %0, %1 : tensor<3x7xf32>, tensor<5x4xf32>
}
