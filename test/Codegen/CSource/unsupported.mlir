// RUN: zellige-translate --gpu-to-opencl-c %s --split-input-file --verify-diagnostics
// RUN: zellige-translate --gpu-to-cuda-cpp %s --split-input-file --verify-diagnostics

// Ops, types and layouts outside the GPU kernel form are rejected with an
// error naming them.

module {
  gpu.module @kernels {
    gpu.func @dispatch_0_shuffle(%x: memref<32xf32>, %out: memref<32xf32>)
        kernel attributes {known_block_size = array<i32: 32, 1, 1>} {
      %tx = gpu.thread_id x
      %v = memref.load %x[%tx] : memref<32xf32>
      %c1 = arith.constant 1 : i32
      %c32 = arith.constant 32 : i32
      // expected-error @+1 {{cannot emit 'gpu.shuffle' as}}
      %s, %ok = gpu.shuffle xor %v, %c1, %c32 : f32
      memref.store %s, %out[%tx] : memref<32xf32>
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    // expected-error @+1 {{cannot emit 'func.func' as}}
    func.func private @helper(f32) -> f32
    gpu.func @dispatch_1_call(%x: memref<32xf32>)
        kernel attributes {known_block_size = array<i32: 32, 1, 1>} {
      %tx = gpu.thread_id x
      %v = memref.load %x[%tx] : memref<32xf32>
      %r = func.call @helper(%v) : (f32) -> f32
      memref.store %r, %x[%tx] : memref<32xf32>
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    gpu.func @dispatch_2_strided(%x: memref<4x4xf32, strided<[8, 1]>>)
    // expected-error @-1 {{cannot emit argument #0 of type 'memref<4x4xf32, strided<[8, 1]>>' as}}
        kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    gpu.func @dispatch_3_bf16(%x: memref<4xbf16>)
    // expected-error @-1 {{cannot emit argument #0 of type 'memref<4xbf16>' as}}
        kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    gpu.func @dispatch_4_vector2d(%x: memref<4x4xf32>)
        kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{cannot emit 'vector.load' with a value of type 'vector<2x4xf32>' as}}
      %v = vector.load %x[%c0, %c0] : memref<4x4xf32>, vector<2x4xf32>
      gpu.return
    }
  }
}

// -----

// expected-error @+1 {{expected a gpu.module in the input}}
module {
  func.func @not_a_kernel() {
    return
  }
}

// -----

module {
  gpu.module @kernels {
    gpu.func @dispatch_5_while(%x: memref<4xi32>)
        kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
      %c0 = arith.constant 0 : index
      %v = memref.load %x[%c0] : memref<4xi32>
      %c10 = arith.constant 10 : i32
      // expected-error @+1 {{cannot emit 'scf.while' as}}
      %r = scf.while (%a = %v) : (i32) -> i32 {
        %lt = arith.cmpi slt, %a, %c10 : i32
        scf.condition(%lt) %a : i32
      } do {
      ^bb0(%b: i32):
        %n = arith.addi %b, %b : i32
        scf.yield %n : i32
      }
      memref.store %r, %x[%c0] : memref<4xi32>
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    gpu.func @dispatch_6_rounding(%x: memref<4xf32>, %y: memref<4xf16>)
        kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
      %c0 = arith.constant 0 : index
      %v = memref.load %x[%c0] : memref<4xf32>
      // expected-error @+1 {{cannot emit 'arith.truncf' as}}
      %t = arith.truncf %v downward : f32 to f16
      memref.store %t, %y[%c0] : memref<4xf16>
      gpu.return
    }
  }
}
