//===- zellige-translate.cpp - Zellige's mlir-translate -------------------===//
//
// This file implements zellige-translate: the MLIR translation driver with
// Zellige's translations registered, starting with `--import-onnx` (ONNX
// model -> onnx dialect).
//
//===----------------------------------------------------------------------===//

#include "zellige/Import/ONNXImporter.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  zellige::registerONNXImportTranslation();
  return mlir::asMainReturnCode(
      mlir::mlirTranslateMain(argc, argv, "Zellige translation driver\n"));
}
