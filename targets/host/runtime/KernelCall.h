//===- KernelCall.h - Call a JIT-linked host kernel -------------*- C++ -*-===//
//
// This file defines callHostKernel, the one place host code calls the entry
// point of a dispatch linked in-process from an object the host target made.
//
// The call goes through a function pointer to code no C++ compiler saw.
// Clang's -fsanitize=function (part of -fsanitize=undefined) checks such
// calls by reading a type signature in the 8 bytes before the callee, which
// only functions it compiled carry: before a JIT-linked kernel those bytes
// are another function's code, padding, or, when the kernel starts its
// mapping, an unmapped page (a SEGV in the sanitized builds). The check is
// meaningless here, so it is turned off for this call.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TARGETS_HOST_RUNTIME_KERNELCALL_H
#define ZELLIGE_TARGETS_HOST_RUNTIME_KERNELCALL_H

#include <cstdint>

#if defined(__clang__)
#define ZELLIGE_NO_SANITIZE_FUNCTION __attribute__((no_sanitize("function")))
#else
#define ZELLIGE_NO_SANITIZE_FUNCTION
#endif

namespace zellige {
namespace host {

/// The C ABI of a dispatch entry point: `void entry(void **bindings, int64_t
/// workgroup_id)`.
using KernelFn = void (*)(void **bindings, int64_t workgroupId);

/// Runs workgroup `workgroupId` of the dispatch entry point `fn`.
ZELLIGE_NO_SANITIZE_FUNCTION inline void
callHostKernel(KernelFn fn, void **bindings, int64_t workgroupId) {
  fn(bindings, workgroupId);
}

} // namespace host
} // namespace zellige

#endif // ZELLIGE_TARGETS_HOST_RUNTIME_KERNELCALL_H
