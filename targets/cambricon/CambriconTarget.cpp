//===- CambriconTarget.cpp - The Cambricon target (MagicMind) ---*- C++ -*-===//
//
// This file implements the "cambricon" target. Cambricon MLUs take neither
// CUDA nor OpenCL: the target exports the ONNX graph after Zellige's graph
// clean-up (targets/ascend/GraphExport.h) with a script that builds it with
// Cambricon's MagicMind graph compiler through its Python API (parse the
// ONNX file, BuilderConfig `archs` = the profile's arch, build_model,
// serialize_to_file); MagicMind makes the kernels. `--dump-kernels DIR`
// writes the package: DIR/model.onnx, DIR/build_magicmind.py, DIR/README.md.
//
//===----------------------------------------------------------------------===//

#include "targets/ascend/GraphExport.h"

using namespace llvm;
using namespace zellige;
using namespace zellige::graph_export;

namespace {
class CambriconTarget final : public GraphCompilerTarget {
public:
  StringRef getName() const override { return "cambricon"; }
  StringRef getDescription() const override {
    return "ONNX graph plus a MagicMind build script for Cambricon MLUs "
           "(MagicMind makes the kernels; compile-only)";
  }

protected:
  std::string getDefaultProfile() const override { return "mlu590"; }

  std::string getBuildCommand(const ExportedGraph &,
                              const DeviceProfile &) const override {
    return "python3 build_magicmind.py";
  }

  std::vector<PackageFile>
  getPackageFiles(const ExportedGraph &graph,
                  const DeviceProfile &profile) const override {
    std::string dims;
    bool known = true;
    for (const GraphInput &input : graph.inputs) {
      known &= llvm::all_of(input.dims, [](int64_t d) { return d >= 0; });
      dims +=
          "    [" + joinDims(input.dims, ", ") + "],  # " + input.name + "\n";
    }
    std::string script =
        "#!/usr/bin/env python3\n"
        "\"\"\"Builds model.mm for " +
        profile.name + " (MagicMind arch " + profile.arch +
        ") from model.onnx with\nCambricon MagicMind's Python API. Written by "
        "Zellige; MagicMind makes the kernels.\"\"\"\n\n"
        "import os\n\n"
        "import magicmind.python.runtime as mm\n"
        "from magicmind.python.runtime.parser import Parser\n\n"
        "HERE = os.path.dirname(os.path.abspath(__file__))\n"
        "ARCH = \"" +
        profile.arch +
        "\"\n"
        "# The dimensions of each graph input, in order" +
        (known ? "" : " (-1: not fixed by the model; set them)") +
        ".\nINPUT_DIMS = [\n" + dims +
        "]\n\n\n"
        "def main():\n"
        "    network = mm.Network()\n"
        "    parser = Parser(mm.ModelKind.kOnnx)\n"
        "    assert parser.parse(network, os.path.join(HERE, "
        "\"model.onnx\")).ok(), \\\n"
        "        \"MagicMind cannot parse model.onnx\"\n"
        "    for i, dims in enumerate(INPUT_DIMS):\n"
        "        assert network.get_input(i).set_dimension("
        "mm.Dims(dims)).ok()\n"
        "    config = mm.BuilderConfig()\n"
        "    assert config.parse_from_string('{\"archs\": [\"%s\"]}' % "
        "ARCH).ok()\n"
        "    assert config.parse_from_string("
        "'{\"graph_shape_mutable\": false}').ok()\n"
        "    assert config.parse_from_string(\n"
        "        '{\"precision_config\": {\"precision_mode\": "
        "\"force_float32\"}}').ok()\n"
        "    model = mm.Builder().build_model(\"model\", network, config)\n"
        "    assert model is not None, \"MagicMind could not build the "
        "model\"\n"
        "    out = os.path.join(HERE, \"model.mm\")\n"
        "    assert model.serialize_to_file(out).ok()\n"
        "    print(\"wrote\", out)\n\n\n"
        "if __name__ == \"__main__\":\n"
        "    main()\n";
    std::string changes;
    for (const std::string &change : graph.changes)
      changes += "- " + change + "\n";
    if (changes.empty())
      changes = "- nothing to remove: the graph is as imported\n";
    std::string readme =
        "# Cambricon package (Zellige)\n\n"
        "Zellige does not generate kernels for Cambricon MLUs: MagicMind, "
        "Cambricon's graph\ncompiler, builds `model.onnx` into a MagicMind "
        "model (`model.mm`) and makes the\nkernels.\n\n"
        "| file | what |\n| --- | --- |\n"
        "| model.onnx | the model after Zellige's graph clean-up (opset " +
        std::to_string(graph.opset) +
        ") |\n"
        "| build_magicmind.py | builds model.mm with MagicMind's Python API "
        "|\n\n"
        "Device profile `" +
        profile.name + "`: MagicMind arch `" + profile.arch +
        "`, float32 precision, fixed input\nshapes.\n\n```sh\n" +
        getBuildCommand(graph, profile) +
        "\n```\n\n## What Zellige changed\n\n"
        "The model was brought to ONNX opset " +
        std::to_string(graph.opset) +
        ", checked with the ONNX checker and\nshape-inferred (as Zellige's "
        "importer does), then cleaned up (" +
        std::to_string(graph.nodesBefore) + " nodes before, " +
        std::to_string(graph.nodesAfter) + " after):\n\n" + changes;
    return {{"build_magicmind.py", script, true}, {"README.md", readme, false}};
  }
};
} // namespace

namespace zellige {
void registerCambriconTarget() {
  registerTargetBackend(std::make_unique<CambriconTarget>());
}
} // namespace zellige
