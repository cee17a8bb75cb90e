// RUN: zellige-translate --gpu-to-spirv %s | mlir-translate --deserialize-spirv | FileCheck %s

// i1 buffers are bytes; i8 and i16 buffers require Int8 and Int16; integer
// arith, select and math.absi (OpenCL.std s_abs).

// CHECK: spirv.module Physical64 OpenCL requires #spirv.vce<v1.0, [Int64, Int8, Int16, Kernel, Addresses], []>
// CHECK-LABEL: spirv.func @dispatch_4_where(
// CHECK-SAME: !spirv.ptr<!spirv.array<256 x i8>, CrossWorkgroup>
// CHECK-SAME: !spirv.ptr<!spirv.array<256 x i32>, CrossWorkgroup>
// CHECK-SAME: !spirv.ptr<!spirv.array<256 x i8>, CrossWorkgroup>
// CHECK-SAME: !spirv.ptr<!spirv.array<256 x i16>, CrossWorkgroup>
// CHECK-SAME: !spirv.ptr<!spirv.array<256 x i64>, CrossWorkgroup>
// CHECK-SAME: !spirv.ptr<!spirv.array<256 x i8>, CrossWorkgroup>
// CHECK: spirv.INotEqual {{.*}} : i8
// CHECK: spirv.SDiv
// CHECK: spirv.UMod
// CHECK: spirv.CL.s_abs
// CHECK: spirv.Select {{.*}} : i1, i32
// CHECK: spirv.LogicalNotEqual
// CHECK: spirv.Select {{.*}} : i1, i8
// CHECK: spirv.Store "CrossWorkgroup" {{.*}} : i8
// CHECK: spirv.ExecutionMode @dispatch_4_where "LocalSize", 64, 1, 1

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
