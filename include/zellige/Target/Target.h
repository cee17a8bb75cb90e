//===- Target.h - Target plugin interface -----------------------*- C++ -*-===//
//
// This file declares the interface every code generation target implements.
// A target lives in one folder under targets/ with its pipeline, its
// serializer, its runtime driver and its lit tests, and registers itself with
// one `zellige_register_target(<lib> <fn>)` line in its own CMakeLists.txt;
// `fn` calls registerTargetBackend().
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TARGET_TARGET_H
#define ZELLIGE_TARGET_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class OpPassManager;
class Operation;
} // namespace mlir

namespace zellige {
namespace kernel {
class ConfigAttr;
} // namespace kernel

/// Options that apply to every target; targets read what they need.
struct TargetOptions {
  std::string arch; ///< e.g. "sm_90"; empty: the target's default.
  /// Device profile: a built-in name (targets/profiles/<name>.toml) or a
  /// path to a .toml file; empty: the target's default for `arch`.
  std::string profile;
  std::string dumpKernelsDir; ///< When set, write each kernel's source/binary.
};

/// What a target produces from the executable module.
struct TargetExecutable {
  std::string format;         ///< "elf-relocatable", "opencl-c", "ptx", ...
  std::vector<uint8_t> bytes; ///< The serialized executable.
  /// Entry symbol and workgroup count {x, y, z} per dispatch function, keyed
  /// by the dispatch function's name.
  std::map<std::string, std::string> symbols;
  std::map<std::string, std::array<int64_t, 3>> workgroupCounts;
  /// Threads per workgroup {x, y, z} per dispatch function (GPU targets);
  /// empty when the executable fixes it.
  std::map<std::string, std::array<int64_t, 3>> workgroupSizes;
  std::map<std::string, std::string> properties; ///< triple, cpu, ...
};

/// The executable module a target receives: one `func.func` per dispatch,
/// named after the dispatch, with memref arguments (inputs then outputs, static
/// shapes, identity layouts) and the `kernel.config` attribute. Its body reads
/// inputs with `bufferization.to_tensor %arg restrict`, computes on tensors,
/// and writes each result with `bufferization.materialize_in_destination
/// ... in restrict writable %out`.
class TargetBackend {
public:
  virtual ~TargetBackend();

  /// The name used by `--target` and in bundles, e.g. "host".
  virtual llvm::StringRef getName() const = 0;
  virtual llvm::StringRef getDescription() const = 0;

  /// The schedule knobs of a dispatch whose root operation is `root`, with
  /// heuristic values and their legal values on this target.
  virtual kernel::ConfigAttr
  getDefaultConfig(mlir::Operation *root,
                   const TargetOptions &options) const = 0;

  /// Adds the passes that lower the executable module for this target.
  virtual void buildPipeline(mlir::OpPassManager &pm,
                             const TargetOptions &options) const = 0;

  /// Serializes the lowered executable module.
  virtual mlir::FailureOr<TargetExecutable>
  serialize(mlir::ModuleOp module, const TargetOptions &options) const = 0;

  /// Whether this target's real output is a package folder for a vendor
  /// graph compiler (Ascend's ATC, Cambricon's MagicMind), written where
  /// TargetOptions::dumpKernelsDir points. `zellige compile -o DIR` then
  /// writes that package instead of a bundle.
  virtual bool writesPackage() const { return false; }

  /// The device profile whose figures describe this target's device under
  /// `options` (for the cost model), or "" when it has none.
  virtual std::string getCostModelProfile(const TargetOptions &options) const {
    return options.profile;
  }
};

/// Registers a target; called by each target's registration function.
void registerTargetBackend(std::unique_ptr<TargetBackend> backend);
/// The registered target called `name`, or null.
const TargetBackend *lookupTargetBackend(llvm::StringRef name);
/// Every registered target, in registration order.
std::vector<const TargetBackend *> getTargetBackends();

} // namespace zellige

#endif // ZELLIGE_TARGET_TARGET_H
