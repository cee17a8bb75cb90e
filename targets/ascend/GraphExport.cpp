//===- GraphExport.cpp - ONNX packages for graph compilers ------*- C++ -*-===//
//
// This file implements the graph export shared by the graph-compiler targets
// (GraphExport.h): the importer's front half (parse, external data, opset
// normalization, checker, shape inference) on the protobuf, a few graph
// clean-ups, and the package writer.
//
//===----------------------------------------------------------------------===//

#include "targets/ascend/GraphExport.h"

#include "lib/Import/ModelLoader.h"
#include "lib/Import/ONNXLibrary.h"
#include "lib/Import/OpsetUpgrade.h"
#include "zellige/Import/ONNXImporter.h"

#include "dialects/kernel/KernelDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace mlir;
using namespace zellige;
using namespace zellige::graph_export;
using namespace zellige::import_detail;

namespace {
llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The node's name for messages.
std::string nodeName(const onnx::GraphProto &graph, int64_t index) {
  const onnx::NodeProto &node = graph.node(index);
  return node.name().empty() ? node.op_type() + "_" + std::to_string(index)
                             : node.name();
}

/// Brings `model` to the canonical opset as the importer does: libonnx's
/// version converter for older opsets (the importer's own rules where it
/// fails), the importer's rules for newer ones; then checks it and infers
/// shapes.
llvm::Error normalize(onnx::ModelProto &model, llvm::StringRef path) {
  std::string reason;
  int64_t opset = getDefaultDomainOpset(model);
  if (opset < 1)
    return makeError(path + ": the model imports no opset of the default "
                            "(ai.onnx) domain");
  if (opset > kMaxImportableONNXOpset)
    return makeError(path + ": opset " + llvm::Twine(opset) +
                     " is newer than the newest Zellige knows (" +
                     llvm::Twine(kMaxImportableONNXOpset) + ")");
  llvm::StringRef baseDir = llvm::sys::path::parent_path(path);
  if (!inlineExternalData(model, baseDir.empty() ? "." : baseDir, reason))
    return makeError(path + ": " + reason);
  auto nodeError = [&](const OpsetError &error) {
    if (error.nodeIndex < 0 || error.nodeIndex >= model.graph().node_size())
      return makeError(path + ": " + error.message);
    return makeError(path + ": node '" +
                     nodeName(model.graph(), error.nodeIndex) +
                     "': " + error.message);
  };
  {
    OpsetError error;
    if (!validateGraphData(model, error.message, error.nodeIndex))
      return nodeError(error);
  }
  PendingRewrites pending;
  if (opset > kCanonicalONNXOpset) {
    OpsetError error;
    if (!normalizeToCanonicalOpset(model, opset, kCanonicalONNXOpset, error,
                                   &pending))
      return nodeError(error);
  } else if (opset < kCanonicalONNXOpset) {
    setDefaultDomainOpset(model, opset);
    if (!runChecker(model, reason))
      return makeError(path + ": ONNX checker: " + reason);
    onnx::ModelProto converted = model;
    runShapeInference(converted, reason, /*strict=*/false);
    bool hasResize =
        opset < 11 &&
        llvm::any_of(model.graph().node(), [](const onnx::NodeProto &node) {
          return node.op_type() == "Upsample" || node.op_type() == "Resize";
        });
    if (!hasResize &&
        runVersionConverter(converted, kCanonicalONNXOpset, reason)) {
      *converted.mutable_graph()->mutable_value_info() =
          model.graph().value_info();
      model = std::move(converted);
    } else {
      OpsetError error;
      if (!normalizeToCanonicalOpset(model, opset, kCanonicalONNXOpset, error))
        return nodeError(error);
    }
  }
  setDefaultDomainOpset(model, kCanonicalONNXOpset);
  if (!runChecker(model, reason))
    return makeError(path + ": ONNX checker: " + reason);
  if (!pending.empty()) {
    onnx::ModelProto inferred = model;
    runShapeInference(inferred, reason, /*strict=*/false);
    OpsetError error;
    if (!resolvePendingRewrites(model, inferred, pending, error))
      return nodeError(error);
  }
  if (!runShapeInference(model, reason))
    return makeError(path + ": ONNX shape inference: " + reason);
  return llvm::Error::success();
}

/// Removes the nodes that only forward their input (Identity, and Dropout
/// in inference: no training_mode input, no used mask) by renaming their
/// consumers' inputs. A node whose output is a graph output stays, so that
/// the graph keeps its interface. Returns the number removed per op type.
std::map<std::string, int> removeForwardingNodes(onnx::GraphProto &graph) {
  llvm::StringSet<> graphOutputs;
  for (const onnx::ValueInfoProto &output : graph.output())
    graphOutputs.insert(output.name());
  llvm::StringSet<> consumed;
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &input : node.input())
      consumed.insert(input);
  std::map<std::string, std::string> renamed;
  std::map<std::string, int> removed;
  auto resolve = [&](std::string name) {
    for (auto it = renamed.find(name); it != renamed.end();
         it = renamed.find(name))
      name = it->second;
    return name;
  };
  onnx::GraphProto kept;
  for (const onnx::NodeProto &node : graph.node()) {
    bool forwards = false;
    if (node.domain().empty() || node.domain() == "ai.onnx") {
      if (node.op_type() == "Identity")
        forwards = node.input_size() == 1 && node.output_size() == 1;
      else if (node.op_type() == "Dropout")
        forwards = node.input_size() >= 1 &&
                   (node.input_size() < 3 || node.input(2).empty()) &&
                   (node.output_size() < 2 || node.output(1).empty() ||
                    (!consumed.contains(node.output(1)) &&
                     !graphOutputs.contains(node.output(1))));
    }
    if (forwards && !graphOutputs.contains(node.output(0))) {
      renamed[node.output(0)] = node.input(0);
      ++removed[node.op_type()];
      continue;
    }
    *kept.add_node() = node;
  }
  for (onnx::NodeProto &node : *kept.mutable_node())
    for (std::string &input : *node.mutable_input())
      if (!input.empty())
        input = resolve(input);
  *graph.mutable_node() = kept.node();
  return removed;
}

