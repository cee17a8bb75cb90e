// RUN: zellige-opt %s --zellige-outline-dispatches | FileCheck %s

// CHECK-LABEL: module @executable
// CHECK: func.func @dispatch_0_elementwise(%[[IN:[a-z0-9]+]]: memref<8xf32>, %[[OUT:[a-z0-9]+]]: memref<8xf32>)
// CHECK-SAME: kernel.config = #kernel.config<"elementwise", [<"tile.0" = 1 in[1], "heuristic">]>
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[IN]] restrict : memref<8xf32> to tensor<8xf32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[T]]
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %[[OUT]]
// CHECK: return
#id = affine_map<(d0) -> (d0)>
func.func @main(%x: tensor<8xf32>) -> tensor<8xf32> {
  %r = kernel.dispatch @dispatch_0_elementwise (%x : tensor<8xf32>) config <"elementwise", [<"tile.0" = 1 in [1], "heuristic">]> -> tensor<8xf32> {
  ^bb0(%a: tensor<8xf32>):
    %e = tensor.empty() : tensor<8xf32>
    %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
        ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %v = math.exp %in : f32
      linalg.yield %v : f32
    } -> tensor<8xf32>
    kernel.yield %g : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}
