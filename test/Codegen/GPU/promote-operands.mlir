// RUN: zellige-opt %s --split-input-file --zellige-gpu-promote-operands --canonicalize --verify-diagnostics | FileCheck %s
// RUN: not zellige-opt %s --split-input-file '--zellige-gpu-promote-operands=profile=%S/Inputs/tiny-shared.toml' 2>&1 | FileCheck %s --check-prefix=TINY

// Both operands of the thread's matmul are read from dispatch arguments:
// each step of 16 reduction iterations, the 256 threads copy the 32x16 tile
// of A and the 16x32 tile of B into workgroup buffers (allocated once per
// workgroup), wait, compute their 2x2 outputs from them, and wait again.
// The outputs accumulate in a buffer of each thread's own across the steps.

// CHECK-LABEL: func.func @promote_both
// CHECK-NOT:     zellige.gpu.promote
// CHECK:         scf.forall (%[[I:.*]], %[[J:.*]]) = (0, 0) to (64, 64) step (32, 32)
// CHECK-DAG:       %[[SA:.*]] = memref.alloca() : memref<32x16xf32, #gpu.address_space<workgroup>>
// CHECK-DAG:       %[[SB:.*]] = memref.alloca() : memref<16x32xf32, #gpu.address_space<workgroup>>
// CHECK-DAG:       %[[WA:.*]] = memref.subview %arg0[%[[I]], 0] [32, 32]
// CHECK-DAG:       %[[WB:.*]] = memref.subview %arg1[0, %[[J]]] [32, 32]
// CHECK:           scf.forall (%[[TI:.*]], %[[TJ:.*]]) = (0, 0) to (32, 32) step (2, 2)
// CHECK:             %[[Y:.*]] = arith.divui %[[TI]], %c2
// CHECK:             %[[X:.*]] = arith.divui %[[TJ]], %c2
// CHECK:             %[[YS:.*]] = arith.muli %[[Y]], %c16
// CHECK:             %[[TID:.*]] = arith.addi %[[X]], %[[YS]]
// CHECK:             %[[ACC:.*]] = memref.alloc() : memref<2x2xf32>
// CHECK:             linalg.copy ins(%[[TC:.*]] : {{.*}}) outs(%[[ACC]] : memref<2x2xf32>)
// CHECK:             scf.for %[[K:.*]] = %c0 to %c32 step %c16 {
// CHECK:               scf.for %[[E:.*]] = %[[TID]] to %c512 step %c256 {
// CHECK:                 %[[COL:.*]] = arith.remui %[[E]], %c16
// CHECK:                 %[[ROW:.*]] = arith.divui %[[E]], %c16
// CHECK:                 %[[KK:.*]] = arith.addi %[[COL]], %[[K]]
// CHECK:                 %[[V:.*]] = memref.load %[[WA]][%[[ROW]], %[[KK]]]
// CHECK:                 memref.store %[[V]], %[[SA]][%[[ROW]], %[[COL]]]
// CHECK:               scf.for %{{.*}} = %[[TID]] to %c512 step %c256 {
// CHECK:                 memref.load %[[WB]]
// CHECK:                 memref.store {{.*}}, %[[SB]]
// CHECK:               gpu.barrier
// CHECK-DAG:           %[[TA:.*]] = memref.subview %[[SA]][%[[TI]], 0] [2, 16] [1, 1]
// CHECK-DAG:           %[[TB:.*]] = memref.subview %[[SB]][0, %[[TJ]]] [16, 2] [1, 1]
// CHECK:               linalg.matmul ins(%[[TA]], %[[TB]] : {{.*}}) outs(%[[ACC]] : memref<2x2xf32>)
// CHECK-NEXT:          gpu.barrier
// CHECK-NEXT:        }
// CHECK-NEXT:        linalg.copy ins(%[[ACC]] : memref<2x2xf32>) outs(%[[TC]] :
// CHECK-NOT:         linalg.matmul
// CHECK:           } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
func.func @promote_both(%arg0: memref<64x32xf32>, %arg1: memref<32x64xf32>, %arg2: memref<64x64xf32>) attributes {zellige.gpu.promote = array<i64: 2, 16>} {
  %cst = arith.constant 0.000000e+00 : f32
  scf.forall (%i, %j) = (0, 0) to (64, 64) step (32, 32) {
    %a = memref.subview %arg0[%i, 0] [32, 32] [1, 1] : memref<64x32xf32> to memref<32x32xf32, strided<[32, 1], offset: ?>>
    %b = memref.subview %arg1[0, %j] [32, 32] [1, 1] : memref<32x64xf32> to memref<32x32xf32, strided<[64, 1], offset: ?>>
    %c = memref.subview %arg2[%i, %j] [32, 32] [1, 1] : memref<64x64xf32> to memref<32x32xf32, strided<[64, 1], offset: ?>>
    scf.forall (%ti, %tj) = (0, 0) to (32, 32) step (2, 2) {
      %ta = memref.subview %a[%ti, 0] [2, 32] [1, 1] : memref<32x32xf32, strided<[32, 1], offset: ?>> to memref<2x32xf32, strided<[32, 1], offset: ?>>
      %tb = memref.subview %b[0, %tj] [32, 2] [1, 1] : memref<32x32xf32, strided<[64, 1], offset: ?>> to memref<32x2xf32, strided<[64, 1], offset: ?>>
      %tc = memref.subview %c[%ti, %tj] [2, 2] [1, 1] : memref<32x32xf32, strided<[64, 1], offset: ?>> to memref<2x2xf32, strided<[64, 1], offset: ?>>
      linalg.fill ins(%cst : f32) outs(%tc : memref<2x2xf32, strided<[64, 1], offset: ?>>)
      linalg.matmul ins(%ta, %tb : memref<2x32xf32, strided<[32, 1], offset: ?>>, memref<32x2xf32, strided<[64, 1], offset: ?>>) outs(%tc : memref<2x2xf32, strided<[64, 1], offset: ?>>)
    } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
  } {mapping = [#gpu.block<y>, #gpu.block<x>]}
  return
}

// -----

// A is computed by each thread (a fused producer in a private buffer): only
// B is staged; each step reads its slice of A's buffer directly.

// CHECK-LABEL: func.func @promote_one
// CHECK:         scf.forall
// CHECK-NEXT:      %[[SB:.*]] = memref.alloca() : memref<8x16xf32, #gpu.address_space<workgroup>>
// CHECK-NOT:       memref.alloca()
// CHECK:           scf.forall
// CHECK:             %[[PA:.*]] = memref.alloc() : memref<1x32xf32>
// CHECK:             scf.for %[[K:.*]] = %c0 to %c32 step %c8 {
// CHECK:               scf.for
// CHECK:               gpu.barrier
// CHECK-DAG:           %[[TA:.*]] = memref.subview %[[PA]][0, %[[K]]] [1, 8] [1, 1]
// CHECK-DAG:           %[[TB:.*]] = memref.subview %[[SB]][0, %{{.*}}] [8, 1] [1, 1]
// CHECK:               linalg.matmul ins(%[[TA]], %[[TB]] :
// CHECK-NEXT:          gpu.barrier
// TINY-LABEL: func.func @promote_one
// TINY:         memref.alloca() : memref<8x16xf32, #gpu.address_space<workgroup>>
func.func @promote_one(%arg0: memref<4x32xf32>, %arg1: memref<32x16xf32>, %arg2: memref<4x16xf32>) attributes {zellige.gpu.promote = array<i64: 2, 8>} {
  scf.forall (%i) = (0) to (4) step (4) {
    %b = memref.subview %arg1[0, 0] [32, 16] [1, 1] : memref<32x16xf32> to memref<32x16xf32, strided<[16, 1]>>
    %c = memref.subview %arg2[%i, 0] [4, 16] [1, 1] : memref<4x16xf32> to memref<4x16xf32, strided<[16, 1], offset: ?>>
    scf.forall (%ti, %tj) = (0, 0) to (4, 16) step (1, 1) {
      %pa = memref.alloc() : memref<1x32xf32>
      %row = arith.addi %i, %ti : index
      %src = memref.subview %arg0[%row, 0] [1, 32] [1, 1] : memref<4x32xf32> to memref<1x32xf32, strided<[32, 1], offset: ?>>
      linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%src : memref<1x32xf32, strided<[32, 1], offset: ?>>) outs(%pa : memref<1x32xf32>) {
      ^bb0(%x: f32, %o: f32):
        %e = math.exp %x : f32
        linalg.yield %e : f32
      }
      %tb = memref.subview %b[0, %tj] [32, 1] [1, 1] : memref<32x16xf32, strided<[16, 1]>> to memref<32x1xf32, strided<[16, 1], offset: ?>>
      %tc = memref.subview %c[%ti, %tj] [1, 1] [1, 1] : memref<4x16xf32, strided<[16, 1], offset: ?>> to memref<1x1xf32, strided<[16, 1], offset: ?>>
      linalg.matmul ins(%pa, %tb : memref<1x32xf32>, memref<32x1xf32, strided<[16, 1], offset: ?>>) outs(%tc : memref<1x1xf32, strided<[16, 1], offset: ?>>)
    } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// A step that does not divide the reduction loop is an error.

func.func @bad_step(%arg0: memref<4x32xf32>, %arg1: memref<32x4xf32>, %arg2: memref<4x4xf32>) attributes {zellige.gpu.promote = array<i64: 2, 12>} {
  scf.forall (%i) = (0) to (4) step (4) {
    scf.forall (%ti) = (0) to (4) step (1) {
      %ta = memref.subview %arg0[%ti, 0] [1, 32] [1, 1] : memref<4x32xf32> to memref<1x32xf32, strided<[32, 1], offset: ?>>
      %tc = memref.subview %arg2[%ti, 0] [1, 4] [1, 1] : memref<4x4xf32> to memref<1x4xf32, strided<[4, 1], offset: ?>>
      // expected-error @+1 {{GPU target: promoted reduction step 12 does not divide the reduction loop of 32 iterations}}
      linalg.matmul ins(%ta, %arg1 : memref<1x32xf32, strided<[32, 1], offset: ?>>, memref<32x4xf32>) outs(%tc : memref<1x4xf32, strided<[4, 1], offset: ?>>)
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// Tiles that do not fit in the profile's shared memory are an error: with
// 4 KiB, 32x32 + 32x32 floats do not fit.

// TINY: error: GPU target: the promoted operand tiles of dispatch 'too_big' need 8192 bytes of workgroup memory; profile 'tiny-shared' has 4096
// CHECK-LABEL: func.func @too_big
// CHECK: memref.alloca() : memref<32x32xf32, #gpu.address_space<workgroup>>
func.func @too_big(%arg0: memref<32x64xf32>, %arg1: memref<64x32xf32>, %arg2: memref<32x32xf32>) attributes {zellige.gpu.promote = array<i64: 2, 32>} {
  scf.forall (%i) = (0) to (1) step (1) {
    scf.forall (%ti, %tj) = (0, 0) to (32, 32) step (4, 4) {
      %ta = memref.subview %arg0[%ti, 0] [4, 64] [1, 1] : memref<32x64xf32> to memref<4x64xf32, strided<[64, 1], offset: ?>>
      %tb = memref.subview %arg1[0, %tj] [64, 4] [1, 1] : memref<64x32xf32> to memref<64x4xf32, strided<[32, 1], offset: ?>>
      %tc = memref.subview %arg2[%ti, %tj] [4, 4] [1, 1] : memref<32x32xf32> to memref<4x4xf32, strided<[32, 1], offset: ?>>
      linalg.matmul ins(%ta, %tb : memref<4x64xf32, strided<[64, 1], offset: ?>>, memref<64x4xf32, strided<[32, 1], offset: ?>>) outs(%tc : memref<4x4xf32, strided<[32, 1], offset: ?>>)
    } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}
