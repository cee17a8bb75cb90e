// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// Convolutions, pooling and batch normalization.

// Conv with explicit pads and a bias that initializes the accumulator.
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @conv_bias
//  CHECK-SAME:   (%[[X:[a-z0-9_]+]]: tensor<1x3x8x8xf32>, %[[W:[a-z0-9_]+]]: tensor<4x3x3x3xf32>, %[[B:[a-z0-9_]+]]: tensor<4xf32>)
//       CHECK:   %[[ZERO:[a-zA-Z0-9_]+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[P:[a-zA-Z0-9_]+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:     tensor.yield %[[ZERO]] : f32
//       CHECK:   } : tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32>
//       CHECK:   %[[INIT:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[CH]], {{.*}}]
//  CHECK-SAME:     ins(%[[B]] : tensor<4xf32>) outs(%{{.*}} : tensor<1x4x8x8xf32>)
//       CHECK:   %[[C:[a-zA-Z0-9_]+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
//  CHECK-SAME:     ins(%[[P]], %[[W]] : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<1x4x8x8xf32>)
//       CHECK:   return %[[C]]
func.func @conv_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  %0 = "onnx.Conv"(%x, %w, %b) {kernel_shape = [3, 3], pads = [1, 1, 1, 1]} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// Strides, dilations and VALID padding (no tensor.pad).
// CHECK-LABEL: func.func @conv_strided
//   CHECK-NOT:   tensor.pad
//       CHECK:   linalg.fill
//       CHECK:   linalg.conv_2d_nchw_fchw {dilations = dense<2> : vector<2xi64>, strides = dense<[2, 1]> : vector<2xi64>}
//  CHECK-SAME:     -> tensor<1x2x3x5xf32>
func.func @conv_strided(%x: tensor<1x3x9x9xf32>, %w: tensor<2x3x3x3xf32>) -> tensor<1x2x3x5xf32> {
  %none = onnx.NoValue
  %0 = "onnx.Conv"(%x, %w, %none) {auto_pad = "VALID", strides = [2, 1], dilations = [2, 2]} : (tensor<1x3x9x9xf32>, tensor<2x3x3x3xf32>, none) -> tensor<1x2x3x5xf32>
  return %0 : tensor<1x2x3x5xf32>
}

// -----

// Depthwise conv with SAME_UPPER padding: the extra pad goes at the end.
// CHECK-LABEL: func.func @conv_depthwise
//       CHECK:   tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
//       CHECK:   %[[F:[a-zA-Z0-9_]+]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2], [3]] : tensor<4x1x3x3xf32> into tensor<4x3x3xf32>
//       CHECK:   linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
//  CHECK-SAME:     ins(%{{.*}}, %[[F]] : tensor<1x4x9x9xf32>, tensor<4x3x3xf32>)
func.func @conv_depthwise(%x: tensor<1x4x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %none = onnx.NoValue
  %0 = "onnx.Conv"(%x, %w, %none) {group = 4 : i64, strides = [2, 2], auto_pad = "SAME_UPPER"} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// SAME_LOWER puts the extra pad at the start.
// CHECK-LABEL: func.func @conv_same_lower
//       CHECK:   tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 0, 0]
func.func @conv_same_lower(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %none = onnx.NoValue
  %0 = "onnx.Conv"(%x, %w, %none) {auto_pad = "SAME_LOWER"} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>, none) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Grouped 1-D conv: lifted to 2-D, channels split into groups.
// CHECK-LABEL: func.func @conv_grouped_1d
//  CHECK-SAME:   (%[[X:[a-z0-9_]+]]: tensor<1x4x8xf32>, %[[W:[a-z0-9_]+]]: tensor<6x2x3xf32>)
//       CHECK:   %[[X2:[a-zA-Z0-9_]+]] = tensor.expand_shape %[[X]] {{\[}}[0], [1], [2, 3]] output_shape [1, 4, 1, 8]
//       CHECK:   %[[W2:[a-zA-Z0-9_]+]] = tensor.expand_shape %[[W]] {{\[}}[0], [1], [2, 3]] output_shape [6, 2, 1, 3]
//       CHECK:   %[[GX:[a-zA-Z0-9_]+]] = tensor.expand_shape %[[X2]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 1, 8]
//       CHECK:   %[[GW:[a-zA-Z0-9_]+]] = tensor.expand_shape %[[W2]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 1, 3]
//       CHECK:   %[[GC:[a-zA-Z0-9_]+]] = linalg.conv_2d_ngchw_gfchw
//  CHECK-SAME:     ins(%[[GX]], %[[GW]] : tensor<1x2x2x1x8xf32>, tensor<2x3x2x1x3xf32>)
//       CHECK:   %[[Y:[a-zA-Z0-9_]+]] = tensor.collapse_shape %[[GC]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x1x6xf32> into tensor<1x6x1x6xf32>
//       CHECK:   tensor.collapse_shape %[[Y]] {{\[}}[0], [1], [2, 3]] : tensor<1x6x1x6xf32> into tensor<1x6x6xf32>
func.func @conv_grouped_1d(%x: tensor<1x4x8xf32>, %w: tensor<6x2x3xf32>) -> tensor<1x6x6xf32> {
  %none = onnx.NoValue
  %0 = "onnx.Conv"(%x, %w, %none) {group = 2 : i64} : (tensor<1x4x8xf32>, tensor<6x2x3xf32>, none) -> tensor<1x6x6xf32>
  return %0 : tensor<1x6x6xf32>
}

// -----

// MaxPool pads with -inf; AveragePool excludes the padding from the count,
// so border windows divide by smaller counts.
// CHECK-DAG: #[[HW:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @pools
//       CHECK:   %[[NEGINF:[a-zA-Z0-9_]+]] = arith.constant 0xFF800000 : f32
//       CHECK:   tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
//       CHECK:     tensor.yield %[[NEGINF]]
//       CHECK:   %[[WIN:[a-zA-Z0-9_]+]] = tensor.empty() : tensor<3x3xf32>
//       CHECK:   %[[MAX:[a-zA-Z0-9_]+]] = linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
//  CHECK-SAME:     ins(%{{.*}}, %[[WIN]] : tensor<1x2x7x7xf32>, tensor<3x3xf32>)
//       CHECK:   %[[SUM:[a-zA-Z0-9_]+]] = linalg.pooling_nchw_sum
//       CHECK:   %[[DIV:[a-zA-Z0-9_]+]] = arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
//       CHECK:   %[[AVG:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [{{.*}}, #[[HW]], {{.*}}]
//  CHECK-SAME:     ins(%[[SUM]], %[[DIV]] : tensor<1x2x3x3xf32>, tensor<3x3xf32>)
//       CHECK:     arith.divf
//       CHECK:   return %[[MAX]], %[[AVG]]
func.func @pools(%x: tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) {
  %0, %i = "onnx.MaxPool"(%x) {kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1]} : (tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, none)
  %1 = "onnx.AveragePool"(%x) {kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1]} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  return %0, %1 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>
}

