//===- Compiler.cpp - The zellige compile driver ----------------*- C++ -*-===//
//
// This file implements compileModel(): import, the graph pipeline down to
// linalg, dispatch formation and configuration, then for each target the
// outlined executable module through the target's pipeline and serializer,
// and finally the bundle.
//
//===----------------------------------------------------------------------===//

#include "zellige/Compiler/Compiler.h"
#include "zellige/Analysis/CostModel.h"
#include "zellige/Autotune/SearchSpace.h"
#include "zellige/Autotune/Signature.h"
#include "zellige/Autotune/TuningDB.h"
#include "zellige/Codegen/GPU/DeviceProfile.h"
#include "zellige/Compiler/Registration.h"
#include "zellige/Conversion/Passes.h"
#include "zellige/Import/ONNXImporter.h"
#include "zellige/Runtime/Bundle.h"
#include "zellige/Target/Target.h"
#include "zellige/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace zellige;

namespace {
/// Runs `pm` on `module`; the passes report their own errors.
LogicalResult runPipeline(PassManager &pm, ModuleOp module) {
  return pm.run(module);
}

/// Gives each dispatch of `module` the fastest schedule that `db` measured
/// for its signature on `device`, with source "tuned". A row applies only
/// when it names exactly the dispatch's knobs with legal values; knobs the
/// user set keep their values.
LogicalResult applyTunedConfigs(ModuleOp module, autotune::TuningDB &db,
                                StringRef device) {
  WalkResult result = module.walk([&](kernel::DispatchOp dispatch) {
    kernel::ConfigAttr config = dispatch.getConfig();
    if (config.getKnobs().empty())
      return WalkResult::advance();
    llvm::Expected<std::optional<autotune::Measurement>> best =
        db.best(device, autotune::kernelSignature(dispatch));
    if (!best) {
      dispatch.emitError() << llvm::toString(best.takeError());
      return WalkResult::interrupt();
    }
    if (!*best)
      return WalkResult::advance();
    auto pairs = autotune::parseKnobString((*best)->knobs);
    if (!pairs || pairs->size() != config.getKnobs().size())
      return WalkResult::advance();
    for (auto &[name, value] : *pairs) {
      kernel::KnobAttr knob = config.getKnob(name);
      if (!knob || (!knob.getLegal().empty() &&
                    !llvm::is_contained(knob.getLegal(), value)))
        return WalkResult::advance();
    }
    for (auto &[name, value] : *pairs)
      if (config.getKnob(name).getSource() == "heuristic")
        config = config.withValue(name, value, "tuned");
    dispatch.setConfigAttr(config);
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

/// Gives each dispatch of `module` the schedule that the cost model
/// estimates fastest on `profile`, varying only the knobs the heuristic set
/// (source "estimated"): every legal point of a space of up to kMaxPoints,
/// else a coordinate descent from the heuristic point (each knob in turn set
/// to its best value, until a round changes nothing). Dispatches the model
/// cannot estimate keep the heuristic, and the estimate must beat the
/// heuristic's by kMinGain to replace it.
LogicalResult applyEstimatedConfigs(ModuleOp module,
                                    const DeviceProfile &profile) {
  constexpr uint64_t kMaxPoints = 4096;
  constexpr double kMinGain = 0.05;
  module.walk([&](kernel::DispatchOp dispatch) {
    kernel::ConfigAttr config = dispatch.getConfig();
    if (config.getKnobs().empty())
      return;
    DispatchCost cost = estimateDispatch(countDispatchWork(dispatch), profile);
    DispatchShape shape = getDispatchShape(dispatch);
    if (cost.bound == Bound::Unknown || !shape.valid)
      return;
    std::vector<autotune::Knob> knobs;
    bool gpu = false;
    for (kernel::KnobAttr k : config.getKnobs()) {
      autotune::Knob knob{k.getName().str(), {}, k.getValue()};
      if (k.getSource() == "heuristic")
        knob.values.assign(k.getLegal().begin(), k.getLegal().end());
      if (knob.values.empty())
        knob.values = {k.getValue()};
      gpu |= StringRef(knob.name).starts_with("thread.");
      knobs.push_back(std::move(knob));
    }
    autotune::SearchSpace space(
        knobs, gpu ? autotune::gpuWorkgroupConstraint(profile.maxWorkgroupSize)
                   : autotune::Constraint());
    auto estimate = [&](const autotune::Point &p) {
      std::map<std::string, int64_t> values;
      for (auto [knob, value] : llvm::zip(space.knobs(), p))
        values[knob.name] = value;
      return estimateSchedule(cost, shape, values, profile).seconds;
    };
    autotune::Point initial = space.initial();
    double initialSeconds = estimate(initial);
    std::optional<autotune::Point> best;
    double bestSeconds = 0;
    auto consider = [&](const autotune::Point &p) {
      double s = estimate(p);
      if (s > 0 && (!best || s < bestSeconds)) {
        best = p;
        bestSeconds = s;
        return true;
      }
      return false;
    };
    if (space.countLegal(kMaxPoints + 1) <= kMaxPoints) {
      space.enumerate([&](const autotune::Point &p) {
        consider(p);
        return true;
      });
    } else {
      consider(initial);
      for (unsigned round = 0, changed = 1; changed && round < 8; ++round) {
        changed = 0;
        for (size_t k = 0; k < space.knobs().size(); ++k)
          for (int64_t v : space.knobs()[k].values) {
            autotune::Point p = best ? *best : initial;
            p[k] = v;
            if (space.isLegal(p) && consider(p))
              changed = 1;
          }
      }
    }
    if (!best || initialSeconds <= 0 ||
        bestSeconds > initialSeconds * (1 - kMinGain))
      return;
    for (auto [knob, value] : llvm::zip(space.knobs(), *best))
      if (config.getKnob(knob.name).getValue() != value)
        config = config.withValue(knob.name, value, "estimated");
    dispatch.setConfigAttr(config);
  });
  return success();
}

void configurePassManager(PassManager &pm, const CompileOptions &options) {
  if (options.printIRAfterAll) {
    pm.getContext()->disableMultithreading();
    pm.enableIRPrinting(
        /*shouldPrintBeforePass=*/[](Pass *, Operation *) { return false; },
        /*shouldPrintAfterPass=*/[](Pass *, Operation *) { return true; },
        /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/true);
  }
}
} // namespace

LogicalResult zellige::compileModel(MLIRContext &context,
                                    const CompileOptions &options,
                                    llvm::raw_ostream &os) {
  registerAllTargets();
  // Target pipelines create ops of dialects their passes do not all declare
  // (conversion patterns, vector lowerings); load every registered dialect up
  // front so no op is ever created in an unloaded dialect. ISA-specific
  // dialects stay unloaded: their presence switches upstream lowerings (e.g.
  // math.rsqrt) to intrinsics that the host translation does not take.
  for (StringRef name : context.getDialectRegistry().getDialectNames())
    if (name != "x86vector" && name != "amx" && !name.starts_with("arm_"))
      context.getOrLoadDialect(name);
  std::vector<const TargetBackend *> backends;
  for (const std::string &name : options.targets) {
    const TargetBackend *backend = lookupTargetBackend(name);
    if (!backend) {
      std::string known;
      for (const TargetBackend *b : getTargetBackends())
        known += (known.empty() ? "" : ", ") + b->getName().str();
      return emitError(UnknownLoc::get(&context))
             << "unknown target '" << name << "' (known: " << known << ")";
    }
    backends.push_back(backend);
  }

  ImportOptions importOptions;
  importOptions.inputShapes = options.inputShapes;
  importOptions.stringBytes = options.stringBytes;
  OwningOpRef<ModuleOp> module =
      importONNXModel(context, options.inputPath, importOptions);
  if (!module)
    return failure();
  if (options.emit == EmitPhase::ONNX) {
    module->print(os);
    os << "\n";
    return success();
  }

  {
    PassManager pm(&context);
    configurePassManager(pm, options);
    buildONNXToLinalgPipeline(pm);
    pm.addPass(createFuseElementwise());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    if (failed(runPipeline(pm, *module)))
      return failure();
  }
  if (options.emit == EmitPhase::Linalg) {
    module->print(os);
    os << "\n";
    return success();
  }
  {
    PassManager pm(&context);
    configurePassManager(pm, options);
    pm.addPass(createFormDispatches());
    if (failed(runPipeline(pm, *module)))
      return failure();
  }

  std::unique_ptr<autotune::TuningDB> tuningDB;
  if (!options.tuningDB.empty()) {
    if (!llvm::sys::fs::exists(options.tuningDB))
      return emitError(UnknownLoc::get(&context))
             << options.tuningDB << ": no such tuning database";
    llvm::Expected<std::unique_ptr<autotune::TuningDB>> db =
        autotune::TuningDB::open(options.tuningDB);
    if (!db)
      return emitError(UnknownLoc::get(&context))
             << llvm::toString(db.takeError());
    tuningDB = std::move(*db);
  }

  std::vector<uint8_t> weights;
  std::map<std::string, std::vector<uint8_t>> executables;
  FailureOr<BundleManifest> manifest;
  for (const TargetBackend *backend : backends) {
    // Each target has its own knobs, so configure a copy per target.
    // Each target has its own knobs: the last target configures the module
    // itself, the others a copy.
    OwningOpRef<ModuleOp> copy;
    if (backend != backends.back())
      copy = module->clone();
    ModuleOp configured = copy ? *copy : *module;
    PassManager pm(&context);
    configurePassManager(pm, options);
    ConfigureDispatchesOptions configureOptions;
    configureOptions.target = backend->getName().str();
    configureOptions.tileSizes = options.tileSizes;
    configureOptions.kernelConfig = options.kernelConfig;
    configureOptions.arch = options.targetOptions.arch;
    configureOptions.profile = options.targetOptions.profile;
    pm.addPass(createConfigureDispatches(configureOptions));
    if (failed(runPipeline(pm, configured)))
      return failure();
    if (options.costModelDefaults) {
      std::string name = backend->getCostModelProfile(options.targetOptions);
      if (name.empty())
        return emitError(UnknownLoc::get(&context))
               << "--knob-defaults cost-model: target '" << backend->getName()
               << "' has no device profile; give one with --profile";
      llvm::Expected<DeviceProfile> profile = loadDeviceProfile(name);
      if (!profile)
        return emitError(UnknownLoc::get(&context))
               << llvm::toString(profile.takeError());
      if (failed(applyEstimatedConfigs(configured, *profile)))
        return failure();
    }
    auto device = options.tuningDevices.find(configureOptions.target);
    if (tuningDB && device != options.tuningDevices.end() &&
        failed(applyTunedConfigs(configured, *tuningDB, device->second)))
      return failure();
    if (options.emit == EmitPhase::Kernel) {
      configured.print(os);
      os << "\n";
      continue;
    }
    OwningOpRef<ModuleOp> executable = outlineDispatches(configured);
    if (!executable)
      return failure();
    if (failed(manifest) || manifest->dispatches.empty()) {
      weights.clear();
      manifest = buildSchedule(configured, weights);
      if (failed(manifest))
        return failure();
    }
    PassManager targetPM(&context);
    configurePassManager(targetPM, options);
    backend->buildPipeline(targetPM, options.targetOptions);
    if (failed(runPipeline(targetPM, *executable)))
      return failure();
    if (options.emit == EmitPhase::LLVM) {
      executable->print(os);
      os << "\n";
      continue;
    }
    FailureOr<TargetExecutable> serialized =
        backend->serialize(*executable, options.targetOptions);
    if (failed(serialized))
      return failure();

    ExecutableDesc desc;
    desc.target = backend->getName().str();
    desc.format = serialized->format;
    desc.section = "exe." + desc.target;
    desc.properties = serialized->properties;
    for (DispatchDesc &dispatch : manifest->dispatches) {
      auto count = serialized->workgroupCounts.find(dispatch.name);
      if (count == serialized->workgroupCounts.end())
        return emitError(UnknownLoc::get(&context))
               << "target '" << desc.target << "' did not compile dispatch '"
               << dispatch.name << "'";
      desc.workgroupCounts.push_back(count->second);
      if (!serialized->workgroupSizes.empty()) {
        auto size = serialized->workgroupSizes.find(dispatch.name);
        if (size == serialized->workgroupSizes.end())
          return emitError(UnknownLoc::get(&context))
                 << "target '" << desc.target
                 << "' gave no workgroup size for dispatch '" << dispatch.name
                 << "'";
        desc.workgroupSizes.push_back(size->second);
      }
      auto symbol = serialized->symbols.find(dispatch.name);
      if (symbol != serialized->symbols.end())
        dispatch.symbol = symbol->second;
    }
    manifest->executables.push_back(std::move(desc));
    executables["exe." + backend->getName().str()] =
        std::move(serialized->bytes);
  }
  if (options.emit != EmitPhase::None || options.compileOnly)
    return success();

  manifest->producer = "zellige " ZELLIGE_VERSION;
  manifest->modelName = llvm::sys::path::filename(options.inputPath).str();
  if (llvm::Error error =
          writeBundle(options.outputPath, *manifest, weights, executables)) {
    std::string message = llvm::toString(std::move(error));
    return emitError(UnknownLoc::get(&context)) << message;
  }
  return success();
}
