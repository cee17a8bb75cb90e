//===- Diagnostics.h - One-line diagnostics for the CLI ---------*- C++ -*-===//
//
// This file declares the diagnostic handler of the zellige CLI: each error is
// one line that names the model file and, where the location carries one,
// the ONNX node, e.g.
//   zellige: error: model.onnx: node 'conv1': unsupported auto_pad 'FOO'
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TOOLS_ZELLIGE_DIAGNOSTICS_H
#define ZELLIGE_TOOLS_ZELLIGE_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"

#include <string>

namespace zellige {

/// "file: node 'a', 'b'" from a location built by the importer (NameLoc of
/// the node over a FileLineColLoc of the file), possibly fused.
std::string describeLocation(mlir::Location loc);

/// Prints errors (and, when `verbose`, warnings and notes) as single lines on
/// stderr; counts errors.
class OneLineDiagnosticHandler {
public:
  OneLineDiagnosticHandler(mlir::MLIRContext &context, std::string fallbackFile,
                           bool verbose);
  ~OneLineDiagnosticHandler();
  unsigned errorCount() const { return errors; }

private:
  mlir::MLIRContext &context;
  mlir::DiagnosticEngine::HandlerID id;
  std::string fallbackFile;
  bool verbose;
  unsigned errors = 0;
};

} // namespace zellige

#endif // ZELLIGE_TOOLS_ZELLIGE_DIAGNOSTICS_H
