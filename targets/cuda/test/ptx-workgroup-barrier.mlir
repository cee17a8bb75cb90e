// RUN: zellige-translate --gpu-to-ptx %s | FileCheck %s

// Workgroup attributions become `.shared` arrays, aligned to 16 bytes so that
// vectorized shared loads are legal; gpu.barrier is `bar.sync 0`; an scf.if
// and an scf.for with iter_args.

// CHECK-LABEL: .visible .entry dispatch_2_reduce(
// CHECK: .reqntid 256, 1, 1
// CHECK: .shared .align 16 .b8 [[TILE:__wg_dispatch_2_reduce_0]][1024];
// CHECK: st.shared.b32
// CHECK: bar.sync 0;
// CHECK: ld.shared
// CHECK: st.global.b32
// CHECK: ret;

module {
  gpu.module @kernels {
    gpu.func @dispatch_2_reduce(%in: memref<4096xf32>, %out: memref<16xf32>)
        workgroup(%tile: memref<256xf32, #gpu.address_space<workgroup>>)
        kernel attributes {known_block_size = array<i32: 256, 1, 1>,
                           zellige.workgroup_count = array<i64: 16, 1, 1>} {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c256 = arith.constant 256 : index
      %tx = gpu.thread_id x
      %bx = gpu.block_id x
      %base = arith.muli %bx, %c256 : index
      %i = arith.addi %base, %tx : index
      %v = memref.load %in[%i] : memref<4096xf32>
      memref.store %v, %tile[%tx] : memref<256xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %first = arith.cmpi eq, %tx, %c0 : index
      scf.if %first {
        %zero = arith.constant 0.0 : f32
        %sum = scf.for %j = %c0 to %c256 step %c1 iter_args(%acc = %zero) -> (f32) {
          %t = memref.load %tile[%j] : memref<256xf32, #gpu.address_space<workgroup>>
          %n = arith.addf %acc, %t : f32
          scf.yield %n : f32
        }
        memref.store %sum, %out[%bx] : memref<16xf32>
      }
      gpu.return
    }
  }
}
