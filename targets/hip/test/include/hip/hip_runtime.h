// Test shim: the HIP runtime header, forwarded to CUDA (hip_to_cuda.h).
#include <cuda_runtime.h>
