//===- Registration.h - Register everything Zellige defines -----*- C++ -*-===//
//
// This file declares the entry points that register Zellige's dialects,
// passes, pipelines and target plugins, for zellige-opt and the driver.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_COMPILER_REGISTRATION_H
#define ZELLIGE_COMPILER_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace zellige {

/// Adds Zellige's dialects and the upstream dialects and extensions the
/// pipelines use.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers every Zellige pass and pipeline (and upstream passes), once.
void registerAllPasses();

/// Registers every target plugin listed by zellige_register_target, once.
void registerAllTargets();
/// Registers every translation listed by zellige_register_translation (for
/// zellige-translate), once.
void registerAllTranslations();

} // namespace zellige

#endif // ZELLIGE_COMPILER_REGISTRATION_H
