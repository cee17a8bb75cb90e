//===- ONNXLibrary.h - Calls into libonnx behind a no-throw wall -*- C++
//-*-===//
//
// This file declares the importer's only calls into libonnx that may throw:
// the checker, shape inference, the version converter and schema queries.
// They are compiled with exceptions enabled and turn every exception into an
// error message, so the rest of the importer (built like LLVM, without
// exceptions) never sees one. The checker, shape inference and the version
// converter run in a child process with a time limit, so that a crash or a
// hang of libonnx on a hostile model is an error message too.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_LIB_IMPORT_ONNXLIBRARY_H
#define ZELLIGE_LIB_IMPORT_ONNXLIBRARY_H

#include "onnx/onnx_pb.h"

#include <cstdint>
#include <string>

namespace zellige {
namespace import_detail {

/// The arity of an operator's schema, as the onnx dialect mirrors it.
struct SchemaArity {
  /// Number of formal inputs / outputs. A trailing variadic parameter counts
  /// as one.
  size_t numInputs = 0;
  size_t numOutputs = 0;
  bool variadicInput = false;
  bool variadicOutput = false;
};

/// Whether the checker, shape inference and the version converter run in a
/// child process (the default). The importer's fuzzer turns this off to run
/// them in-process: it is many times faster, and a libonnx crash then shows
/// up as a finding that the importer's own checks should catch first.
void setLibraryIsolation(bool isolate);

/// Looks up the default-domain schema of `opType` in force at `opset`.
/// Returns false when libonnx has none (or only a deprecated one).
bool lookupSchema(const std::string &opType, int64_t opset,
                  SchemaArity *arity = nullptr,
                  int64_t *sinceVersion = nullptr);

/// Runs onnx::checker::check_model. Returns false with the checker's message.
/// `model` is restored to its original state before returning.
bool runChecker(onnx::ModelProto &model, std::string &error);

/// Runs libonnx's shape inference in place, with data propagation. In strict
/// mode a node whose inference fails is an error; otherwise its outputs are
/// left unknown. Returns false with its message.
bool runShapeInference(onnx::ModelProto &model, std::string &error,
                       bool strict = true);

/// Converts `model` to `targetOpset` with libonnx's version converter.
/// Returns false with the converter's message; `model` is then unchanged.
bool runVersionConverter(onnx::ModelProto &model, int64_t targetOpset,
                         std::string &error);

} // namespace import_detail
} // namespace zellige

#endif // ZELLIGE_LIB_IMPORT_ONNXLIBRARY_H
