// RUN: zellige-translate --gpu-to-ptx %s | FileCheck %s

// A matmul-like kernel: 2-D memrefs, a 2-D block and an scf.for with
// iter_args. The 2-D block size becomes `.reqntid x, y, z`. arith.mulf and
// arith.addf stay separately rounded (no contraction into fma without a
// fastmath flag), as the `.rn` suffixes show.

// CHECK-LABEL: .visible .entry dispatch_1_matmul(
// CHECK-NEXT: .param .u64 .ptr .align 4 dispatch_1_matmul_param_0,
// CHECK-NEXT: .param .u64 .ptr .align 4 dispatch_1_matmul_param_1,
// CHECK-NEXT: .param .u64 .ptr .align 4 dispatch_1_matmul_param_2
// CHECK-NEXT: )
// CHECK-NEXT: .reqntid 16, 8, 1
// CHECK-DAG: mov.u32 {{.*}}, %tid.x;
// CHECK-DAG: mov.u32 {{.*}}, %tid.y;
// CHECK-DAG: mov.u32 {{.*}}, %ctaid.y;
// CHECK: mul.rn.f32
// CHECK: add.rn.f32
// CHECK: st.global.b32
// CHECK: ret;

module {
  gpu.module @kernels {
    gpu.func @dispatch_1_matmul(%a: memref<64x32xf32>, %b: memref<32x16xf32>,
                                %c: memref<64x16xf32>)
        kernel attributes {known_block_size = array<i32: 16, 8, 1>,
                           zellige.workgroup_count = array<i64: 1, 8, 1>} {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : index
      %c8 = arith.constant 8 : index
      %c32 = arith.constant 32 : index
      %tx = gpu.thread_id x
      %ty = gpu.thread_id y
      %by = gpu.block_id y
      %row0 = arith.muli %by, %c8 : index
      %row = arith.addi %row0, %ty : index
      %zero = arith.constant 0.0 : f32
      %sum = scf.for %k = %c0 to %c32 step %c1 iter_args(%acc = %zero) -> (f32) {
        %x = memref.load %a[%row, %k] : memref<64x32xf32>
        %y = memref.load %b[%k, %tx] : memref<32x16xf32>
        %prod = arith.mulf %x, %y : f32
        %next = arith.addf %acc, %prod : f32
        scf.yield %next : f32
      }
      memref.store %sum, %c[%row, %tx] : memref<64x16xf32>
      gpu.return
    }
  }
}
