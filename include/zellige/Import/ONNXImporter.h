//===- ONNXImporter.h - Import ONNX models into MLIR ------------*- C++ -*-===//
//
// This file declares the entry points of Zellige's ONNX importer: they read
// an ONNX model (a file, or bytes already in memory), bring every node to the
// canonical opset the onnx dialect mirrors, check the model, run shape
// inference, and build a module with one `func.func @main` of `onnx.*` ops.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_IMPORT_ONNXIMPORTER_H
#define ZELLIGE_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace zellige {

struct ImportOptions {
  bool shapeInference = true;
  /// Optional overrides of input shapes, by input name (for symbolic dims).
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// The bytes each element of a string tensor takes in a bundle (UTF-8,
  /// NUL-padded); longer input strings are refused at run time.
  int64_t stringBytes = 64;
};

/// The opset every imported node is brought to: the newest one libonnx knows,
/// which the onnx dialect mirrors. It is the module's `onnx.opset`.
constexpr int64_t kCanonicalONNXOpset = 17;

/// The newest default-domain opset the importer can bring down to the
/// canonical one.
constexpr int64_t kMaxImportableONNXOpset = 23;

/// Reads an ONNX model file, runs onnx::checker and shape inference, and
/// imports it into a new module. Errors are emitted as MLIR diagnostics
/// (emitError(loc)) and nullptr is returned; never crashes/asserts.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(mlir::MLIRContext &ctx, llvm::StringRef path,
                const ImportOptions &opts = {});

/// Same, from bytes already in memory; `path` is used for messages and as the
/// base folder of external data.
mlir::OwningOpRef<mlir::ModuleOp> importONNXModel(mlir::MLIRContext &ctx,
                                                  llvm::StringRef bytes,
                                                  llvm::StringRef path,
                                                  const ImportOptions &opts);

/// Parses "name:1x3x32x32" into `opts.inputShapes`. Returns false and sets
/// `error` when the text is malformed.
bool parseONNXInputShape(llvm::StringRef text, ImportOptions &opts,
                         std::string &error);

/// Registers the `--import-onnx` translation (and its `--onnx-input-shape`
/// and `--onnx-shape-inference` options) for zellige-translate. The
/// translation's context gets the onnx and func dialects, plus whatever
/// `extraDialects` adds (zellige-translate passes registerAllDialects).
void registerONNXImportTranslation(
    const std::function<void(mlir::DialectRegistry &)> &extraDialects = {});

} // namespace zellige

#endif // ZELLIGE_IMPORT_ONNXIMPORTER_H
