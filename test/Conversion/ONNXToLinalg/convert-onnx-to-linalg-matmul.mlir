// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// MatMul and Gemm.

// CHECK-LABEL: func.func @matmul_2d
//  CHECK-SAME:   (%[[A:[a-z0-9_]+]]: tensor<3x4xf32>, %[[B:[a-z0-9_]+]]: tensor<4x5xf32>)
//       CHECK:   %[[ZERO:[a-zA-Z0-9_]+]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[E:[a-zA-Z0-9_]+]] = tensor.empty() : tensor<3x5xf32>
//       CHECK:   %[[F:[a-zA-Z0-9_]+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<3x5xf32>)
//       CHECK:   %[[MM:[a-zA-Z0-9_]+]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<3x4xf32>, tensor<4x5xf32>) outs(%[[F]] : tensor<3x5xf32>)
//       CHECK:   return %[[MM]]
func.func @matmul_2d(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<3x4xf32>, tensor<4x5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// A batched LHS against a matrix: one matmul on the collapsed rows.
// CHECK-LABEL: func.func @matmul_batch_matrix
//       CHECK:   %[[FLAT:[a-zA-Z0-9_]+]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2], [3]] : tensor<2x5x3x4xf32> into tensor<30x4xf32>
//       CHECK:   %[[MM:[a-zA-Z0-9_]+]] = linalg.matmul ins(%[[FLAT]], %{{.*}} : tensor<30x4xf32>, tensor<4x6xf32>)
//       CHECK:   tensor.expand_shape %[[MM]] {{\[}}[0, 1, 2], [3]] output_shape [2, 5, 3, 6] : tensor<30x6xf32> into tensor<2x5x3x6xf32>
func.func @matmul_batch_matrix(%a: tensor<2x5x3x4xf32>, %b: tensor<4x6xf32>) -> tensor<2x5x3x6xf32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<2x5x3x4xf32>, tensor<4x6xf32>) -> tensor<2x5x3x6xf32>
  return %0 : tensor<2x5x3x6xf32>
}

// -----

// Broadcast batch dims: B is broadcast to the full batch, both collapse to
// one batch dim for linalg.batch_matmul.
// CHECK-DAG: #[[BMAP:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_batched
//  CHECK-SAME:   (%[[A:[a-z0-9_]+]]: tensor<2x5x3x4xf32>, %[[B:[a-z0-9_]+]]: tensor<5x4x6xf32>)
//       CHECK:   %[[A3:[a-zA-Z0-9_]+]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2], [3]] : tensor<2x5x3x4xf32> into tensor<10x3x4xf32>
//       CHECK:   %[[BB:[a-zA-Z0-9_]+]] = linalg.generic {indexing_maps = [#[[BMAP]], {{.*}}]
//  CHECK-SAME:     ins(%[[B]] : tensor<5x4x6xf32>) outs(%{{.*}} : tensor<2x5x4x6xf32>)
//       CHECK:   %[[B3:[a-zA-Z0-9_]+]] = tensor.collapse_shape %[[BB]] {{\[}}[0, 1], [2], [3]] : tensor<2x5x4x6xf32> into tensor<10x4x6xf32>
//       CHECK:   %[[BMM:[a-zA-Z0-9_]+]] = linalg.batch_matmul ins(%[[A3]], %[[B3]] : tensor<10x3x4xf32>, tensor<10x4x6xf32>)
//       CHECK:   tensor.expand_shape %[[BMM]] {{\[}}[0, 1], [2], [3]] output_shape [2, 5, 3, 6]
func.func @matmul_batched(%a: tensor<2x5x3x4xf32>, %b: tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<2x5x3x4xf32>, tensor<5x4x6xf32>) -> tensor<2x5x3x6xf32>
  return %0 : tensor<2x5x3x6xf32>
}

// -----

