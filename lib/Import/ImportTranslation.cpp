//===- ImportTranslation.cpp - The --import-onnx translation --------------===//
//
// This file implements the registration of the `--import-onnx` translation
// for zellige-translate, with its `--onnx-input-shape=name:1x3x32x32` and
// `--onnx-shape-inference` options. The options live inside the registration
// function so that only tools that register the translation have them.
//
//===----------------------------------------------------------------------===//

#include "zellige/Import/ONNXImporter.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

void zellige::registerONNXImportTranslation() {
  static llvm::cl::list<std::string> inputShapes(
      "onnx-input-shape",
      llvm::cl::desc("Override the shape of an ONNX model input "
                     "(--import-onnx), e.g. x:1x3x224x224; repeatable"),
      llvm::cl::value_desc("name:DIMxDIM..."));
  static llvm::cl::opt<bool> shapeInference(
      "onnx-shape-inference",
      llvm::cl::desc("Run ONNX shape inference while importing (default on)"),
      llvm::cl::init(true));

  static TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model (.onnx) into the onnx dialect",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *ctx) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buf =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        ImportOptions opts;
        opts.shapeInference = shapeInference;
        for (const std::string &s : inputShapes) {
          std::string err;
          if (!parseONNXInputShape(s, opts, err)) {
            emitError(UnknownLoc::get(ctx)) << "--onnx-input-shape: " << err;
            return nullptr;
          }
        }
        OwningOpRef<ModuleOp> module = importONNXModel(
            *ctx, buf->getBuffer(), buf->getBufferIdentifier(), opts);
        if (!module)
          return nullptr;
        return OwningOpRef<Operation *>(module.release());
      },
      [](DialectRegistry &registry) {
        registry.insert<ONNX::ONNXDialect, func::FuncDialect>();
      });
}
