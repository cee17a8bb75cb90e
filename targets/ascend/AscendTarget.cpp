//===- AscendTarget.cpp - The Huawei Ascend target (ATC) --------*- C++ -*-===//
//
// This file implements the "ascend" target. Ascend NPUs take neither CUDA nor
// OpenCL: the target exports the ONNX graph after Zellige's graph clean-up
// (GraphExport.h) with the command that builds it into an offline model with
// Huawei's ATC (`atc --framework=5 --soc_version=<profile arch>`); ATC makes
// the kernels. `--dump-kernels DIR` writes the package: DIR/model.onnx,
// DIR/atc.sh and DIR/README.md.
//
//===----------------------------------------------------------------------===//

#include "targets/ascend/GraphExport.h"

using namespace llvm;
using namespace zellige;
using namespace zellige::graph_export;

namespace {
class AscendTarget final : public GraphCompilerTarget {
public:
  StringRef getName() const override { return "ascend"; }
  StringRef getDescription() const override {
    return "ONNX graph plus the ATC command for Huawei Ascend NPUs (ATC makes "
           "the kernels; compile-only)";
  }

protected:
  std::string getDefaultProfile() const override { return "ascend-910b"; }

  std::string getBuildCommand(const ExportedGraph &graph,
                              const DeviceProfile &profile) const override {
    std::string command = "atc --model=model.onnx --framework=5 "
                          "--output=model --soc_version=" +
                          profile.arch;
    // Static input shapes, as ATC's --input_shape wants them.
    std::string shapes;
    bool known = !graph.inputs.empty();
    for (const GraphInput &input : graph.inputs) {
      known &= llvm::all_of(input.dims, [](int64_t d) { return d >= 0; });
      shapes += (shapes.empty() ? "" : ";") + input.name + ":" +
                joinDims(input.dims, ",");
    }
    if (known)
      command += " --input_shape=\"" + shapes + "\"";
    return command;
  }

  std::vector<PackageFile>
  getPackageFiles(const ExportedGraph &graph,
                  const DeviceProfile &profile) const override {
    std::string command = getBuildCommand(graph, profile);
    std::string script = "#!/bin/sh\n"
                         "# Builds model.om for " +
                         profile.name + " (soc_version " + profile.arch +
                         ") with Huawei's ATC, from the ONNX\n"
                         "# graph Zellige exported. CANN toolkit: source its "
                         "set_env.sh first.\n"
                         "set -e\n"
                         "cd \"$(dirname \"$0\")\"\n" +
                         command + "\n";
    std::string changes;
    for (const std::string &change : graph.changes)
      changes += "- " + change + "\n";
    if (changes.empty())
      changes = "- nothing to remove: the graph is as imported\n";
    std::string readme =
        "# Ascend package (Zellige)\n\n"
        "Zellige does not generate kernels for Ascend NPUs: ATC, Huawei's "
        "graph compiler,\nbuilds `model.onnx` into an offline model "
        "(`model.om`) and makes the kernels.\n\n"
        "| file | what |\n| --- | --- |\n"
        "| model.onnx | the model after Zellige's graph clean-up (opset " +
        std::to_string(graph.opset) +
        ") |\n"
        "| atc.sh | the ATC command below |\n\n"
        "Device profile `" +
        profile.name + "`: soc_version `" + profile.arch + "`.\n\n```sh\n" +
        command +
        "\n```\n\n"
        "`--framework=5` means ONNX. Check the soc_version against "
        "`npu-smi info` on the\ntarget machine (ATC wants `Ascend<Name>`).\n\n"
        "## What Zellige changed\n\n"
        "The model was brought to ONNX opset " +
        std::to_string(graph.opset) +
        ", checked with the ONNX checker and\nshape-inferred (as Zellige's "
        "importer does), then cleaned up (" +
        std::to_string(graph.nodesBefore) + " nodes before, " +
        std::to_string(graph.nodesAfter) + " after):\n\n" + changes;
    return {{"atc.sh", script, true}, {"README.md", readme, false}};
  }
};
} // namespace

namespace zellige {
void registerAscendTarget() {
  registerTargetBackend(std::make_unique<AscendTarget>());
}
} // namespace zellige
