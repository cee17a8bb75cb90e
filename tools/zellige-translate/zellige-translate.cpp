//===- zellige-translate.cpp - Zellige's translation driver ---------------===//
//
// This file implements zellige-translate: mlir-translate with Zellige's
// translations registered, chiefly `--import-onnx`, which reads an ONNX model
// and prints the onnx-dialect module the importer builds.
//
//===----------------------------------------------------------------------===//

#include "zellige/Compiler/Registration.h"
#include "zellige/Import/ONNXImporter.h"

#include "mlir/Support/LogicalResult.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  zellige::registerONNXImportTranslation(zellige::registerAllDialects);
  zellige::registerAllTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "Zellige translation driver"));
}
