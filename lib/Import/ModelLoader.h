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

#include <cstddef>
#include <cstdint>
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

/// Checks that every tensor of `model`'s main graph (initializers and tensor
/// attributes) has a known element type, a sane shape, and exactly as much
/// data as its shape needs; and that no node carries a subgraph or sparse
/// tensor, which the importer does not support. libonnx trusts these sizes
/// (a short raw_data corrupts its heap in shape inference), so this runs
/// before any libonnx call. Returns false with a message naming the tensor
/// and, for attributes, the node (`nodeIndex` is then set, else -1).
bool validateGraphData(const onnx::ModelProto &model, std::string &error,
                       int64_t &nodeIndex);

/// Checks that every input of every node of `model`'s main graph is a graph
/// input, an initializer or the output of an earlier node, and that no two
/// nodes produce the same value. This finds undefined inputs and cycles (a
/// cycle always has a node that reads a later node's output) before libonnx
/// does, so the message can name the node (`nodeIndex`, else -1).
bool validateGraphTopology(const onnx::ModelProto &model, std::string &error,
                           int64_t &nodeIndex);

/// `text` with every control character (and the Unicode line separators)
/// written as `\xNN`, so that names taken from a damaged model cannot break
/// a one-line diagnostic.
std::string escapeControlCharacters(llvm::StringRef text);

/// Bytes per element of an ONNX element type in raw_data, or 0 for a type
/// the importer does not support (strings have no raw form).
size_t rawElementWidth(int32_t onnxType);

/// Checks one tensor's data size against its shape; `what` names it in the
/// message.
bool validateTensorData(const onnx::TensorProto &tensor,
                        const std::string &what, std::string &error);

} // namespace import_detail
} // namespace zellige

#endif // ZELLIGE_LIB_IMPORT_MODELLOADER_H
