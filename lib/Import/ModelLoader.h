//===- ModelLoader.h - Read ONNX protobufs and their external data -*- C++ -*-//
//
// This file declares how the importer reads an ONNX ModelProto from untrusted
// bytes (with protobuf size and recursion limits) and how it pulls external
// tensor data in, strictly from inside the model's own folder.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_LIB_IMPORT_MODELLOADER_H
#define ZELLIGE_LIB_IMPORT_MODELLOADER_H

#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace zellige {
namespace import_detail {

/// Parses `bytes` as a ModelProto. Returns false with a reason (the caller
/// prefixes "failed to parse ONNX model").
bool parseModelProto(llvm::StringRef bytes, onnx::ModelProto &model,
                     std::string &reason);

/// Replaces every tensor of `model`'s main graph (initializers and Constant
/// node attributes) that keeps its data in an external file by the same
/// tensor with the data inline. Files must lie inside `baseDir` (after
/// resolving symbolic links); absolute locations and `..` escapes are refused.
/// Returns false with a message naming the tensor and the file.
bool inlineExternalData(onnx::ModelProto &model, llvm::StringRef baseDir,
                        std::string &error);

} // namespace import_detail
} // namespace zellige

#endif // ZELLIGE_LIB_IMPORT_MODELLOADER_H
