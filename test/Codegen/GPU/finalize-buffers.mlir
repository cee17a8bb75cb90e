// RUN: zellige-opt %s --split-input-file --zellige-gpu-finalize-buffers --verify-diagnostics | FileCheck %s

// A temporary inside the thread loop becomes a private alloca at the start of
// the thread's work; the copy and the linalg ops become loops.

// CHECK-LABEL: func.func @private_temporary
// CHECK:         scf.forall
// CHECK:           scf.forall
// CHECK-NEXT:        %[[TMP:.*]] = memref.alloca() : memref<4xf32>
// CHECK-NOT:         memref.alloc()
// CHECK-NOT:         linalg.
// CHECK-NOT:         memref.copy
// CHECK:             scf.for
// CHECK:               math.exp
// CHECK:               memref.store {{.*}}, %[[TMP]]
// CHECK:             scf.for
// CHECK:               memref.load %[[TMP]]
// CHECK:           } {mapping = [#gpu.thread<x>]}
func.func @private_temporary(%arg0: memref<64xf32>, %arg1: memref<64xf32>) {
  scf.forall (%i) = (0) to (64) step (16) {
    %in = memref.subview %arg0[%i] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: ?>>
    %out = memref.subview %arg1[%i] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: ?>>
    scf.forall (%j) = (0) to (16) step (4) {
      %a = memref.subview %in[%j] [4] [1] : memref<16xf32, strided<[1], offset: ?>> to memref<4xf32, strided<[1], offset: ?>>
      %b = memref.subview %out[%j] [4] [1] : memref<16xf32, strided<[1], offset: ?>> to memref<4xf32, strided<[1], offset: ?>>
      %tmp = memref.alloc() : memref<4xf32>
      linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%a : memref<4xf32, strided<[1], offset: ?>>) outs(%tmp : memref<4xf32>) {
      ^bb0(%x: f32, %o: f32):
        %e = math.exp %x : f32
        linalg.yield %e : f32
      }
      memref.copy %tmp, %b : memref<4xf32> to memref<4xf32, strided<[1], offset: ?>>
      memref.dealloc %tmp : memref<4xf32>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// A dispatch that was not distributed runs on one thread: its temporaries
// are private to it.

// CHECK-LABEL: func.func @one_thread
// CHECK-NEXT:    memref.alloca() : memref<8xf32>
func.func @one_thread(%arg0: memref<8xf32>, %arg1: memref<8xf32>) {
  %tmp = memref.alloc() : memref<8xf32>
  memref.copy %arg0, %tmp : memref<8xf32> to memref<8xf32>
  memref.copy %tmp, %arg1 : memref<8xf32> to memref<8xf32>
  return
}

// -----

// A temporary the whole workgroup would share has no place in a kernel.

func.func @shared_temporary(%arg0: memref<64xf32>, %arg1: memref<64xf32>) {
  scf.forall (%i) = (0) to (64) step (16) {
    // expected-error @+1 {{GPU target: dispatch 'shared_temporary' needs a temporary of 64 bytes that is not private to one thread}}
    %tmp = memref.alloc() : memref<16xf32>
    %in = memref.subview %arg0[%i] [16] [1] : memref<64xf32> to memref<16xf32, strided<[1], offset: ?>>
    memref.copy %in, %tmp : memref<16xf32, strided<[1], offset: ?>> to memref<16xf32>
  } {mapping = [#gpu.block<x>]}
  return
}
