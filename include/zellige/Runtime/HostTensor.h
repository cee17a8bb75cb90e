//===- HostTensor.h - A tensor in host memory -------------------*- C++ -*-===//
//
// This file declares HostTensor, the plain value the runtime, the tensor
// file readers and the CLI exchange: a name, an element type, a shape and
// the row-major (C order) bytes.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_RUNTIME_HOSTTENSOR_H
#define ZELLIGE_RUNTIME_HOSTTENSOR_H

#include "zellige/Runtime/Bundle.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zellige {

/// The element count of `shape`, or nullopt for a negative dimension or on
/// overflow of 64 bits.
std::optional<uint64_t> numElements(llvm::ArrayRef<int64_t> shape);
/// The byte size of a tensor of `shape` and `dtype`, or nullopt as above.
std::optional<uint64_t> tensorByteSize(DType dtype,
                                       llvm::ArrayRef<int64_t> shape);
/// "[1,3,32,32]".
std::string formatShape(llvm::ArrayRef<int64_t> shape);

struct HostTensor {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; ///< Row-major, little-endian.
  /// DType::String: the elements, row-major (`data` is empty).
  std::vector<std::string> strings;

  /// The number of elements, or nullopt for a negative dimension or on
  /// overflow.
  std::optional<uint64_t> numElements() const {
    return zellige::numElements(shape);
  }

  /// Typed view of the data; T must match dtypeSize(dtype).
  template <typename T> llvm::ArrayRef<T> values() const {
    return llvm::ArrayRef<T>(reinterpret_cast<const T *>(data.data()),
                             data.size() / sizeof(T));
  }
};

} // namespace zellige

#endif // ZELLIGE_RUNTIME_HOSTTENSOR_H
