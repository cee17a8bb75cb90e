// RUN: zellige-opt %s --zellige-convert-onnx-to-linalg -split-input-file -verify-diagnostics

// Every unsupported operator, configuration and shape reports one error at
// the node.

func.func @unsupported_operator(%x: tensor<2x3xf32>) -> tensor<2x6xi64> {
  // expected-error @+1 {{unsupported ONNX operator 'NonZero'}}
  %0 = "onnx.NonZero"(%x) : (tensor<2x3xf32>) -> tensor<2x6xi64>
  return %0 : tensor<2x6xi64>
}

// -----

func.func @dynamic_shape(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{unsupported dynamic shape 'tensor<?x4xf32>'}}
  %0 = "onnx.Relu"(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

func.func @string_tensor(%x: tensor<2x!onnx.string>) -> tensor<2x!onnx.string> {
  // expected-error @+1 {{unsupported element type 'tensor<2x!onnx.string>'}}
  %0 = "onnx.Identity"(%x) : (tensor<2x!onnx.string>) -> tensor<2x!onnx.string>
  return %0 : tensor<2x!onnx.string>
}

// -----

func.func @erf_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{unsupported non-float element type 'tensor<4xi32>'}}
  %0 = "onnx.Erf"(%x) : (tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @bad_broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{operand type 'tensor<4xf32>' does not broadcast to result type 'tensor<2x3xf32>'}}
  %0 = "onnx.Add"(%a, %b) : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @matmul_mismatch(%a: tensor<3x4xf32>, %b: tensor<5x6xf32>) -> tensor<3x6xf32> {
  // expected-error @+1 {{contraction dimensions differ: 4 vs 5}}
  %0 = "onnx.MatMul"(%a, %b) : (tensor<3x4xf32>, tensor<5x6xf32>) -> tensor<3x6xf32>
  return %0 : tensor<3x6xf32>
}

// -----

func.func @gemm_int_alpha(%a: tensor<3x4xi32>, %b: tensor<4x5xi32>) -> tensor<3x5xi32> {
  %none = onnx.NoValue
  // expected-error @+1 {{unsupported alpha/beta other than 1 on integers}}
  %0 = "onnx.Gemm"(%a, %b, %none) {alpha = 2.0 : f32} : (tensor<3x4xi32>, tensor<4x5xi32>, none) -> tensor<3x5xi32>
  return %0 : tensor<3x5xi32>
}

// -----

func.func @conv_rank_2(%x: tensor<1x4xf32>, %w: tensor<1x4xf32>) -> tensor<1x1xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{expected an input of rank 3 or more}}
  %0 = "onnx.Conv"(%x, %w, %none) : (tensor<1x4xf32>, tensor<1x4xf32>, none) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @conv_auto_pad(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{unsupported auto_pad 'SAME'}}
  %0 = "onnx.Conv"(%x, %w, %none) {auto_pad = "SAME"} : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>, none) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

func.func @conv_bad_output(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{result spatial size 4 differs from the computed size 3}}
  %0 = "onnx.Conv"(%x, %w, %none) : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>, none) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @conv_bad_group(%x: tensor<1x4x4x4xf32>, %w: tensor<2x4x2x2xf32>) -> tensor<1x2x3x3xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{group 2 does not divide the 4 input and 2 output channels consistently with W}}
  %0 = "onnx.Conv"(%x, %w, %none) {group = 2 : i64} : (tensor<1x4x4x4xf32>, tensor<2x4x2x2xf32>, none) -> tensor<1x2x3x3xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

func.func @maxpool_indices_type(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x1x1xi64> {
  // expected-error @+1 {{Indices type does not match Y}}
  %0, %i = "onnx.MaxPool"(%x) {kernel_shape = [2, 2], strides = [2, 2]} : (tensor<1x1x4x4xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x1x1xi64>)
  return %i : tensor<1x1x1x1xi64>
}

// -----

func.func @batchnorm_running_outputs(%x: tensor<1x2x3x3xf32>, %p: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{unsupported running_mean/running_var outputs outside training mode}}
  %0, %rm, %rv = "onnx.BatchNormalization"(%x, %p, %p, %p, %p) : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>)
  return %rm : tensor<2xf32>
}

// -----

func.func @dropout_training(%x: tensor<4xf32>, %t: tensor<i1>) -> tensor<4xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{unsupported training mode (training_mode must be a constant false)}}
  %0, %m = "onnx.Dropout"(%x, %none, %t) : (tensor<4xf32>, none, tensor<i1>) -> (tensor<4xf32>, none)
  return %0 : tensor<4xf32>
}

