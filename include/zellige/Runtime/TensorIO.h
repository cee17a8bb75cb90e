//===- TensorIO.h - Reading and writing tensor files ------------*- C++ -*-===//
//
// This file declares the readers and writers of the tensor files the CLI
// takes and produces: numpy .npy (format versions 1 to 3, little-endian, C
// order) and ONNX TensorProto .pb files (as in the ONNX test data sets).
// Every error is one line starting with the file's path.
//
// These live in the ZelligeTensorIO library, which links libonnx; the
// runtime library itself does not.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_RUNTIME_TENSORIO_H
#define ZELLIGE_RUNTIME_TENSORIO_H

#include "zellige/Runtime/HostTensor.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <vector>

namespace zellige {

/// Reads a .npy file. Types: f16 f32 f64 i8 i16 i32 i64 u8 u16 u32 u64 bool,
/// and fixed-width strings ("U<n>" UTF-32, "S<n>" bytes), read as
/// DType::String without their trailing NUL padding. Big-endian numeric
/// data, Fortran order, other types and malformed or truncated files are
/// refused. The tensor's name is left empty.
llvm::Expected<HostTensor> readNpy(llvm::StringRef path);
/// Parses .npy bytes; `path` only names the source in errors.
llvm::Expected<HostTensor> parseNpy(llvm::ArrayRef<uint8_t> bytes,
                                    llvm::StringRef path);

/// Writes `tensor` as a version 1.0 .npy file (2.0 when its header needs
/// it). String tensors are written as "<U<n>", n the longest element's
/// code point count; elements that are not valid UTF-8 are refused. bf16
/// has no numpy type and is refused.
llvm::Error writeNpy(llvm::StringRef path, const HostTensor &tensor);
/// The .npy bytes of `tensor`.
llvm::Expected<std::vector<uint8_t>> serializeNpy(const HostTensor &tensor);

/// Reads an ONNX TensorProto (.pb) from raw_data or from the typed fields
/// (float_data, int32_data, ...; string_data for string tensors). The
/// tensor's name is the proto's name. External data and segments are
/// refused.
llvm::Expected<HostTensor> readTensorProto(llvm::StringRef path);

/// Reads `path` as .npy when it ends in ".npy", else as a TensorProto.
llvm::Expected<HostTensor> readTensorFile(llvm::StringRef path);

/// Every element of a floating-point tensor (f32, f64, f16, bf16) as a
/// double, NaN kept, for comparing outputs with a tolerance; nullopt for
/// other dtypes (strings included), which are compared exactly.
std::optional<std::vector<double>> asDoubles(const HostTensor &tensor);

/// How `got` differs from `want` (of one size) element by element at
/// tolerance |got - want| <= atol + rtol * |want|; equal values and NaN
/// against NaN match.
struct ToleranceCheck {
  size_t mismatches = 0; ///< Elements out of tolerance.
  size_t first = 0;      ///< Index of the first one.
  double maxError = 0;   ///< Largest |got - want| (infinity for NaN).
};
ToleranceCheck checkTolerance(llvm::ArrayRef<double> got,
                              llvm::ArrayRef<double> want, double rtol,
                              double atol);

} // namespace zellige

#endif // ZELLIGE_RUNTIME_TENSORIO_H
