// hip_to_cuda.h - Maps the HIP runtime names Zellige's hip target writes back
// to CUDA, so that `nvcc -c -include hip_to_cuda.h -I include` checks the
// dumped HIP C++ (test/e2e/check_kernels.py). The include/hip folder next to
// this file holds hip_runtime.h and hip_fp16.h, which forward to CUDA's.
#ifndef ZELLIGE_HIP_TO_CUDA_H
#define ZELLIGE_HIP_TO_CUDA_H
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#define hipError_t cudaError_t
#define hipSuccess cudaSuccess
#define hipStream_t cudaStream_t
#define hipGetLastError cudaGetLastError
#define hipGetErrorString cudaGetErrorString
#define hipMalloc cudaMalloc
#define hipFree cudaFree
#define hipMemcpy cudaMemcpy
#define hipMemcpyAsync cudaMemcpyAsync
#define hipMemcpyHostToDevice cudaMemcpyHostToDevice
#define hipMemcpyDeviceToHost cudaMemcpyDeviceToHost
#define hipDeviceSynchronize cudaDeviceSynchronize
#define hipStreamCreate cudaStreamCreate
#define hipStreamDestroy cudaStreamDestroy
#define hipStreamSynchronize cudaStreamSynchronize
#endif // ZELLIGE_HIP_TO_CUDA_H
