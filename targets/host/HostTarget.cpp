//===- HostTarget.cpp - The host CPU target ---------------------*- C++ -*-===//
//
// This file implements the host CPU TargetBackend: its default schedules,
// its pass pipeline (zellige-host-codegen: tile, vectorize, bufferize,
// distribute over workgroups, lower to the LLVM dialect, emit entry points)
// and its serializer, which translates the LLVM dialect to LLVM IR, optimizes
// it at O3 for the host CPU and emits a relocatable ELF object in-process.
//
//===----------------------------------------------------------------------===//

#include "targets/host/Passes.h"
#include "targets/host/Schedule.h"

#include "dialects/kernel/KernelDialect.h"
#include "zellige/Target/Target.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/IR/TensorTilingInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/SubsetInsertionOpInterfaceImpl.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/ValueBoundsOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/Transforms/SubsetOpInterfaceImpl.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>

#define DEBUG_TYPE "zellige-host-target"

using namespace mlir;
using namespace zellige;

namespace zellige {
namespace host {
#define GEN_PASS_REGISTRATION
#include "targets/host/Passes.h.inc"
} // namespace host
} // namespace zellige

//===----------------------------------------------------------------------===//
// Pipeline
//===----------------------------------------------------------------------===//

void host::buildHostCodegenPipeline(OpPassManager &pm) {
  // Tensor level: tile, fuse, vectorize.
  pm.addNestedPass<func::FuncOp>(host::createHostTileAndVectorize());
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createCSEPass());

  // Bufferize; the arguments are memrefs already.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = false;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());

  // Buffers: workgroups, temporaries, leftovers, vectors.
  pm.addNestedPass<func::FuncOp>(host::createHostDistributeWorkgroups());
  pm.addNestedPass<func::FuncOp>(host::createHostFinalizeBuffers());
  pm.addNestedPass<func::FuncOp>(host::createHostLowerVectors());
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createCSEPass());

  // LLVM dialect.
  pm.addPass(memref::createFoldMemRefAliasOpsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  ConvertVectorToLLVMPassOptions vectorOptions;
  vectorOptions.reassociateFPReductions = true;
  vectorOptions.vectorContractLowering =
      vector::VectorContractLowering::OuterProduct;
  pm.addPass(createConvertVectorToLLVMPass(vectorOptions));
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(host::createHostEmitEntryPoints());
}

void host::registerHostDialects(DialectRegistry &registry) {
  registry.insert<affine::AffineDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, index::IndexDialect, kernel::KernelDialect,
                  linalg::LinalgDialect, LLVM::LLVMDialect, math::MathDialect,
                  memref::MemRefDialect, scf::SCFDialect, tensor::TensorDialect,
                  ub::UBDialect, vector::VectorDialect>();
  affine::registerValueBoundsOpInterfaceExternalModels(registry);
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  arith::registerValueBoundsOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerSubsetOpInterfaceExternalModels(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  linalg::registerValueBoundsOpInterfaceExternalModels(registry);
  memref::registerValueBoundsOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerValueBoundsOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerSubsetOpInterfaceExternalModels(registry);
  tensor::registerTilingInterfaceExternalModels(registry);
  tensor::registerValueBoundsOpInterfaceExternalModels(registry);
  vector::registerBufferizableOpInterfaceExternalModels(registry);
  vector::registerSubsetOpInterfaceExternalModels(registry);
  vector::registerValueBoundsOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

void host::registerHostPassesAndPipelines() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerHostPasses();
    PassPipelineRegistration<>(
        "zellige-host-codegen",
        "Lower an executable module to the LLVM dialect for the host CPU "
        "(the pipeline of --target host)",
        [](OpPassManager &pm) { buildHostCodegenPipeline(pm); });
  });
}

//===----------------------------------------------------------------------===//
// Serialization
//===----------------------------------------------------------------------===//

namespace {
struct HostMachine {
  std::string triple;
  std::string cpu;
  std::string features;
};
} // namespace

static const HostMachine &getHostMachine() {
  static HostMachine machine = [] {
    HostMachine m;
    m.triple = llvm::sys::getProcessTriple();
    m.cpu = llvm::sys::getHostCPUName().str();
    llvm::SmallVector<std::string> features;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      features.push_back((feature.second ? "+" : "-") + feature.first().str());
    llvm::sort(features);
    m.features = llvm::join(features, ",");
    return m;
  }();
  return machine;
}

