// Test shim: the HIP half-precision header, forwarded to CUDA.
#include <cuda_fp16.h>
