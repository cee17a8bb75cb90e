// RUN: zellige-translate --gpu-to-ptx --ptx-chip=sm_12 --verify-diagnostics %s

module {
  // expected-error @+1 {{CUDA target: unknown chip 'sm_12'}}
  gpu.module @kernels {
    gpu.func @k(%a: memref<16xf32>) kernel {
      gpu.return
    }
  }
}
