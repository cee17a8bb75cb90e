// RUN: zellige-opt %s --allow-unregistered-dialect --zellige-form-dispatches -verify-diagnostics

func.func @leftover_op(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{operation 'test.op' was not lowered before dispatch formation}}
  %0 = "test.op"(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
