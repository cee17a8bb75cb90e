// RUN: zellige-opt %s --split-input-file --zellige-host-lower-vectors | FileCheck %s

// A contraction becomes one FMA per accumulator row and K step; the
// accumulator read/write pair is hoisted out of the K loop.

// CHECK-LABEL: func.func @contract
// CHECK:         vector.load
// CHECK:         scf.for {{.*}} iter_args
// CHECK-COUNT-4:   vector.fma {{.*}} : vector<16xf32>
// CHECK:         vector.store
// CHECK-NOT:     vector.contract
#lhs = affine_map<(d0, d1, d2) -> (d0, d2)>
#rhs = affine_map<(d0, d1, d2) -> (d2, d1)>
#acc = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @contract(%a: memref<4x64xf32>, %b: memref<64x16xf32>, %c: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c64 step %c1 {
    %va = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<4x64xf32>, vector<4x1xf32>
    %vb = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<64x16xf32>, vector<1x16xf32>
    %vc = vector.transfer_read %c[%c0, %c0], %pad {in_bounds = [true, true]} : memref<4x16xf32>, vector<4x16xf32>
    %r = vector.contract {indexing_maps = [#lhs, #rhs, #acc], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %va, %vb, %vc : vector<4x1xf32>, vector<1x16xf32> into vector<4x16xf32>
    vector.transfer_write %r, %c[%c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, memref<4x16xf32>
  }
  return
}

// -----

// f32 math functions are approximated with polynomials, no libm call.

// CHECK-LABEL: func.func @math
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.tanh
// CHECK:         vector.store
func.func @math(%x: memref<8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %x[%c0], %pad {in_bounds = [true]} : memref<8xf32>, vector<8xf32>
  %e = math.exp %v : vector<8xf32>
  %t = math.tanh %e : vector<8xf32>
  vector.transfer_write %t, %y[%c0] {in_bounds = [true]} : vector<8xf32>, memref<8xf32>
  return
}
