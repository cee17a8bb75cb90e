// GridSample becomes gathers and weights: the grid's x and y denormalized
// (align_corners: (g + 1) / 2 * (size - 1)), clamped where they leave the
// border (border padding), rounded (nearest), turned into flat indices
// y * W + x, and gathered from X [N, C, H * W] with GatherElements.

// RUN: %python %S/Inputs/gen_model.py grid_sample %t.onnx
// RUN: zellige-translate --import-onnx %t.onnx | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]*]]: tensor<1x2x3x4xf32> {onnx.name = "X"}, %[[G:[^:]*]]: tensor<1x5x6x2xf32> {onnx.name = "grid"}) -> (tensor<1x2x5x6xf32> {onnx.name = "Y"})
// x: grid[..., 0], (g + 1) * 1.5 for a width of 4.
// CHECK: "onnx.Slice"(%[[G]], {{.*}}) : (tensor<1x5x6x2xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<1x5x6x1xf32>
// CHECK: "onnx.Constant"() <{value = dense<1.500000e+00> : tensor<f32>}>
// CHECK: %[[OUT:.*]] = "onnx.Or"
// CHECK: %[[CLAMP:.*]] = "onnx.Clip"
// CHECK: %[[PX:.*]] = "onnx.Where"(%[[OUT]], %[[CLAMP]],
// CHECK: %[[FLAT:.*]] = "onnx.Reshape"(%[[X]], %{{.*}}) {{.*}} -> tensor<1x2x12xf32>
// CHECK: "onnx.Round"
// CHECK: %[[RX:.*]] = "onnx.Round"(%[[PX]])
// CHECK: %[[IDX:.*]] = "onnx.Cast"({{.*}}) <{to = 7 : i64}> : (tensor<1x5x6xf32>) -> tensor<1x5x6xi64>
// CHECK: %[[SPREAD:.*]] = "onnx.Expand"({{.*}}) : (tensor<1x1x30xi64>, tensor<3xi64>) -> tensor<1x2x30xi64>
// CHECK: "onnx.GatherElements"(%[[FLAT]], %[[SPREAD]]) <{axis = 2 : i64}> : (tensor<1x2x12xf32>, tensor<1x2x30xi64>) -> tensor<1x2x30xf32>
// CHECK: "onnx.Reshape"({{.*}}) -> tensor<1x2x5x6xf32>
