//===- zellige-opt.cpp - Zellige's mlir-opt ---------------------*- C++ -*-===//
//
// This file implements zellige-opt: the MLIR optimizer driver with every
// Zellige dialect, pass and pipeline registered, so that it runs exactly what
// the compiler runs.
//
//===----------------------------------------------------------------------===//

#include "zellige/Compiler/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  zellige::registerAllDialects(registry);
  zellige::registerAllPasses();
  zellige::registerAllTargets();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "Zellige optimizer driver\n", registry));
}
