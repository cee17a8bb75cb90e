// RUN: zellige-opt %s --split-input-file --zellige-host-distribute-workgroups | FileCheck %s

// The forall becomes the work of one workgroup: its indices are delinearized
// from the new trailing workgroup id argument.

// CHECK-LABEL: func.func @two_d
// CHECK-SAME:    (%{{.*}}: memref<64x96xf32>, %[[WG:.*]]: index)
// CHECK-SAME:    zellige.host.workgroup_count = 6 : i64
// CHECK:         %[[IDX:.*]]:2 = affine.delinearize_index %[[WG]] into (2, 3)
// CHECK:         affine.apply {{.*}}(%[[IDX]]#0)
// CHECK:         affine.apply {{.*}}(%[[IDX]]#1)
// CHECK-NOT:     scf.forall
// CHECK:         linalg.fill
func.func @two_d(%out: memref<64x96xf32>) {
  %cst = arith.constant 1.0 : f32
  scf.forall (%i, %j) = (0, 0) to (64, 96) step (32, 32) {
    %sv = memref.subview %out[%i, %j] [32, 32] [1, 1] : memref<64x96xf32> to memref<32x32xf32, strided<[96, 1], offset: ?>>
    linalg.fill ins(%cst : f32) outs(%sv : memref<32x32xf32, strided<[96, 1], offset: ?>>)
  }
  return
}

// -----

// Without a forall the dispatch is one workgroup.

// CHECK-LABEL: func.func @serial
// CHECK-SAME:    (%{{.*}}: memref<8xf32>, %{{.*}}: index)
// CHECK-SAME:    zellige.host.workgroup_count = 1 : i64
func.func @serial(%out: memref<8xf32>) {
  %cst = arith.constant 1.0 : f32
  linalg.fill ins(%cst : f32) outs(%out : memref<8xf32>)
  return
}

// -----

// A write to an argument outside the forall would race between workgroups:
// the forall stays, run whole by a single workgroup.

// CHECK-LABEL: func.func @unsafe
// CHECK-SAME:    zellige.host.workgroup_count = 1 : i64
// CHECK:         linalg.fill
// CHECK:         scf.forall
func.func @unsafe(%out: memref<64xf32>, %other: memref<4xf32>) {
  %cst = arith.constant 1.0 : f32
  linalg.fill ins(%cst : f32) outs(%other : memref<4xf32>)
  scf.forall (%i) = (0) to (64) step (16) {
    %sv = memref.subview %out[%i] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: ?>>
    linalg.fill ins(%cst : f32) outs(%sv : memref<16xf32, strided<[1], offset: ?>>)
  }
  return
}