// -----

// count_include_pad=1 divides by the full window everywhere.
// CHECK-LABEL: func.func @avgpool_include_pad
//       CHECK:   linalg.pooling_nchw_sum
//       CHECK:   linalg.generic
//       CHECK:     arith.constant 9.000000e+00 : f32
//       CHECK:     arith.divf
func.func @avgpool_include_pad(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %0 = "onnx.AveragePool"(%x) {kernel_shape = [3, 3], strides = [2, 2], pads = [1, 1, 1, 1], count_include_pad = 1 : i64} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// ceil_mode grows the end padding to produce the extra window.
// CHECK-LABEL: func.func @maxpool_ceil
//       CHECK:   tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
//       CHECK:   linalg.pooling_nchw_max
//  CHECK-SAME:     -> tensor<1x1x3x3xf32>
func.func @maxpool_ceil(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x3x3xf32> {
  %0, %i = "onnx.MaxPool"(%x) {kernel_shape = [3, 3], strides = [2, 2], ceil_mode = 1 : i64} : (tensor<1x1x6x6xf32>) -> (tensor<1x1x3x3xf32>, none)
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @global_pools
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
//  CHECK-SAME:     outs(%{{.*}} : tensor<1x3xf32>)
//       CHECK:     arith.addf
//       CHECK:     arith.constant 1.600000e+01 : f32
//       CHECK:     arith.divf
//       CHECK:   tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2, 3]] output_shape [1, 3, 1, 1]
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
//       CHECK:     arith.maximumf
func.func @global_pools(%x: tensor<1x3x4x4xf32>) -> (tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>) {
  %0 = "onnx.GlobalAveragePool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3x1x1xf32>
  %1 = "onnx.GlobalMaxPool"(%x) : (tensor<1x3x4x4xf32>) -> tensor<1x3x1x1xf32>
  return %0, %1 : tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>
}

// -----

// Constant batch-norm parameters fold into per-channel scale and shift:
// s = scale / sqrt(var + eps), t = B - mean * s.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batchnorm_const
//   CHECK-DAG:   %[[S:[a-zA-Z0-9_]+]] = arith.constant dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>
//   CHECK-DAG:   %[[T:[a-zA-Z0-9_]+]] = arith.constant dense<[5.000000e-01, -3.000000e+00]> : tensor<2xf32>
//       CHECK:   linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[ID]]]
//  CHECK-SAME:     ins(%{{.*}}, %[[S]], %[[T]] : tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>)
//       CHECK:     arith.mulf
//       CHECK:     arith.addf
func.func @batchnorm_const(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %s = "onnx.Constant"() {value = dense<[1.0, 6.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %b = "onnx.Constant"() {value = dense<[0.5, 0.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %m = "onnx.Constant"() {value = dense<[0.0, 1.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %v = "onnx.Constant"() {value = dense<[1.0, 4.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %0, %rm, %rv = "onnx.BatchNormalization"(%x, %s, %b, %m, %v) {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<1x2x3x3xf32>, none, none)
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// Non-constant parameters compute scale and shift with small generics.
// CHECK-LABEL: func.func @batchnorm_dynamic
//       CHECK:   %[[S:[a-zA-Z0-9_]+]] = linalg.generic
//       CHECK:     arith.addf
//       CHECK:     math.sqrt
//       CHECK:     arith.divf
//       CHECK:   %[[T:[a-zA-Z0-9_]+]] = linalg.generic
//  CHECK-SAME:     ins(%{{.*}}, %{{.*}}, %[[S]] :
//       CHECK:   linalg.generic
//  CHECK-SAME:     ins(%{{.*}}, %[[S]], %[[T]] :
func.func @batchnorm_dynamic(%x: tensor<1x2x3x3xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x3x3xf32> {
  %0, %rm, %rv = "onnx.BatchNormalization"(%x, %s, %b, %m, %v) : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<1x2x3x3xf32>, none, none)
  return %0 : tensor<1x2x3x3xf32>
}
