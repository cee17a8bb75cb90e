// RUN: zellige-translate --gpu-to-ptx --split-input-file --verify-diagnostics %s

// What the CUDA serializer rejects, each with an error naming the op.

module {
  gpu.module @kernels {
    gpu.func @f64_exp(%a: memref<16xf64>) kernel {
      %c0 = arith.constant 0 : index
      %x = memref.load %a[%c0] : memref<16xf64>
      // expected-error @+1 {{'math.exp' op on 'f64' is not supported by the CUDA target: it would need libdevice}}
      %y = math.exp %x : f64
      memref.store %y, %a[%c0] : memref<16xf64>
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    gpu.func @shuffle(%a: memref<32xf32>) kernel {
      %c0 = arith.constant 0 : index
      %c1 = arith.constant 1 : i32
      %c32 = arith.constant 32 : i32
      %x = memref.load %a[%c0] : memref<32xf32>
      // expected-error @+1 {{'gpu.shuffle' op is not part of the GPU kernel form}}
      %y, %ok = gpu.shuffle xor %x, %c1, %c32 : f32
      memref.store %y, %a[%c0] : memref<32xf32>
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    // expected-error @+1 {{'gpu.func' op argument #0 must be a memref with a static shape}}
    gpu.func @dynamic(%a: memref<?xf32>) kernel {
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    // expected-error @+1 {{'gpu.func' op is not a kernel}}
    gpu.func @helper(%a: memref<4xf32>) {
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    gpu.func @bf16(%a: memref<4xf32>) kernel {
      %c0 = arith.constant 0 : index
      %x = memref.load %a[%c0] : memref<4xf32>
      // expected-error @+1 {{'arith.truncf' op uses type 'bf16', which the GPU kernel form does not allow}}
      %y = arith.truncf %x : f32 to bf16
      gpu.return
    }
  }
}

// -----

// expected-error @+1 {{--gpu-to-ptx: expected one gpu.module, found 0}}
module {
}
