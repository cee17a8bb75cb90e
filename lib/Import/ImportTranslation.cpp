//===- ImportTranslation.cpp - The --import-onnx translation --------------===//
//
// This file implements the `--import-onnx` translation for zellige-translate
// (reading the main buffer of the source manager as an ONNX model, named by
// its buffer identifier) and the parser of `--onnx-input-shape` values.
//
//===----------------------------------------------------------------------===//

#include "zellige/Import/ONNXImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

bool zellige::parseONNXInputShape(llvm::StringRef text, ImportOptions &opts,
                                  std::string &error) {
  auto [name, dimsText] = text.rsplit(':');
  if (name.empty() || name.size() == text.size()) {
    error = "expected NAME:DIMS (e.g. x:1x3x32x32), got '" + text.str() + "'";
    return false;
  }
  std::vector<int64_t> dims;
  if (!dimsText.empty() && dimsText != "scalar") {
    llvm::SmallVector<llvm::StringRef> parts;
    dimsText.split(parts, 'x');
    for (llvm::StringRef part : parts) {
      int64_t dim;
      if (part.getAsInteger(10, dim) || dim < 0) {
        error = "bad dimension '" + part.str() + "' in '" + text.str() +
                "' (dimensions are non-negative integers joined by 'x')";
        return false;
      }
      dims.push_back(dim);
    }
  }
  opts.inputShapes[name.str()] = std::move(dims);
  return true;
}

void zellige::registerONNXImportTranslation(
    const std::function<void(DialectRegistry &)> &extraDialects) {
  static llvm::cl::list<std::string> inputShapes(
      "onnx-input-shape",
      llvm::cl::desc("With --import-onnx: the shape of a graph input, as "
                     "NAME:D0xD1x... (repeatable)"),
      llvm::cl::value_desc("name:dims"));
  static llvm::cl::opt<bool> shapeInference(
      "onnx-shape-inference",
      llvm::cl::desc("With --import-onnx: run ONNX shape inference"),
      llvm::cl::init(true));
  static llvm::cl::opt<unsigned> stringBytes(
      "onnx-string-bytes",
      llvm::cl::desc("With --import-onnx: the bytes each element of a string "
                     "tensor takes (default 64)"),
      llvm::cl::init(64));

  static TranslateToMLIRRegistration registration(
      "import-onnx",
      "Import an ONNX model (.onnx protobuf) into the onnx dialect",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        ImportOptions opts;
        opts.shapeInference = shapeInference;
        if (stringBytes < 1 || stringBytes > (1u << 20)) {
          emitError(UnknownLoc::get(ctx))
              << "--onnx-string-bytes: expected 1 to 1048576";
          return nullptr;
        }
        opts.stringBytes = stringBytes;
        for (const std::string &text : inputShapes) {
          std::string error;
          if (!parseONNXInputShape(text, opts, error)) {
            emitError(UnknownLoc::get(ctx)) << "--onnx-input-shape: " << error;
            return nullptr;
          }
        }
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        OwningOpRef<ModuleOp> module = importONNXModel(
            *ctx, buffer->getBuffer(), buffer->getBufferIdentifier(), opts);
        if (!module)
          return nullptr;
        return OwningOpRef<Operation *>(module.release());
      },
      [extraDialects](DialectRegistry &registry) {
        registry.insert<ONNX::ONNXDialect, func::FuncDialect>();
        if (extraDialects)
          extraDialects(registry);
      });
}
