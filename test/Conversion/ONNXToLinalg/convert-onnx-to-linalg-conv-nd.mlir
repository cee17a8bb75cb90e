// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// Convolution and pooling with three spatial dims, and ConvTranspose.

// Three spatial dims: one grouped generic, W split into (G, M / G, ...).
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d0, d1 + d6, d3 + d7, d4 + d8, d5 + d9)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7, d8, d9) -> (d1, d2, d6, d7, d8, d9)>
// CHECK-LABEL: func.func @conv3d
//       CHECK:   tensor.expand_shape %{{.*}} output_shape [2, 2, 1, 2, 2, 2]
//       CHECK:   linalg.fill {{.*}} -> tensor<1x2x2x3x3x3xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[X]], #[[W]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "reduction"]}
//       CHECK:   tensor.collapse_shape {{.*}} into tensor<1x4x3x3x3xf32>
func.func @conv3d(%x: tensor<1x2x4x4x4xf32>, %w: tensor<4x1x2x2x2xf32>) -> tensor<1x4x3x3x3xf32> {
  %none = onnx.NoValue
  %0 = "onnx.Conv"(%x, %w, %none) {group = 2 : i64} : (tensor<1x2x4x4x4xf32>, tensor<4x1x2x2x2xf32>, none) -> tensor<1x4x3x3x3xf32>
  return %0 : tensor<1x4x3x3x3xf32>
}

// -----

// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-LABEL: func.func @maxpool3d
//       CHECK:   linalg.generic {indexing_maps = [#[[IN]], {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x2x4x4x4xf32>, tensor<2x2x2xf32>)
//       CHECK:     arith.maximumf
func.func @maxpool3d(%x: tensor<1x2x4x4x4xf32>) -> tensor<1x2x2x2x2xf32> {
  %0, %1 = "onnx.MaxPool"(%x) {kernel_shape = [2, 2, 2], strides = [2, 2, 2]} : (tensor<1x2x4x4x4xf32>) -> (tensor<1x2x2x2x2xf32>, none)
  return %0 : tensor<1x2x2x2x2xf32>
}

// -----

// ConvTranspose: the input dilated by the strides (strided insert_slice),
// padded by (K - 1) - pad before and to the result after, convolved with the
// flipped filter.
// CHECK-LABEL: func.func @conv_transpose
//       CHECK:   tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 1, 3, 3] [1, 1, 2, 2]
//       CHECK:   tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 3, 3]
//       CHECK:   linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x1x3x3xf32>)
//       CHECK:     arith.subi %c2
//       CHECK:     tensor.extract
//       CHECK:   linalg.generic {{.*}} ins(%{{.*}} : tensor<2xf32>) outs(%{{.*}} : tensor<1x1x2x7x7xf32>)
//       CHECK:   linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x1x9x9xf32>, tensor<1x2x1x3x3xf32>)
//       CHECK:   tensor.collapse_shape {{.*}} into tensor<1x2x7x7xf32>
func.func @conv_transpose(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>, %b: tensor<2xf32>) -> tensor<1x2x7x7xf32> {
  %0 = "onnx.ConvTranspose"(%x, %w, %b) {strides = [2, 2], pads = [1, 1, 0, 0], output_padding = [1, 1]} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x7x7xf32>
  return %0 : tensor<1x2x7x7xf32>
}
