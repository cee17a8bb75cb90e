// RUN: zellige-translate --gpu-to-spirv %s | mlir-translate --deserialize-spirv | FileCheck %s

// memref.alloca is a Function-storage variable (private memory).

// CHECK-LABEL: spirv.func @dispatch_3_gather(
// CHECK: %[[BUF:.*]] = spirv.Variable : !spirv.ptr<!spirv.array<8 x f32>, Function>
// CHECK: spirv.AccessChain %[[BUF]]
// CHECK: spirv.Store "Function"
// CHECK: spirv.AccessChain %[[BUF]]
// CHECK: spirv.Load "Function"
// CHECK: spirv.EntryPoint "Kernel" @dispatch_3_gather

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
