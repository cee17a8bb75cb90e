//===- ImportFuzzer.cpp - libFuzzer target for the ONNX importer ----------===//
//
// This file implements a libFuzzer target that feeds arbitrary bytes to the
// ONNX importer (zellige::importONNXModel): protobuf parsing, the tensor and
// graph checks, external-data loading, the opset rewrites, libonnx's checker,
// shape inference and version converter, and the onnx dialect import. Any
// crash, sanitizer report, uncaught exception or leak of a diagnostic to a
// crash handler is a finding; a refused input is not.
//
// The model's "path" lies in an empty folder made for the run, so that
// external-data references can only ever resolve there. libonnx runs
// in-process here (zellige runs it in a child process): a fork per call
// would make the fuzzer many times slower, and a libonnx crash is worth
// knowing about, as a case the importer's own checks should refuse first.
//
//===----------------------------------------------------------------------===//

#include "zellige/Import/ONNXImporter.h"

#include "ONNXLibrary.h"

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace {

/// The context is reused across inputs (loading the onnx dialect is slow),
/// and replaced now and then so that interned attributes do not pile up.
constexpr unsigned kInputsPerContext = 512;

struct FuzzState {
  std::unique_ptr<mlir::MLIRContext> ctx;
  unsigned uses = 0;
  std::string modelPath;

  FuzzState() {
    llvm::SmallString<128> dir;
    if (llvm::sys::fs::createUniqueDirectory("zellige-import-fuzz", dir))
      dir = ".";
    llvm::sys::path::append(dir, "fuzz.onnx");
    modelPath = std::string(dir);
  }

  mlir::MLIRContext &context() {
    if (!ctx || uses++ == kInputsPerContext) {
      ctx = std::make_unique<mlir::MLIRContext>(
          mlir::MLIRContext::Threading::DISABLED);
      ctx->loadDialect<zellige::ONNX::ONNXDialect, mlir::func::FuncDialect>();
      // Refusals are expected: keep them quiet.
      ctx->getDiagEngine().registerHandler(
          [](mlir::Diagnostic &) { return mlir::success(); });
      uses = 1;
    }
    return *ctx;
  }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FuzzState state;
  static bool inProcess =
      (zellige::import_detail::setLibraryIsolation(false), true);
  (void)inProcess;
  zellige::ImportOptions opts;
  mlir::OwningOpRef<mlir::ModuleOp> module = zellige::importONNXModel(
      state.context(),
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      state.modelPath, opts);
  return 0;
}
