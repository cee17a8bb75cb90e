// RUN: zellige-translate --gpu-to-ptx %s | FileCheck %s

// i1 buffers (one byte per element), i8, i16, i32 and i64 buffers, integer
// arith, select and math.absi.

// CHECK-LABEL: .visible .entry dispatch_4_where(
// CHECK-NEXT: .param .u64 .ptr .align 1 dispatch_4_where_param_0,
// CHECK-NEXT: .param .u64 .ptr .align 4 dispatch_4_where_param_1,
// CHECK-NEXT: .param .u64 .ptr .align 1 dispatch_4_where_param_2,
// CHECK-NEXT: .param .u64 .ptr .align 2 dispatch_4_where_param_3,
// CHECK-NEXT: .param .u64 .ptr .align 8 dispatch_4_where_param_4,
// CHECK-NEXT: .param .u64 .ptr .align 1 dispatch_4_where_param_5
// CHECK-NEXT: )
// CHECK-NEXT: .reqntid 64, 1, 1
// CHECK: ld.global.nc.b8
// CHECK: ld.global.nc.s8
// CHECK: div.s32
// CHECK: rem.u32
// CHECK: abs.s32
// CHECK: selp.b32
// CHECK: st.global.b64
// CHECK: xor.pred
// CHECK: st.global.b8
// CHECK: ret;

module {
  gpu.module @kernels {
    gpu.func @dispatch_4_where(%cond: memref<256xi1>, %a: memref<256xi32>,
                               %b: memref<256xi8>, %c: memref<256xi16>,
                               %out: memref<256xi64>, %mask: memref<256xi1>)
        kernel attributes {known_block_size = array<i32: 64, 1, 1>,
                           zellige.workgroup_count = array<i64: 4, 1, 1>} {
      %tx = gpu.thread_id x
      %bx = gpu.block_id x
      %bd = gpu.block_dim x
      %base = arith.muli %bx, %bd : index
      %i = arith.addi %base, %tx : index
      %p = memref.load %cond[%i] : memref<256xi1>
      %x = memref.load %a[%i] : memref<256xi32>
      %y8 = memref.load %b[%i] : memref<256xi8>
      %z16 = memref.load %c[%i] : memref<256xi16>
      %y = arith.extsi %y8 : i8 to i32
      %z = arith.extui %z16 : i16 to i32
      %s = arith.addi %x, %y : i32
      %d = arith.divsi %s, %z : i32
      %r = arith.remui %x, %z : i32
      %sh = arith.shli %d, %r : i32
      %m = arith.maxsi %sh, %x : i32
      %ab = math.absi %m : i32
      %sel = arith.select %p, %ab, %x : i32
      %w = arith.extsi %sel : i32 to i64
      %k = arith.index_cast %i : index to i64
      %res = arith.muli %w, %k : i64
      memref.store %res, %out[%i] : memref<256xi64>
      %gt = arith.cmpi sgt, %x, %y : i32
      %nb = arith.xori %gt, %p : i1
      memref.store %nb, %mask[%i] : memref<256xi1>
      gpu.return
    }
  }
}
