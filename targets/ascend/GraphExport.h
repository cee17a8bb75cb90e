//===- GraphExport.h - ONNX packages for vendor graph compilers -*- C++ -*-===//
//
// This file declares what the graph-compiler targets (targets/ascend for
// Huawei ATC, targets/cambricon for Cambricon MagicMind) share. Those devices
// take neither CUDA nor OpenCL: Zellige hands them the ONNX graph after its
// own graph-level clean-up, with the vendor compiler's build command, and the
// vendor compiler makes the kernels. The ONNX is the input model brought to
// Zellige's canonical opset, checked and shape-inferred the way the importer
// does it, with Identity and inference-mode Dropout nodes removed and dead
// nodes and unused initializers dropped (see docs/vendor-targets.md).
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TARGETS_ASCEND_GRAPHEXPORT_H
#define ZELLIGE_TARGETS_ASCEND_GRAPHEXPORT_H

#include "zellige/Codegen/GPU/DeviceProfile.h"
#include "zellige/Target/Target.h"

#include "llvm/Support/Error.h"

#include <map>
#include <string>
#include <vector>

namespace zellige {
namespace graph_export {

/// One graph input: its name and dimensions (-1 where symbolic).
struct GraphInput {
  std::string name;
  std::vector<int64_t> dims;
};

/// The graph a vendor compiler receives.
struct ExportedGraph {
  std::string bytes;              ///< The serialized ModelProto.
  int64_t opset = 0;              ///< Its default-domain opset.
  std::vector<GraphInput> inputs; ///< Its real inputs (not initializers).
  size_t nodesBefore = 0, nodesAfter = 0;
  /// One line per clean-up that changed the graph ("removed 2 Identity").
  std::vector<std::string> changes;
};

/// Reads the ONNX model at `path` and returns the cleaned-up graph; the
/// error names the file (and the node, where there is one).
llvm::Expected<ExportedGraph> exportGraph(llvm::StringRef path);

/// The ONNX file `module` (an executable module) was imported from: the file
/// of the first FileLineColLoc among its operations' locations (the importer
/// locates every op at its node, inside the model file's location).
std::optional<std::string> findSourceModel(mlir::ModuleOp module);

/// `dims` joined with `separator`.
std::string joinDims(const std::vector<int64_t> &dims,
                     llvm::StringRef separator);

/// What a graph-compiler target writes into its package folder.
struct PackageFile {
  std::string name;
  std::string contents;
  bool executable = false;
};

/// A target that hands the model to a vendor graph compiler. Its executable
/// in the bundle is the ONNX graph (format "onnx"); `--dump-kernels DIR`
/// writes the package (DIR/model.onnx plus the files `getPackageFiles`
/// returns). It runs no kernel pipeline of its own: the dispatches Zellige
/// formed are reported with a workgroup count of 1 and the vendor compiler
/// schedules the graph.
class GraphCompilerTarget : public TargetBackend {
public:
  kernel::ConfigAttr getDefaultConfig(mlir::Operation *root,
                                      const TargetOptions &options) const final;
  void buildPipeline(mlir::OpPassManager &pm,
                     const TargetOptions &options) const final;
  mlir::FailureOr<TargetExecutable>
  serialize(mlir::ModuleOp module, const TargetOptions &options) const final;
  bool writesPackage() const final { return true; }

  /// The profile `options` selects (--profile, else the default).
  std::string getProfileName(const TargetOptions &options) const;
  /// Writes the package for the ONNX model at `modelPath` into `dir`.
  llvm::Error writePackage(llvm::StringRef modelPath, llvm::StringRef dir,
                           const TargetOptions &options) const;

protected:
  virtual std::string getDefaultProfile() const = 0;
  /// The files next to model.onnx (build script, README) for `graph` on
  /// `profile`.
  virtual std::vector<PackageFile>
  getPackageFiles(const ExportedGraph &graph,
                  const DeviceProfile &profile) const = 0;
  /// The vendor build command line recorded in the bundle's properties.
  virtual std::string getBuildCommand(const ExportedGraph &graph,
                                      const DeviceProfile &profile) const = 0;
};

} // namespace graph_export
} // namespace zellige

#endif // ZELLIGE_TARGETS_ASCEND_GRAPHEXPORT_H
