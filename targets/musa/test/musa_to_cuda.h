// musa_to_cuda.h - Maps the MUSA runtime names Zellige's musa target writes
// back to CUDA, so that `nvcc -c -include musa_to_cuda.h -I include` checks
// the dumped MUSA C++ (test/e2e/check_kernels.py). The include/ folder next to
// this file holds musa_runtime.h and musa_fp16.h, which forward to CUDA's.
#ifndef ZELLIGE_MUSA_TO_CUDA_H
#define ZELLIGE_MUSA_TO_CUDA_H
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#define musaError_t cudaError_t
#define musaSuccess cudaSuccess
#define musaStream_t cudaStream_t
#define musaGetLastError cudaGetLastError
#define musaGetErrorString cudaGetErrorString
#define musaMalloc cudaMalloc
#define musaFree cudaFree
#define musaMemcpy cudaMemcpy
#define musaMemcpyAsync cudaMemcpyAsync
#define musaMemcpyHostToDevice cudaMemcpyHostToDevice
#define musaMemcpyDeviceToHost cudaMemcpyDeviceToHost
#define musaDeviceSynchronize cudaDeviceSynchronize
#define musaStreamCreate cudaStreamCreate
#define musaStreamDestroy cudaStreamDestroy
#define musaStreamSynchronize cudaStreamSynchronize
#endif // ZELLIGE_MUSA_TO_CUDA_H
