// Test shim: the MACA runtime header, forwarded to CUDA (maca_to_cuda.h).
#include <cuda_runtime.h>
