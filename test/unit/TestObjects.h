//===- TestObjects.h - Host objects and bundles for unit tests --*- C++ -*-===//
//
// This file declares helpers the runtime unit tests share: compiling a
// small LLVM IR module to a host ELF object with LLVM's TargetMachine (what
// the host target's serializer does for real kernels), the IR of two test
// kernels, and a temporary directory.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TEST_UNIT_TESTOBJECTS_H
#define ZELLIGE_TEST_UNIT_TESTOBJECTS_H

#include "zellige/Runtime/Bundle.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace zellige::test {

/// Compiles textual LLVM IR to a relocatable object for this host.
llvm::Expected<std::vector<uint8_t>> compileIRToObject(llvm::StringRef ir);

/// Elements per tensor of the test model and per workgroup of its kernels.
constexpr int64_t kElems = 1000;
constexpr int64_t kChunk = 64;
constexpr int64_t kGroups = (kElems + kChunk - 1) / kChunk; // 16

/// IR with two dispatch entry points in the host ABI
/// (`void fn(void **bindings, int64_t workgroup_id)`), each handling
/// elements [id*kChunk, min((id+1)*kChunk, kElems)):
///   zlg_exp_add(a, b, out): out[i] = expf(a[i]) + b[i]
///   zlg_scale(in, out):     out[i] = ldexpf(in[i], 1) = 2 * in[i]
/// expf resolves through the host driver's math table, ldexpf through the
/// search of the process's libraries.
std::string testKernelIR();

/// A manifest using testKernelIR(): input x, constant w (weights offset
/// 64), transient t, outputs y = 2 * (exp(x) + w) and z (a copy of y).
BundleManifest testManifest();
/// The weights testManifest() expects: 64 bytes of padding, then w[i] =
/// i * 0.5.
std::vector<uint8_t> testWeights();

/// A fresh directory removed with its files at destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  std::string path(llvm::StringRef name) const;

private:
  std::string dir;
};

} // namespace zellige::test

#endif // ZELLIGE_TEST_UNIT_TESTOBJECTS_H
