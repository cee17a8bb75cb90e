// maca_to_cuda.h - Maps the MACA runtime names (mc*) Zellige's maca target
// writes back to CUDA, so that `nvcc -c -include maca_to_cuda.h -I include`
// checks the dumped MACA C++ (test/e2e/check_kernels.py). The include/ folder
// next to this file holds mc_runtime.h and maca_fp16.h, which forward to
// CUDA's.
#ifndef ZELLIGE_MACA_TO_CUDA_H
#define ZELLIGE_MACA_TO_CUDA_H
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#define mcError_t cudaError_t
#define mcSuccess cudaSuccess
#define mcStream_t cudaStream_t
#define mcGetLastError cudaGetLastError
#define mcGetErrorString cudaGetErrorString
#define mcMalloc cudaMalloc
#define mcFree cudaFree
#define mcMemcpy cudaMemcpy
#define mcMemcpyAsync cudaMemcpyAsync
#define mcMemcpyHostToDevice cudaMemcpyHostToDevice
#define mcMemcpyDeviceToHost cudaMemcpyDeviceToHost
#define mcDeviceSynchronize cudaDeviceSynchronize
#define mcStreamCreate cudaStreamCreate
#define mcStreamDestroy cudaStreamDestroy
#define mcStreamSynchronize cudaStreamSynchronize
#endif // ZELLIGE_MACA_TO_CUDA_H
