// RUN: zellige-translate --gpu-to-ptx %s | FileCheck %s

// memref.alloca is per-thread scratch: `.local` memory (the gather through a
// loaded index keeps LLVM from promoting it to registers).

// CHECK-LABEL: .visible .entry dispatch_3_gather(
// CHECK: .reqntid 64, 1, 1
// CHECK: .local .align {{[0-9]+}} .b8 __local_depot0[32];
// CHECK: st.local.b32
// CHECK: ld.local.b32
// CHECK: ret;
// CHECK-NOT: .shared

module {
  gpu.module @kernels {
    gpu.func @dispatch_3_gather(%in: memref<64x8xf32>, %perm: memref<64x8xi32>,
                                %out: memref<64x8xf32>)
        kernel attributes {known_block_size = array<i32: 64, 1, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c8 = arith.constant 8 : index
      %tx = gpu.thread_id x
      %buf = memref.alloca() : memref<8xf32>
      scf.for %j = %c0 to %c8 step %c1 {
        %v = memref.load %in[%tx, %j] : memref<64x8xf32>
        memref.store %v, %buf[%j] : memref<8xf32>
      }
      scf.for %j = %c0 to %c8 step %c1 {
        %p = memref.load %perm[%tx, %j] : memref<64x8xi32>
        %r = arith.index_cast %p : i32 to index
        %v = memref.load %buf[%r] : memref<8xf32>
        memref.store %v, %out[%tx, %j] : memref<64x8xf32>
      }
      gpu.return
    }
  }
}
