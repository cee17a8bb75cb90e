// RUN: zellige-opt %s --split-input-file --zellige-gpu-outline-kernels --verify-diagnostics | FileCheck %s

// The block forall becomes gpu.block_id arithmetic, the thread forall
// gpu.thread_id arithmetic; their trip counts are the workgroup count and
// size (the innermost loop is x).

// CHECK-LABEL: module attributes {gpu.container_module}
// CHECK:       gpu.module @kernels
// CHECK:         gpu.func @dispatch_0_elementwise(%[[IN:.*]]: memref<4x64xf32>, %[[OUT:.*]]: memref<4x64xf32>) kernel
// CHECK-SAME:        known_block_size = array<i32: 16, 2, 1>
// CHECK-SAME:        zellige.workgroup_count = array<i64: 2, 2, 1>
// CHECK-DAG:       %[[BY:.*]] = gpu.block_id y
// CHECK-DAG:       %[[BX:.*]] = gpu.block_id x
// CHECK-DAG:       %[[TY:.*]] = gpu.thread_id y
// CHECK-DAG:       %[[TX:.*]] = gpu.thread_id x
// CHECK-NOT:       scf.forall
// CHECK:           memref.load %[[IN]]
// CHECK:           math.exp
// CHECK:           memref.store {{.*}}, %[[OUT]]
// CHECK:           gpu.return
// CHECK-NOT:   func.func
func.func @dispatch_0_elementwise(%arg0: memref<4x64xf32>, %arg1: memref<4x64xf32>) {
  scf.forall (%i, %j) = (0, 0) to (4, 64) step (2, 32) {
    scf.forall (%k, %l) = (0, 0) to (2, 32) step (1, 2) {
      %r = arith.addi %i, %k : index
      %c = arith.addi %j, %l : index
      %x = memref.load %arg0[%r, %c] : memref<4x64xf32>
      %e = math.exp %x : f32
      memref.store %e, %arg1[%r, %c] : memref<4x64xf32>
    } {mapping = [#gpu.thread<y>, #gpu.thread<x>]}
  } {mapping = [#gpu.block<y>, #gpu.block<x>]}
  return
}

// -----

// Without a forall, the dispatch is one workgroup of one thread.

// CHECK-LABEL: gpu.func @dispatch_1_generic
// CHECK-SAME:    known_block_size = array<i32: 1, 1, 1>
// CHECK-SAME:    zellige.workgroup_count = array<i64: 1, 1, 1>
func.func @dispatch_1_generic(%arg0: memref<8xf32>, %arg1: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %x = memref.load %arg0[%c0] : memref<8xf32>
  memref.store %x, %arg1[%c0] : memref<8xf32>
  return
}

// -----

// expected-error @+1 {{GPU target: more than one distributed loop nest}}
func.func @two_nests(%arg0: memref<8xf32>) {
  scf.forall (%i) in (8) {
  } {mapping = [#gpu.block<x>]}
  scf.forall (%i) in (8) {
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// Workgroup buffers allocated in the workgroup loop become workgroup
// attributions of the kernel.

// CHECK-LABEL: gpu.func @dispatch_2_matmul
// CHECK-SAME:    (%[[IN:.*]]: memref<64xf32>, %[[OUT:.*]]: memref<64xf32>)
// CHECK-SAME:    workgroup(%[[TILE:.*]] : memref<16xf32, #gpu.address_space<workgroup>>)
// CHECK-NOT:     memref.alloca
// CHECK:         gpu.thread_id x
// CHECK:         memref.load %[[IN]]
// CHECK:         memref.store %{{.*}}, %[[TILE]]
// CHECK:         gpu.barrier
// CHECK:         memref.load %[[TILE]]
func.func @dispatch_2_matmul(%arg0: memref<64xf32>, %arg1: memref<64xf32>) {
  scf.forall (%i) = (0) to (64) step (16) {
    %tile = memref.alloca() : memref<16xf32, #gpu.address_space<workgroup>>
    scf.forall (%t) in (16) {
      %g = arith.addi %i, %t : index
      %x = memref.load %arg0[%g] : memref<64xf32>
      memref.store %x, %tile[%t] : memref<16xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %c15 = arith.constant 15 : index
      %r = arith.subi %c15, %t : index
      %y = memref.load %tile[%r] : memref<16xf32, #gpu.address_space<workgroup>>
      memref.store %y, %arg1[%g] : memref<64xf32>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}

// -----

// A workgroup buffer inside the thread loop would be one per thread.

func.func @buffer_per_thread(%arg0: memref<64xf32>) {
  scf.forall (%i) = (0) to (64) step (16) {
    scf.forall (%t) in (16) {
      // expected-error @+1 {{GPU target: a workgroup buffer must be allocated in the body of the workgroup loop}}
      %tile = memref.alloca() : memref<16xf32, #gpu.address_space<workgroup>>
    } {mapping = [#gpu.thread<x>]}
  } {mapping = [#gpu.block<x>]}
  return
}
