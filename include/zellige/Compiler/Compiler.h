//===- Compiler.h - The zellige compile driver ------------------*- C++ -*-===//
//
// This file declares the compiler driver: ONNX file in, .zlg bundle out, with
// the ability to stop after any phase and print its IR (`--emit`).
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_COMPILER_COMPILER_H
#define ZELLIGE_COMPILER_COMPILER_H

#include "zellige/Target/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <map>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace zellige {

struct BundleManifest;

/// The phase after which `--emit` stops and prints.
enum class EmitPhase { None, ONNX, Linalg, Kernel, LLVM };

struct CompileOptions {
  std::string inputPath;
  std::string outputPath;
  std::vector<std::string> targets = {"host"};
  EmitPhase emit = EmitPhase::None;
  std::string tileSizes;    ///< See zellige-configure-dispatches.
  std::string kernelConfig; ///< TOML file of knob values.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// See ImportOptions::stringBytes.
  int64_t stringBytes = 64;
  TargetOptions targetOptions;
  bool printIRAfterAll = false;
  /// Compile and serialize, but write no bundle.
  bool compileOnly = false;
  /// The tuning database (`--tuning-db`): each dispatch whose signature has
  /// a measured schedule (status ok) for the target's device gets the
  /// fastest one, source "tuned"; knobs set by the user stay. Empty: none.
  std::string tuningDB;
  /// Per target name, the fingerprint of the device whose measurements
  /// apply; a target without one keeps its heuristic knobs.
  std::map<std::string, std::string> tuningDevices;
  /// `--knob-defaults cost-model`: where the heuristic set a knob, take the
  /// schedule the cost model (lib/Analysis) estimates fastest on the
  /// target's profile instead, source "estimated"; for devices that are not
  /// there to tune on. Applied before the tuning database.
  bool costModelDefaults = false;
};

/// Runs the whole pipeline. With `options.emit` set, prints that phase's IR
/// to `os` and stops; otherwise writes the bundle to `options.outputPath`.
/// Errors are reported through the context's diagnostic handler.
mlir::LogicalResult compileModel(mlir::MLIRContext &context,
                                 const CompileOptions &options,
                                 llvm::raw_ostream &os);

/// Builds the bundle manifest's schedule from the kernel-level module: one
/// buffer per tensor value (views alias their source), constants packed into
/// `weights`, transient buffers placed in one arena by liveness, and one step
/// per dispatch. Executables are added by the caller.
mlir::FailureOr<BundleManifest> buildSchedule(mlir::ModuleOp module,
                                              std::vector<uint8_t> &weights);

} // namespace zellige

#endif // ZELLIGE_COMPILER_COMPILER_H
