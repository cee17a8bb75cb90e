// Test shim: the least of hip/hip_runtime.h that Zellige's HIP C++ needs, for
// clang's HIP front end without the ROCm headers and device libraries
// (`clang++ -x hip --cuda-gpu-arch=gfx90a -nogpulib -nogpuinc`). It checks
// that the dumped sources parse and compile as HIP for an AMD GPU; it is not
// the HIP runtime (the launchers' runtime calls are only declared).
#ifndef ZELLIGE_TEST_HIP_RUNTIME_H
#define ZELLIGE_TEST_HIP_RUNTIME_H
#include <stddef.h>

#define __global__ __attribute__((global))
#define __device__ __attribute__((device))
#define __host__ __attribute__((host))
#define __shared__ __attribute__((shared))
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(n) __attribute__((amdgpu_flat_work_group_size(1, n)))

typedef enum hipError_t { hipSuccess = 0 } hipError_t;
typedef struct ihipStream_t *hipStream_t;
struct dim3 {
  unsigned x, y, z;
  __host__ __device__ constexpr dim3(unsigned x = 1, unsigned y = 1,
                                     unsigned z = 1)
      : x(x), y(y), z(z) {}
};
extern "C" __host__ hipError_t hipGetLastError(void);
extern "C" __host__ hipError_t __hipPushCallConfiguration(
    dim3 grid, dim3 block, size_t shared = 0, hipStream_t stream = 0);
extern "C" __host__ hipError_t __hipPopCallConfiguration(dim3 *grid,
                                                         dim3 *block,
                                                         size_t *shared,
                                                         hipStream_t *stream);
extern "C" __host__ hipError_t hipLaunchKernel(const void *function, dim3 grid,
                                               dim3 block, void **args,
                                               size_t shared,
                                               hipStream_t stream);

struct zlg_uint3 {
  unsigned x, y, z;
};
static __device__ inline zlg_uint3 zlg_thread_idx() {
  return {__builtin_amdgcn_workitem_id_x(), __builtin_amdgcn_workitem_id_y(),
          __builtin_amdgcn_workitem_id_z()};
}
static __device__ inline zlg_uint3 zlg_block_idx() {
  return {__builtin_amdgcn_workgroup_id_x(), __builtin_amdgcn_workgroup_id_y(),
          __builtin_amdgcn_workgroup_id_z()};
}
static __device__ inline zlg_uint3 zlg_block_dim() {
  return {__builtin_amdgcn_workgroup_size_x(),
          __builtin_amdgcn_workgroup_size_y(),
          __builtin_amdgcn_workgroup_size_z()};
}
static __device__ inline zlg_uint3 zlg_grid_dim() {
  return {__builtin_amdgcn_grid_size_x() / __builtin_amdgcn_workgroup_size_x(),
          __builtin_amdgcn_grid_size_y() / __builtin_amdgcn_workgroup_size_y(),
          __builtin_amdgcn_grid_size_z() / __builtin_amdgcn_workgroup_size_z()};
}
#define threadIdx (zlg_thread_idx())
#define blockIdx (zlg_block_idx())
#define blockDim (zlg_block_dim())
#define gridDim (zlg_grid_dim())
static __device__ inline void __syncthreads() {
  __builtin_amdgcn_fence(__ATOMIC_RELEASE, "workgroup");
  __builtin_amdgcn_s_barrier();
  __builtin_amdgcn_fence(__ATOMIC_ACQUIRE, "workgroup");
}

// Float math: clang builtins (device code calls what the backend cannot
// inline, e.g. erff, as external functions; -c leaves them unresolved).
#define ZLG_UNARY(name)                                                        \
  static __device__ inline float name(float x) { return __builtin_##name(x); }
ZLG_UNARY(expf)
ZLG_UNARY(exp2f)
ZLG_UNARY(expm1f)
ZLG_UNARY(logf)
ZLG_UNARY(log2f)
ZLG_UNARY(log10f)
ZLG_UNARY(log1pf)
ZLG_UNARY(sqrtf)
ZLG_UNARY(cbrtf)
ZLG_UNARY(tanhf)
ZLG_UNARY(erff)
ZLG_UNARY(erfcf)
ZLG_UNARY(fabsf)
ZLG_UNARY(floorf)
ZLG_UNARY(ceilf)
ZLG_UNARY(roundf)
ZLG_UNARY(rintf)
ZLG_UNARY(truncf)
ZLG_UNARY(sinf)
ZLG_UNARY(cosf)
ZLG_UNARY(tanf)
ZLG_UNARY(asinf)
ZLG_UNARY(acosf)
ZLG_UNARY(atanf)
ZLG_UNARY(sinhf)
ZLG_UNARY(coshf)
ZLG_UNARY(asinhf)
ZLG_UNARY(acoshf)
ZLG_UNARY(atanhf)
#undef ZLG_UNARY
static __device__ inline float rsqrtf(float x) {
  return 1.0f / __builtin_sqrtf(x);
}
static __device__ inline float powf(float x, float y) {
  return __builtin_powf(x, y);
}
static __device__ inline float atan2f(float y, float x) {
  return __builtin_atan2f(y, x);
}
static __device__ inline float fmodf(float x, float y) {
  return __builtin_fmodf(x, y);
}
static __device__ inline float fminf(float x, float y) {
  return __builtin_fminf(x, y);
}
static __device__ inline float fmaxf(float x, float y) {
  return __builtin_fmaxf(x, y);
}
static __device__ inline float fmaf(float x, float y, float z) {
  return __builtin_fmaf(x, y, z);
}
static __device__ inline float copysignf(float x, float y) {
  return __builtin_copysignf(x, y);
}
static __device__ inline bool isnan(float x) { return __builtin_isnan(x); }
static __device__ inline bool isinf(float x) { return __builtin_isinf(x); }
static __device__ inline bool signbit(float x) { return __builtin_signbit(x); }
static __device__ inline float __int_as_float(int x) {
  return __builtin_bit_cast(float, x);
}
static __device__ inline int __float_as_int(float x) {
  return __builtin_bit_cast(int, x);
}
#endif // ZELLIGE_TEST_HIP_RUNTIME_H
