// RUN: zellige-translate --gpu-to-spirv %s | mlir-translate --deserialize-spirv | FileCheck %s

// A matmul-like kernel: 2-D memrefs are arrays of their elements, the
// scf.for with iter_args is a structured loop, the 2-D block size is the
// LocalSize execution mode.

// CHECK-LABEL: spirv.func @dispatch_1_matmul(
// CHECK-SAME: !spirv.ptr<!spirv.array<2048 x f32>, CrossWorkgroup>
// CHECK-SAME: !spirv.ptr<!spirv.array<512 x f32>, CrossWorkgroup>
// CHECK-SAME: !spirv.ptr<!spirv.array<1024 x f32>, CrossWorkgroup>
// CHECK: spirv.mlir.loop
// CHECK: spirv.FMul
// CHECK: spirv.FAdd
// CHECK: spirv.mlir.merge
// CHECK: spirv.Store "CrossWorkgroup"
// CHECK: spirv.EntryPoint "Kernel" @dispatch_1_matmul
// CHECK: spirv.ExecutionMode @dispatch_1_matmul "LocalSize", 16, 8, 1

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
