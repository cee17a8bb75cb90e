// RUN: zellige-translate --gpu-to-spirv --split-input-file --verify-diagnostics %s

// What the SPIR-V serializer rejects, each with an error naming the op.

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
    gpu.func @cbrt(%a: memref<4xf32>) kernel {
      %c0 = arith.constant 0 : index
      %x = memref.load %a[%c0] : memref<4xf32>
      // expected-error @+1 {{'math.cbrt' op is not supported by the SPIR-V target}}
      %y = math.cbrt %x : f32
      memref.store %y, %a[%c0] : memref<4xf32>
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    // expected-error @+1 {{'gpu.func' op argument #1 has the wrong memory space}}
    gpu.func @space(%a: memref<4xf32>, %b: memref<4xf32, #gpu.address_space<workgroup>>) kernel {
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    // expected-error @+1 {{'gpu.func' op has private attributions}}
    gpu.func @private(%a: memref<4xf32>) private(%p: memref<4xf32, #gpu.address_space<private>>) kernel {
      gpu.return
    }
  }
}

// -----

module {
  gpu.module @kernels {
    gpu.func @vector3(%a: memref<12xf32>) kernel {
      %c0 = arith.constant 0 : index
      // expected-error @+1 {{'vector.load' op uses type 'vector<3xf32>', which the GPU kernel form does not allow}}
      %v = vector.load %a[%c0] : memref<12xf32>, vector<3xf32>
      gpu.return
    }
  }
}

// -----

// expected-error @+1 {{--gpu-to-spirv: expected one gpu.module, found 2}}
module {
  gpu.module @a {
  }
  gpu.module @b {
  }
}
