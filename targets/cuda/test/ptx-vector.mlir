// RUN: zellige-translate --gpu-to-ptx %s | FileCheck %s

// vector.load / vector.store / vector.fma / vector.broadcast and elementwise
// arith and math on 1-D vectors, in f32 and f64 (f64 math that NVPTX has
// instructions for: sqrt, floor, fma; arith.remf and arith.minnumf, which
// upstream would turn into libdevice calls).

// CHECK-LABEL: .visible .entry dispatch_5_axpy(
// CHECK: .reqntid 4, 64, 1
// CHECK: fma.rn.f32
// CHECK: sqrt.rn.f64
// CHECK: cvt.rmi.f64.f64
// CHECK: min.f64
// CHECK: ret;
// CHECK-NOT: call
// CHECK-NOT: __nv_

module {
  gpu.module @kernels {
    gpu.func @dispatch_5_axpy(%x: memref<64x16xf32>, %y: memref<64x16xf32>,
                              %z: memref<64x16xf64>)
        kernel attributes {known_block_size = array<i32: 4, 64, 1>,
                           zellige.workgroup_count = array<i64: 1, 1, 1>} {
      %tx = gpu.thread_id x
      %ty = gpu.thread_id y
      %c4 = arith.constant 4 : index
      %col = arith.muli %tx, %c4 : index
      %a = arith.constant 2.0 : f32
      %av = vector.broadcast %a : f32 to vector<4xf32>
      %xv = vector.load %x[%ty, %col] : memref<64x16xf32>, vector<4xf32>
      %yv = vector.load %y[%ty, %col] : memref<64x16xf32>, vector<4xf32>
      %r = vector.fma %av, %xv, %yv : vector<4xf32>
      %e = math.exp %r : vector<4xf32>
      %m = arith.maximumf %e, %xv : vector<4xf32>
      vector.store %m, %y[%ty, %col] : memref<64x16xf32>, vector<4xf32>
      %d = vector.load %z[%ty, %col] : memref<64x16xf64>, vector<4xf64>
      %s = math.sqrt %d : vector<4xf64>
      %f = math.floor %s : vector<4xf64>
      %g = math.fma %f, %s, %d : vector<4xf64>
      %h = arith.remf %g, %s : vector<4xf64>
      %mn = arith.minnumf %h, %d : vector<4xf64>
      vector.store %mn, %z[%ty, %col] : memref<64x16xf64>, vector<4xf64>
      gpu.return
    }
  }
}