/// Removes nodes none of whose outputs is used, then initializers and
/// value_info entries nothing refers to. Returns the numbers removed.
std::pair<int, int> removeDeadCode(onnx::GraphProto &graph) {
  llvm::StringSet<> graphOutputs;
  for (const onnx::ValueInfoProto &output : graph.output())
    graphOutputs.insert(output.name());
  int deadNodes = 0;
  for (bool changed = true; changed;) {
    changed = false;
    llvm::StringSet<> used(graphOutputs);
    for (const onnx::NodeProto &node : graph.node())
      for (const std::string &input : node.input())
        used.insert(input);
    auto *nodes = graph.mutable_node();
    for (int i = nodes->size() - 1; i >= 0; --i) {
      const onnx::NodeProto &node = nodes->Get(i);
      if (llvm::any_of(node.output(), [&](const std::string &output) {
            return !output.empty() && used.contains(output);
          }))
        continue;
      nodes->DeleteSubrange(i, 1);
      ++deadNodes;
      changed = true;
    }
  }
  llvm::StringSet<> used(graphOutputs), produced;
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &input : node.input())
      used.insert(input);
    for (const std::string &output : node.output())
      produced.insert(output);
  }
  int deadInitializers = 0;
  auto *initializers = graph.mutable_initializer();
  for (int i = initializers->size() - 1; i >= 0; --i)
    if (!used.contains(initializers->Get(i).name())) {
      initializers->DeleteSubrange(i, 1);
      ++deadInitializers;
    }
  auto *valueInfo = graph.mutable_value_info();
  for (int i = valueInfo->size() - 1; i >= 0; --i)
    if (!produced.contains(valueInfo->Get(i).name()))
      valueInfo->DeleteSubrange(i, 1);
  return {deadNodes, deadInitializers};
}
} // namespace

llvm::Expected<ExportedGraph> graph_export::exportGraph(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path + ": " + buffer.getError().message());
  onnx::ModelProto model;
  std::string reason;
  if (!parseModelProto((*buffer)->getBuffer(), model, reason))
    return makeError("failed to parse ONNX model '" + path + "': " + reason);
  ExportedGraph graph;
  graph.nodesBefore = model.graph().node_size();
  if (llvm::Error error = normalize(model, path))
    return std::move(error);

  onnx::GraphProto &g = *model.mutable_graph();
  for (const auto &[opType, count] : removeForwardingNodes(g))
    graph.changes.push_back("removed " + std::to_string(count) + " " + opType +
                            " node" + (count == 1 ? "" : "s"));
  auto [deadNodes, deadInitializers] = removeDeadCode(g);
  if (deadNodes)
    graph.changes.push_back("removed " + std::to_string(deadNodes) +
                            " unused node" + (deadNodes == 1 ? "" : "s"));
  if (deadInitializers)
    graph.changes.push_back("removed " + std::to_string(deadInitializers) +
                            " unused initializer" +
                            (deadInitializers == 1 ? "" : "s"));
  // The clean-ups keep a valid model; check it again before handing it on.
  if (!runChecker(model, reason))
    return makeError(path + ": ONNX checker after clean-up: " + reason);
  graph.nodesAfter = g.node_size();
  graph.opset = getDefaultDomainOpset(model);
  model.set_producer_name("zellige");

  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &t : g.initializer())
    initializers.insert(t.name());
  for (const onnx::ValueInfoProto &input : g.input()) {
    if (initializers.contains(input.name()))
      continue;
    GraphInput in;
    in.name = input.name();
    if (input.type().has_tensor_type() &&
        input.type().tensor_type().has_shape())
      for (const onnx::TensorShapeProto::Dimension &d :
           input.type().tensor_type().shape().dim())
        in.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
    graph.inputs.push_back(std::move(in));
  }
  if (!model.SerializeToString(&graph.bytes))
    return makeError(path + ": cannot serialize the exported model");
  return graph;
}

