// RUN: zellige-opt %s --split-input-file --zellige-host-finalize-buffers | FileCheck %s

// Temporaries move to the entry block: small ones on the stack, large ones on
// the heap, freed before returning. Leftover linalg ops and copies become
// loops.

// CHECK-LABEL: func.func @temporaries
// CHECK-DAG:     %[[BIG:.*]] = memref.alloc() {alignment = 64 : i64} : memref<256x256xf32>
// CHECK-DAG:     %[[SMALL:.*]] = memref.alloca() {alignment = 64 : i64} : memref<4x16xf32>
// CHECK:         scf.for
// CHECK-NOT:       memref.alloc
// CHECK-NOT:       memref.copy
// CHECK-NOT:       linalg.
// CHECK:           memref.store {{.*}}, %[[SMALL]]
// CHECK:         memref.dealloc %[[BIG]]
// CHECK-NEXT:    return
func.func @temporaries(%in: memref<4x16xf32>, %out: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %tmp = memref.alloc() {alignment = 64 : i64} : memref<4x16xf32>
    linalg.fill ins(%cst : f32) outs(%tmp : memref<4x16xf32>)
    %big = memref.alloc() {alignment = 64 : i64} : memref<256x256xf32>
    linalg.fill ins(%cst : f32) outs(%big : memref<256x256xf32>)
    memref.copy %tmp, %out : memref<4x16xf32> to memref<4x16xf32>
  }
  return
}
