// RUN: zellige-opt %s --split-input-file --zellige-gpu-vectorize --canonicalize --verify-diagnostics | FileCheck %s

// Elementwise work over a 1x4 thread tile with width 4: the inner loop
// becomes one vector iteration, with vector loads of x and of the bias row,
// math and arith on vectors, and a vector store.

// CHECK-LABEL: func.func @elementwise
// CHECK-NOT:     zellige.gpu.vector
// CHECK:         scf.forall (%[[TJ:.*]]) = (0) to (64) step (4)
// CHECK-NEXT:      %[[X:.*]] = vector.load %arg0[%{{.*}}, %[[TJ]]] : memref<8x64xf32>, vector<4xf32>
// CHECK-NEXT:      %[[B:.*]] = vector.load %arg1[%[[TJ]]] : memref<64xf32>, vector<4xf32>
// CHECK-NEXT:      %[[E:.*]] = math.exp %[[X]] : vector<4xf32>
// CHECK-NEXT:      %[[S:.*]] = arith.addf %[[E]], %[[B]] : vector<4xf32>
// CHECK-NEXT:      vector.store %[[S]], %arg2[%{{.*}}, %[[TJ]]] : memref<8x64xf32>, vector<4xf32>
// CHECK-NEXT:    } {mapping = [#gpu.thread<x>]}
func.func @elementwise(%arg0: memref<8x64xf32>, %arg1: memref<64xf32>, %arg2: memref<8x64xf32>) attributes {zellige.gpu.vector = 4 : i64} {
  scf.forall (%i, %j) = (0, 0) to (8, 64) step (1, 64) {
    scf.forall (%tj) = (0) to (64) step (4) {
      %col = arith.addi %j, %tj : index
      %x = memref.subview %arg0[%i, %col] [1, 4] [1, 1] : memref<8x64xf32> to memref<1x4xf32, strided<[64, 1], offset: ?>>
      %b = memref.subview %arg1[%col] [4] [1] : memref<64xf32> to memref<4xf32, strided<[1], offset: ?>>
      %y = memref.subview %arg2[%i, %col] [1, 4] [1, 1] : memref<8x64xf32> to memref<1x4xf32, strided<[64, 1], offset: ?>>
      linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %b : memref<1x4xf32, strided<[64, 1], offset: ?>>, memref<4xf32, strided<[1], offset: ?>>) outs(%y : memref<1x4xf32, strided<[64, 1], offset: ?>>) {
      ^bb0(%in: f32, %bias: f32, %out: f32):
        %e = math.exp %in : f32
        %s = arith.addf %e, %bias : f32
        linalg.yield %s : f32
      }
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<y>, #gpu.block<x>]}
  return
}

// -----

// A matmul with a 2x4 thread tile: the reduction loop is outermost, the
// row of A is loaded once per output row and broadcast, B's row and the
// accumulator row are vectors. The fill and the relu epilogue are vectorized
// too.

// CHECK-LABEL: func.func @matmul
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK:         scf.forall
// CHECK:           %[[ACC:.*]] = memref.alloc() : memref<2x4xf32>
// CHECK:           scf.for %[[R:.*]] = %c0 to %c2 step %c1 {
// CHECK-NEXT:        vector.store %[[ZERO]], %[[ACC]][%[[R]], %c0] : memref<2x4xf32>, vector<4xf32>
// CHECK:           scf.for %[[K:.*]] = %c0 to %c32 step %c1 {
// CHECK-NEXT:        scf.for %[[I:.*]] = %c0 to %c2 step %c1 {
// CHECK:               %[[A:.*]] = memref.load %arg0[%{{.*}}, %[[K]]] : memref<64x32xf32>
// CHECK:               %[[BV:.*]] = vector.load %arg1[%[[K]], %{{.*}}] : memref<32x64xf32>, vector<4xf32>
// CHECK:               %[[CV:.*]] = vector.load %[[ACC]][%[[I]], %c0] : memref<2x4xf32>, vector<4xf32>
// CHECK:               %[[AV:.*]] = vector.broadcast %[[A]] : f32 to vector<4xf32>
// CHECK:               %[[P:.*]] = arith.mulf %[[AV]], %[[BV]] : vector<4xf32>
// CHECK:               %[[SUM:.*]] = arith.addf %[[CV]], %[[P]] : vector<4xf32>
// CHECK:               vector.store %[[SUM]], %[[ACC]][%[[I]], %c0] : memref<2x4xf32>, vector<4xf32>
// CHECK:           scf.for
// CHECK:             vector.load %[[ACC]]
// CHECK:             arith.maximumf {{.*}} : vector<4xf32>
// CHECK:             vector.store {{.*}}, %arg2
// CHECK-NOT:       linalg.
func.func @matmul(%arg0: memref<64x32xf32>, %arg1: memref<32x64xf32>, %arg2: memref<64x64xf32>) attributes {zellige.gpu.vector = 4 : i64} {
  %cst = arith.constant 0.000000e+00 : f32
  scf.forall (%i, %j) = (0, 0) to (64, 64) step (32, 32) {
    %a = memref.subview %arg0[%i, 0] [32, 32] [1, 1] : memref<64x32xf32> to memref<32x32xf32, strided<[32, 1], offset: ?>>
    %b = memref.subview %arg1[0, %j] [32, 32] [1, 1] : memref<32x64xf32> to memref<32x32xf32, strided<[64, 1], offset: ?>>
    %c = memref.subview %arg2[%i, %j] [32, 32] [1, 1] : memref<64x64xf32> to memref<32x32xf32, strided<[64, 1], offset: ?>>
    scf.forall (%ti, %tj) = (0, 0) to (32, 32) step (2, 4) {
      %ta = memref.subview %a[%ti, 0] [2, 32] [1, 1] : memref<32x32xf32, strided<[32, 1], offset: ?>> to memref<2x32xf32, strided<[32, 1], offset: ?>>
      %tb = memref.subview %b[0, %tj] [32, 4] [1, 1] : memref<32x32xf32, strided<[64, 1], offset: ?>> to memref<32x4xf32, strided<[64, 1], offset: ?>>
      %acc = memref.alloc() : memref<2x4xf32>
      linalg.fill ins(%cst : f32) outs(%acc : memref<2x4xf32>)
      linalg.matmul ins(%ta, %tb : memref<2x32xf32, strided<[32, 1], offset: ?>>, memref<32x4xf32, strided<[64, 1], offset: ?>>) outs(%acc : memref<2x4xf32>)
      %tc = memref.subview %c[%ti, %tj] [2, 4] [1, 1] : memref<32x32xf32, strided<[64, 1], offset: ?>> to memref<2x4xf32, strided<[64, 1], offset: ?>>
      linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc : memref<2x4xf32>) outs(%tc : memref<2x4xf32, strided<[64, 1], offset: ?>>) {
      ^bb0(%x: f32, %o: f32):
        %r = arith.maximumf %x, %cst : f32
        linalg.yield %r : f32
      }
    } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
  } {mapping = [#gpu.block<y>, #gpu.block<x>]}
  return
}

// -----

// A transpose and a row sum: no access moves along the innermost dimension
// of its buffer with the inner loop, or the loop stores where it does not
// move. Both stay scalar.

// CHECK-LABEL: func.func @scalar
// CHECK-NOT:     vector.
// CHECK:         memref.store {{.*}}, %arg1
// CHECK:         memref.store {{.*}}, %arg2
func.func @scalar(%arg0: memref<8x8xf32>, %arg1: memref<8x8xf32>, %arg2: memref<8xf32>) attributes {zellige.gpu.vector = 2 : i64} {
  scf.forall (%i) = (0) to (8) step (8) {
    scf.forall (%ti) = (0) to (8) step (2) {
      %x = memref.subview %arg0[%ti, 0] [2, 8] [1, 1] : memref<8x8xf32> to memref<2x8xf32, strided<[8, 1], offset: ?>>
      %y = memref.subview %arg1[0, %ti] [8, 2] [1, 1] : memref<8x8xf32> to memref<8x2xf32, strided<[8, 1], offset: ?>>
      linalg.transpose ins(%x : memref<2x8xf32, strided<[8, 1], offset: ?>>) outs(%y : memref<8x2xf32, strided<[8, 1], offset: ?>>) permutation = [1, 0]
      %s = memref.subview %arg2[%ti] [2] [1] : memref<8xf32> to memref<2xf32, strided<[1], offset: ?>>
      linalg.reduce ins(%x : memref<2x8xf32, strided<[8, 1], offset: ?>>) outs(%s : memref<2xf32, strided<[1], offset: ?>>) dimensions = [1]
        (%in: f32, %acc: f32) {
          %sum = arith.addf %in, %acc : f32
          linalg.yield %sum : f32
        }
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// The kernel form has vectors of 2, 4, 8 or 16 elements only (1: scalar code).

// expected-error @+1 {{GPU target: vector width 3 is not 1, 2, 4, 8 or 16}}
func.func @bad_width(%arg0: memref<6xf32>) attributes {zellige.gpu.vector = 3 : i64} {
  return
}
