// Test shim: the MUSA runtime header, forwarded to CUDA (musa_to_cuda.h).
#include <cuda_runtime.h>
