//===- TensorImport.h - ONNX tensors and types to MLIR ----------*- C++ -*-===//
//
// This file declares the importer's conversions of ONNX element types, value
// types and tensors (inline or in external data files) to MLIR types and
// dense elements attributes.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_LIB_IMPORT_TENSORIMPORT_H
#define ZELLIGE_LIB_IMPORT_TENSORIMPORT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

#include <memory>
#include <string>

namespace zellige {
namespace import_detail {

/// The MLIR element type of ONNX data type `dataType`
/// (onnx::TensorProto::DataType), or a null type when Zellige has none.
mlir::Type convertElementType(mlir::MLIRContext &ctx, int32_t dataType);

/// The name of an ONNX data type, for messages ("float", "int64", ...).
std::string dataTypeName(int32_t dataType);

/// Converts an ONNX value type to a tensor type: ranked with `?` for unknown
/// dims, unranked when the shape is absent. Sets `error` and returns a null
/// type for sequences, maps, optionals, sparse tensors and unknown element
/// types.
mlir::Type convertValueType(mlir::MLIRContext &ctx, const onnx::TypeProto &type,
                            std::string &error);

/// Reads the external data of tensors, only from files inside the model's
/// folder, keeping each file mapped once.
class ExternalDataReader {
public:
  /// `modelPath` is the model file; its folder is the only one read from.
  /// An empty path (bytes from stdin) forbids external data.
  explicit ExternalDataReader(llvm::StringRef modelPath);

  /// Sets `bytes` to the external bytes of `tensor`, or returns false and
  /// sets `error` (naming the file and the tensor).
  bool read(const onnx::TensorProto &tensor, llvm::StringRef &bytes,
            std::string &error);

private:
  std::string baseDir;
  bool allowed;
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> files;
};

/// Converts `tensor` to a dense elements attribute of its own shape and type.
/// `what` names it in errors ("initializer 'w'"). Returns a null attribute and
/// sets `error` on unsupported types or when the data does not match the
/// shape.
mlir::DenseElementsAttr convertTensor(mlir::MLIRContext &ctx,
                                      const onnx::TensorProto &tensor,
                                      ExternalDataReader &external,
                                      const std::string &what,
                                      std::string &error);

} // namespace import_detail
} // namespace zellige

#endif // ZELLIGE_LIB_IMPORT_TENSORIMPORT_H