std::optional<std::string> graph_export::findSourceModel(ModuleOp module) {
  std::optional<std::string> found;
  auto visit = [&](Location loc) {
    loc->walk([&](Location inner) {
      if (auto file = dyn_cast<FileLineColLoc>(inner)) {
        found = file.getFilename().str();
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
  };
  visit(module.getLoc());
  if (!found)
    module.walk([&](Operation *op) {
      visit(op->getLoc());
      return found ? WalkResult::interrupt() : WalkResult::advance();
    });
  return found;
}

std::string graph_export::joinDims(const std::vector<int64_t> &dims,
                                   llvm::StringRef separator) {
  std::string text;
  for (size_t i = 0; i < dims.size(); ++i)
    text += (i ? separator.str() : "") + std::to_string(dims[i]);
  return text;
}

//===----------------------------------------------------------------------===//
// GraphCompilerTarget
//===----------------------------------------------------------------------===//

kernel::ConfigAttr
GraphCompilerTarget::getDefaultConfig(Operation *root,
                                      const TargetOptions &) const {
  // The vendor compiler schedules the graph: no knobs.
  return kernel::ConfigAttr::get(root->getContext(), "generic", {});
}

void GraphCompilerTarget::buildPipeline(OpPassManager &,
                                        const TargetOptions &) const {}

std::string
GraphCompilerTarget::getProfileName(const TargetOptions &options) const {
  return options.profile.empty() ? getDefaultProfile() : options.profile;
}

/// The profile `options` selects, with --arch overriding its architecture.
static llvm::Expected<DeviceProfile>
loadProfile(const GraphCompilerTarget &target, const TargetOptions &options) {
  llvm::Expected<DeviceProfile> profile =
      loadDeviceProfile(target.getProfileName(options));
  if (!profile)
    return profile.takeError();
  if (profile->target != target.getName())
    return makeError("device profile '" + profile->name + "' is for target '" +
                     profile->target + "', not '" + target.getName() + "'");
  if (!options.arch.empty())
    profile->arch = options.arch;
  return profile;
}

llvm::Error
GraphCompilerTarget::writePackage(llvm::StringRef modelPath,
                                  llvm::StringRef dir,
                                  const TargetOptions &options) const {
  llvm::Expected<DeviceProfile> profile = loadProfile(*this, options);
  if (!profile)
    return profile.takeError();
  llvm::Expected<ExportedGraph> graph = exportGraph(modelPath);
  if (!graph)
    return graph.takeError();
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return makeError("cannot create '" + dir + "': " + ec.message());
  std::vector<PackageFile> files = getPackageFiles(*graph, *profile);
  files.insert(files.begin(), {"model.onnx", graph->bytes, false});
  for (const PackageFile &file : files) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, file.name);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      return makeError("cannot write '" + path + "': " + ec.message());
    os << file.contents;
    os.close();
    if (file.executable)
      llvm::sys::fs::setPermissions(path, llvm::sys::fs::all_read |
                                              llvm::sys::fs::all_exe |
                                              llvm::sys::fs::owner_write);
  }
  return llvm::Error::success();
}

FailureOr<TargetExecutable>
GraphCompilerTarget::serialize(ModuleOp module,
                               const TargetOptions &options) const {
  std::optional<std::string> source = findSourceModel(module);
  if (!source)
    return module.emitError()
           << getName()
           << " target: cannot tell which ONNX file this module came from";
  llvm::Expected<DeviceProfile> profile = loadProfile(*this, options);
  if (!profile)
    return module.emitError()
           << getName() << " target: " << llvm::toString(profile.takeError());
  llvm::Expected<ExportedGraph> graph = exportGraph(*source);
  if (!graph)
    return module.emitError()
           << getName() << " target: " << llvm::toString(graph.takeError());
  if (!options.dumpKernelsDir.empty())
    if (llvm::Error error =
            writePackage(*source, options.dumpKernelsDir, options))
      return module.emitError()
             << getName() << " target: " << llvm::toString(std::move(error));

  TargetExecutable executable;
  executable.format = "onnx";
  executable.bytes.assign(graph->bytes.begin(), graph->bytes.end());
  // The vendor compiler schedules the whole graph; each dispatch Zellige
  // formed is recorded as one launch so that the manifest stays complete.
  for (auto func : module.getOps<func::FuncOp>())
    executable.workgroupCounts[func.getName().str()] = {1, 1, 1};
  executable.properties["profile"] = profile->name;
  executable.properties["arch"] = profile->arch;
  executable.properties["build"] = getBuildCommand(*graph, *profile);
  return executable;
}
