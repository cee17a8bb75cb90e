// RUN: zellige-opt %s --zellige-form-dispatches --split-input-file | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#id1 = affine_map<(d0) -> (d0)>

// A matmul with its fill and its elementwise consumer form one dispatch; the
// weight stays outside as an operand, the scalar is cloned in, the reshape
// stays outside as a view, and the elementwise op after it is a dispatch of
// its own.
// CHECK-LABEL: func.func @matmul_relu_exp
// CHECK-SAME: (%[[X:.*]]: tensor<4x2xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x2xf32>
// CHECK: %[[D0:.*]] = kernel.dispatch @dispatch_0_matmul (%[[X]], %[[W]] : tensor<4x2xf32>, tensor<2x2xf32>) config <"matmul", []> -> tensor<4x2xf32> {
// CHECK: ^bb0(%[[A:.*]]: tensor<4x2xf32>, %[[B:.*]]: tensor<2x2xf32>):
// CHECK:   arith.constant 0.000000e+00 : f32
// CHECK:   linalg.fill
// CHECK:   %[[MM:.*]] = linalg.matmul ins(%[[A]], %[[B]]
// CHECK:   %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[MM]]
// CHECK:   kernel.yield %[[RELU]] : tensor<4x2xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[D0]]
// CHECK: %[[D1:.*]] = kernel.dispatch @dispatch_1_elementwise (%[[C]] : tensor<8xf32>) config <"elementwise", []> -> tensor<8xf32>
// CHECK:   math.exp
// CHECK: return %[[D1]]
func.func @matmul_relu_exp(%x: tensor<4x2xf32>) -> tensor<8xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x2xf32>, tensor<2x2xf32>) outs(%f : tensor<4x2xf32>) -> tensor<4x2xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<4x2xf32>) outs(%e2 : tensor<4x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<4x2xf32>
  %c = tensor.collapse_shape %r [[0, 1]] : tensor<4x2xf32> into tensor<8xf32>
  %e3 = tensor.empty() : tensor<8xf32>
  %g = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%c : tensor<8xf32>) outs(%e3 : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<8xf32>
  return %g : tensor<8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// A result used twice is not fused into either consumer: each consumer is a
// dispatch of its own and the producer's dispatch yields its result.
// CHECK-LABEL: func.func @shared_producer
// CHECK: %[[P:.*]] = kernel.dispatch @dispatch_0_elementwise
// CHECK: kernel.dispatch @dispatch_1_elementwise (%[[P]]
// CHECK: kernel.dispatch @dispatch_2_elementwise (%[[P]]
func.func @shared_producer(%x: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %e = tensor.empty() : tensor<2x2xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    linalg.yield %v : f32
  } -> tensor<2x2xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.sqrt %in : f32
    linalg.yield %v : f32
  } -> tensor<2x2xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.log %in : f32
    linalg.yield %v : f32
  } -> tensor<2x2xf32>
  return %a, %b : tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// A padded convolution takes its pad in.
// CHECK-LABEL: func.func @conv_with_pad
// CHECK: kernel.dispatch @dispatch_0_conv (%{{.*}}, %{{.*}} : tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>)
// CHECK:   tensor.pad
// CHECK:   linalg.conv_2d_nchw_fchw
// CHECK-NOT: tensor.pad
// CHECK: return
func.func @conv_with_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x1x4x4xf32> to tensor<1x1x6x6xf32>
  %e = tensor.empty() : tensor<1x1x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
      ins(%p, %w : tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) outs(%f : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %c : tensor<1x1x4x4xf32>
}