// 1-D operands are promoted to matrices and the unit dim dropped again.
// CHECK-LABEL: func.func @matmul_vector
//       CHECK:   tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
//       CHECK:   tensor.expand_shape %{{.*}} {{\[}}[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
//       CHECK:   %[[MM:[a-zA-Z0-9_]+]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<1x4xf32>, tensor<4x1xf32>)
//       CHECK:   tensor.collapse_shape %[[MM]] [] : tensor<1x1xf32> into tensor<f32>
func.func @matmul_vector(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<f32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// Integer matmul accumulates from an integer zero.
// CHECK-LABEL: func.func @matmul_int
//       CHECK:   arith.constant 0 : i32
//       CHECK:   linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x3xi32>, tensor<3x2xi32>)
func.func @matmul_int(%a: tensor<2x3xi32>, %b: tensor<3x2xi32>) -> tensor<2x2xi32> {
  %0 = "onnx.MatMul"(%a, %b) : (tensor<2x3xi32>, tensor<3x2xi32>) -> tensor<2x2xi32>
  return %0 : tensor<2x2xi32>
}

// -----

// Gemm with transposes, alpha and a broadcast C in one epilogue.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @gemm
//  CHECK-SAME:   (%[[A:[a-z0-9_]+]]: tensor<4x3xf32>, %[[B:[a-z0-9_]+]]: tensor<5x4xf32>, %[[C:[a-z0-9_]+]]: tensor<5xf32>)
//       CHECK:   %[[AT:[a-zA-Z0-9_]+]] = linalg.transpose ins(%[[A]] : tensor<4x3xf32>) outs(%{{.*}} : tensor<3x4xf32>) permutation = [1, 0]
//       CHECK:   %[[BT:[a-zA-Z0-9_]+]] = linalg.transpose ins(%[[B]] : tensor<5x4xf32>) outs(%{{.*}} : tensor<4x5xf32>) permutation = [1, 0]
//       CHECK:   %[[MM:[a-zA-Z0-9_]+]] = linalg.matmul ins(%[[AT]], %[[BT]] : tensor<3x4xf32>, tensor<4x5xf32>)
//       CHECK:   linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
//  CHECK-SAME:     ins(%[[MM]], %[[C]] : tensor<3x5xf32>, tensor<5xf32>)
//       CHECK:   ^bb0(%[[P:[a-zA-Z0-9_]+]]: f32, %[[CV:[a-zA-Z0-9_]+]]: f32, %{{.*}}: f32):
//       CHECK:     %[[ALPHA:[a-zA-Z0-9_]+]] = arith.constant 2.000000e+00 : f32
//       CHECK:     %[[S:[a-zA-Z0-9_]+]] = arith.mulf %[[ALPHA]], %[[P]]
//       CHECK:     %[[BETA:[a-zA-Z0-9_]+]] = arith.constant 5.000000e-01 : f32
//       CHECK:     %[[SC:[a-zA-Z0-9_]+]] = arith.mulf %[[BETA]], %[[CV]]
//       CHECK:     arith.addf %[[S]], %[[SC]]
func.func @gemm(%a: tensor<4x3xf32>, %b: tensor<5x4xf32>, %c: tensor<5xf32>) -> tensor<3x5xf32> {
  %0 = "onnx.Gemm"(%a, %b, %c) {transA = 1 : i64, transB = 1 : i64, alpha = 2.0 : f32, beta = 0.5 : f32} : (tensor<4x3xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}

// -----

// Gemm without C and with alpha 1 is a plain matmul.
// CHECK-LABEL: func.func @gemm_plain
//       CHECK:   %[[MM:[a-zA-Z0-9_]+]] = linalg.matmul
//  CHECK-NEXT:   return %[[MM]]
func.func @gemm_plain(%a: tensor<3x4xf32>, %b: tensor<4x5xf32>) -> tensor<3x5xf32> {
  %none = onnx.NoValue
  %0 = "onnx.Gemm"(%a, %b, %none) : (tensor<3x4xf32>, tensor<4x5xf32>, none) -> tensor<3x5xf32>
  return %0 : tensor<3x5xf32>
}
