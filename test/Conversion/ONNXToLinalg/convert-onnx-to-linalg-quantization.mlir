// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file | FileCheck %s

// QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear.

// Per-axis QuantizeLinear: round half to even, add the zero point,
// saturate to uint8.
// CHECK-DAG: #[[AXIS:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @quantize
//       CHECK:   linalg.generic {indexing_maps = [#{{.*}}, #[[AXIS]], #[[AXIS]], #{{.*}}]
//       CHECK:     arith.divf
//       CHECK:     math.roundeven
//       CHECK:     arith.uitofp
//       CHECK:     arith.maximumf
//       CHECK:     arith.minimumf
//       CHECK:     arith.fptoui %{{.*}} : f32 to i8
func.func @quantize(%x: tensor<2x3xf32>, %s: tensor<3xf32>, %z: tensor<3xui8>) -> tensor<2x3xui8> {
  %0 = "onnx.QuantizeLinear"(%x, %s, %z) : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xui8>
  return %0 : tensor<2x3xui8>
}

// -----

// CHECK-LABEL: func.func @dequantize
//       CHECK:     arith.extsi %{{.*}} : i8 to i32
//       CHECK:     arith.subi
//       CHECK:     arith.sitofp
//       CHECK:     arith.mulf
func.func @dequantize(%x: tensor<4xi8>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<4xf32> {
  %0 = "onnx.DequantizeLinear"(%x, %s, %z) : (tensor<4xi8>, tensor<f32>, tensor<i8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// DynamicQuantizeLinear: max and min reductions (from 0), the scalar scale
// and zero point, then the quantization.
// CHECK-LABEL: func.func @dynamic_quantize
//       CHECK:   %[[MAX:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["reduction"]
//       CHECK:   %[[MIN:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} iterator_types = ["reduction"]
//       CHECK:   %[[SCALE:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[MAX]], %[[MIN]] : tensor<f32>, tensor<f32>)
//       CHECK:   %[[ZP:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%[[MIN]], %[[SCALE]] : tensor<f32>, tensor<f32>) outs(%{{.*}} : tensor<i8>)
//       CHECK:   %[[Y:[a-zA-Z0-9_]+]] = linalg.generic {{.*}} ins(%{{.*}}, %[[SCALE]], %[[ZP]] : tensor<4xf32>, tensor<f32>, tensor<i8>)
//       CHECK:   return %[[Y]], %[[SCALE]], %[[ZP]]
func.func @dynamic_quantize(%x: tensor<4xf32>) -> (tensor<4xui8>, tensor<f32>, tensor<ui8>) {
  %0:3 = "onnx.DynamicQuantizeLinear"(%x) : (tensor<4xf32>) -> (tensor<4xui8>, tensor<f32>, tensor<ui8>)
  return %0#0, %0#1, %0#2 : tensor<4xui8>, tensor<f32>, tensor<ui8>
}