/// Optimizes `module` at O3 and emits a relocatable object for the host.
static FailureOr<std::vector<uint8_t>> emitObject(llvm::Module &module,
                                                  Location loc) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  const HostMachine &host = getHostMachine();
  llvm::Triple triple(host.triple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return emitError(loc) << "host target: no LLVM target for '" << host.triple
                          << "': " << error;
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, host.cpu, host.features, targetOptions, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    return emitError(loc) << "host target: cannot create a target machine for "
                          << host.triple << " (" << host.cpu << ")";
  module.setDataLayout(machine->createDataLayout());
  module.setTargetTriple(triple);
  for (llvm::Function &f : module)
    if (!f.isDeclaration()) {
      f.addFnAttr("target-cpu", host.cpu);
      f.addFnAttr("target-features", host.features);
    }

  {
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder builder(machine.get());
    builder.registerModuleAnalyses(mam);
    builder.registerCGSCCAnalyses(cgam);
    builder.registerFunctionAnalyses(fam);
    builder.registerLoopAnalyses(lam);
    builder.crossRegisterProxies(lam, fam, cgam, mam);
    llvm::ModulePassManager mpm =
        builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
    mpm.run(module, mam);
  }

  llvm::SmallVector<char, 0> buffer;
  {
    llvm::raw_svector_ostream os(buffer);
    llvm::legacy::PassManager codegen;
    if (machine->addPassesToEmitFile(codegen, os, nullptr,
                                     llvm::CodeGenFileType::ObjectFile))
      return emitError(loc)
             << "host target: LLVM cannot emit an object for " << host.triple;
    codegen.run(module);
  }
  return std::vector<uint8_t>(buffer.begin(), buffer.end());
}

static void writeFile(StringRef dir, StringRef name, StringRef contents) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (!ec)
    os << contents;
}

//===----------------------------------------------------------------------===//
// HostTarget
//===----------------------------------------------------------------------===//

namespace {
class HostTarget : public TargetBackend {
public:
  StringRef getName() const override { return "host"; }
  StringRef getDescription() const override {
    return "the host CPU: tiled, vectorized native code made in-process by "
           "LLVM, one workgroup per thread-pool task";
  }

  kernel::ConfigAttr getDefaultConfig(Operation *root,
                                      const TargetOptions &) const override {
    MLIRContext *ctx = root->getContext();
    FailureOr<host::Schedule> schedule = host::computeSchedule(root, nullptr);
    if (failed(schedule))
      return kernel::ConfigAttr::get(ctx, "generic", {});
    SmallVector<kernel::KnobAttr> knobs;
    for (const host::Knob &knob : schedule->knobs)
      knobs.push_back(kernel::KnobAttr::get(ctx, knob.name, knob.value,
                                            knob.legal, "heuristic"));
    return kernel::ConfigAttr::get(ctx, schedule->kind, knobs);
  }

  void buildPipeline(OpPassManager &pm,
                     const TargetOptions &options) const override {
    host::buildHostCodegenPipeline(pm);
  }

  FailureOr<TargetExecutable>
  serialize(ModuleOp module, const TargetOptions &options) const override {
    MLIRContext *ctx = module.getContext();
    registerBuiltinDialectTranslation(*ctx);
    registerLLVMDialectTranslation(*ctx);

    TargetExecutable executable;
    executable.format = "elf-relocatable";
    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      auto entry = func->getAttrOfType<StringAttr>(host::kEntryAttr);
      auto count = func->getAttrOfType<IntegerAttr>(host::kWorkgroupCountAttr);
      if (!entry || !count)
        continue;
      executable.symbols[func.getName().str()] = entry.str();
      executable.workgroupCounts[func.getName().str()] = {count.getInt(), 1, 1};
    }
    // A model without dispatches (only reshapes and copies) needs no code.
    bool hasFunctions = !module.getOps<LLVM::LLVMFuncOp>().empty() ||
                        !module.getOps<func::FuncOp>().empty();
    if (executable.symbols.empty() && hasFunctions)
      return module.emitError(
          "host target: the module has no dispatch entry points; was it "
          "lowered with the zellige-host-codegen pipeline?");
    if (executable.symbols.empty())
      return executable;

    llvm::LLVMContext llvmContext;
    std::unique_ptr<llvm::Module> llvmModule =
        translateModuleToLLVMIR(module, llvmContext, "zellige_host");
    if (!llvmModule)
      return module.emitError("host target: cannot translate to LLVM IR");
    FailureOr<std::vector<uint8_t>> object =
        emitObject(*llvmModule, module.getLoc());
    if (failed(object))
      return failure();
    executable.bytes = std::move(*object);

    const HostMachine &host = getHostMachine();
    executable.properties["triple"] = host.triple;
    executable.properties["cpu"] = host.cpu;
    executable.properties["features"] = host.features;

    if (!options.dumpKernelsDir.empty()) {
      std::string ir;
      llvm::raw_string_ostream os(ir);
      llvmModule->print(os, nullptr);
      writeFile(options.dumpKernelsDir, "host.ll", ir);
      writeFile(
          options.dumpKernelsDir, "host.o",
          StringRef(reinterpret_cast<const char *>(executable.bytes.data()),
                    executable.bytes.size()));
    }
    return executable;
  }
};
} // namespace

namespace zellige {
void registerHostTarget() {
  registerTargetBackend(std::make_unique<HostTarget>());
  host::registerHostPassesAndPipelines();
}
} // namespace zellige
