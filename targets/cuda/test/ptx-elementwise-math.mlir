// RUN: zellige-translate --gpu-to-ptx %s | FileCheck %s
// RUN: zellige-translate --gpu-to-ptx --ptx-chip=sm_90 %s | FileCheck %s --check-prefix=SM90

// An elementwise kernel with math functions the NVPTX back end has no
// instruction for: they become polynomial approximations, never calls to
// libdevice (__nv_*). sqrt is native.

// CHECK: .target sm_80
// CHECK: .address_size 64
// CHECK-LABEL: .visible .entry dispatch_0_elementwise(
// CHECK-NEXT: .param .u64 .ptr .align 4 dispatch_0_elementwise_param_0,
// CHECK-NEXT: .param .u64 .ptr .align 4 dispatch_0_elementwise_param_1
// CHECK-NEXT: )
// CHECK-NEXT: .reqntid 128, 1, 1
// CHECK-NOT: maxntid
// CHECK: mov.u32 {{.*}}, %tid.x;
// CHECK: mov.u32 {{.*}}, %ctaid.x;
// CHECK: ld.global.nc.b32
// CHECK: fma.rn.f32
// CHECK: sqrt.rn.f32
// CHECK: st.global.b32
// CHECK: ret;
// CHECK-NOT: call
// CHECK-NOT: __nv_

// SM90: .target sm_90
// SM90: .entry dispatch_0_elementwise(
// SM90: .reqntid 128, 1, 1

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