// -----

func.func @pad_wrap(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %pads = "onnx.Constant"() {value = dense<[0, 1, 0, 1]> : tensor<4xi64>} : () -> tensor<4xi64>
  %none = onnx.NoValue
  // expected-error @+1 {{unsupported Pad mode 'wrap'}}
  %0 = "onnx.Pad"(%x, %pads, %none) {mode = "wrap"} : (tensor<2x3xf32>, tensor<4xi64>, none) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @pad_dynamic_pads(%x: tensor<2x3xf32>, %pads: tensor<4xi64>) -> tensor<2x5xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{unsupported non-constant pads}}
  %0 = "onnx.Pad"(%x, %pads, %none) : (tensor<2x3xf32>, tensor<4xi64>, none) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}


// -----

func.func @gather_out_of_range(%x: tensor<5x4xf32>) -> tensor<4xf32> {
  %c = "onnx.Constant"() {value = dense<7> : tensor<i64>} : () -> tensor<i64>
  // expected-error @+1 {{constant index 7 out of range for dimension size 5}}
  %0 = "onnx.Gather"(%x, %c) : (tensor<5x4xf32>, tensor<i64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_bad_axis(%x: tensor<2x3xf32>) -> tensor<2x1xf32> {
  // expected-error @+1 {{axis out of range for rank 2}}
  %0 = "onnx.ReduceMean"(%x) {axes = [2]} : (tensor<2x3xf32>) -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// Run-time axes that the static result type does not pin down: 2x2 -> 2
// could reduce either dim.
func.func @reduce_dynamic_axes(%x: tensor<2x2xf32>, %axes: tensor<1xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{unsupported non-constant axes that the result type does not determine}}
  %0 = "onnx.ReduceSum"(%x, %axes) {keepdims = 0 : i64} : (tensor<2x2xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @transpose_bad_perm(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+1 {{perm is not a permutation}}
  %0 = "onnx.Transpose"(%x) {perm = [1, 1]} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @reshape_mismatch(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %shape = "onnx.Constant"() {value = dense<[2, 3]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{shape operand does not match the result type 'tensor<3x2xf32>'}}
  %0 = "onnx.Reshape"(%x, %shape) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @softmax_bad_axis(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis out of range for rank 2}}
  %0 = "onnx.Softmax"(%x) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}


// -----

func.func @split_zero_size(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<0xf32>) {
  %s = "onnx.Constant"() {value = dense<[4, 0]> : tensor<2xi64>} : () -> tensor<2xi64>
  // expected-error @+1 {{unsupported zero-size output}}
  %0:2 = "onnx.Split"(%x, %s) : (tensor<4xf32>, tensor<2xi64>) -> (tensor<4xf32>, tensor<0xf32>)
  return %0#0, %0#1 : tensor<4xf32>, tensor<0xf32>
}

// -----

func.func @nll_bad_reduction(%x: tensor<3x5xf32>, %t: tensor<3xi64>) -> tensor<f32> {
  %none = onnx.NoValue
  // expected-error @+1 {{unsupported reduction 'max'}}
  %0 = "onnx.NegativeLogLikelihoodLoss"(%x, %t, %none) {reduction = "max"} : (tensor<3x5xf32>, tensor<3xi64>, none) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @resize_area(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{unsupported mode 'area'}}
  %0 = "onnx.Resize"(%x, %none, %none, %none) {mode = "area"} : (tensor<1x1x2x2xf32>, none, none, none) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

func.func @conv_transpose_large_pads(%x: tensor<1x1x3xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  %none = onnx.NoValue
  // expected-error @+1 {{unsupported padding larger than the kernel reach}}
  %0 = "onnx.ConvTranspose"(%x, %w, %none) {pads = [2, 1]} : (tensor<1x1x3xf32>, tensor<1x1x2xf32>, none) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// -----

func.func @einsum_bad_terms(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{equation has 2 input terms for 1 inputs}}
  %0 = "onnx.Einsum"(%a) {equation = "ij,jk->i"} : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @top_k(%x: tensor<5xf32>, %k: tensor<1xi64>) -> (tensor<3xf32>, tensor<3xi64>) {
  // expected-error @+1 {{unsupported ONNX operator 'TopK'}}
  %0:2 = "onnx.TopK"(%x, %k) : (tensor<5xf32>, tensor<1xi64>) -> (tensor<3xf32>, tensor<3xi64>)
  return %0#0, %0#1 : tensor<3xf32>, tensor<3xi64>
}
