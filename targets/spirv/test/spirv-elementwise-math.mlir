// RUN: zellige-translate --gpu-to-spirv %s | mlir-translate --deserialize-spirv | FileCheck %s

// An elementwise kernel: math becomes OpenCL.std extended instructions; the
// arguments are CrossWorkgroup pointers; known_block_size is the LocalSize
// execution mode; only Kernel, Addresses and Int64 (64-bit indices) are
// required.

// CHECK: spirv.module Physical64 OpenCL requires #spirv.vce<v1.0, [Int64, Kernel, Addresses], []>
// CHECK-LABEL: spirv.func @dispatch_0_elementwise(
// CHECK-SAME: %{{.*}}: !spirv.ptr<!spirv.array<1024 x f32>, CrossWorkgroup>,
// CHECK-SAME: %{{.*}}: !spirv.ptr<!spirv.array<1024 x f32>, CrossWorkgroup>) "None"
// CHECK: spirv.Load "CrossWorkgroup"
// CHECK: spirv.CL.exp
// CHECK: spirv.CL.tanh
// CHECK: spirv.CL.erf
// CHECK: spirv.CL.sqrt
// CHECK: spirv.Store "CrossWorkgroup"
// CHECK: spirv.EntryPoint "Kernel" @dispatch_0_elementwise
// CHECK: spirv.ExecutionMode @dispatch_0_elementwise "LocalSize", 128, 1, 1

module {
  gpu.module @kernels {
    gpu.func @dispatch_0_elementwise(%a: memref<1024xf32>, %b: memref<1024xf32>)
        kernel attributes {known_block_size = array<i32: 128, 1, 1>,
                           zellige.workgroup_count = array<i64: 8, 1, 1>} {
      %tx = gpu.thread_id x
      %bx = gpu.block_id x
      %bd = gpu.block_dim x
      %base = arith.muli %bx, %bd : index
      %i = arith.addi %base, %tx : index
      %x = memref.load %a[%i] : memref<1024xf32>
      %e = math.exp %x : f32
      %t = math.tanh %e : f32
      %r = math.erf %t : f32
      %s = math.sqrt %r : f32
      memref.store %s, %b[%i] : memref<1024xf32>
      gpu.return
    }
  }
}
