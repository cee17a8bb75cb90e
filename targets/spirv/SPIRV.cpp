//===- SPIRV.cpp - Serialize GPU kernels to SPIR-V --------------*- C++ -*-===//
//
// This file implements zellige::spv::translateToSPIRV. It checks that a
// gpu.module is in the GPU kernel form (docs/gpu-kernel-form.md), then lowers
// a clone of it:
//
//   1. the clone gets a `spirv.target_env` for OpenCL: Kernel, Addresses and
//      Int64, plus Int8, Int16, Float16, Float64 and Vector16 where the
//      kernels use those types;
//   2. workgroup attributions become memref.alloc in workgroup memory (which
//      the SPIR-V conversion turns into Workgroup variables), allocas move to
//      private memory, vector loads and stores are marked as aligned to their
//      elements, `known_block_size` becomes the entry point ABI, and
//      math.exp2 and math.trunc are expanded (OpenCL.std has no instruction
//      MLIR maps them to); memref memory spaces become OpenCL storage
//      classes;
//   3. gpu, scf, arith, math, memref and vector to the SPIR-V dialect, with
//      64-bit indices and math as OpenCL.std extended instructions;
//   4. the ABI attributes become entry points and execution modes, and the
//      module's version/capability/extension triple is the smallest the
//      kernels need;
//   5. mlir::spirv::serialize writes the binary.
//
//===----------------------------------------------------------------------===//

#include "targets/spirv/SPIRV.h"

#include "zellige/Codegen/GPU/KernelForm.h"

#include "mlir/Conversion/ArithToSPIRV/ArithToSPIRV.h"
#include "mlir/Conversion/GPUToSPIRV/GPUToSPIRV.h"
#include "mlir/Conversion/MathToSPIRV/MathToSPIRV.h"
#include "mlir/Conversion/MemRefToSPIRV/MemRefToSPIRV.h"
#include "mlir/Conversion/SCFToSPIRV/SCFToSPIRV.h"
#include "mlir/Conversion/UBToSPIRV/UBToSPIRV.h"
#include "mlir/Conversion/VectorToSPIRV/VectorToSPIRV.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/Dialect/SPIRV/Transforms/SPIRVConversion.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/SetVector.h"

#include <memory>

#define DEBUG_TYPE "zellige-spirv"

using namespace mlir;
using namespace zellige;

//===----------------------------------------------------------------------===//
// The kernel form
//===----------------------------------------------------------------------===//

/// Math ops of the kernel form and the few more the SPIR-V lowering handles,
/// on every float type (OpenCL.std has them all).
static bool isSupportedMathOp(Operation *op) {
  return isa<math::AbsFOp, math::AbsIOp, math::AcosOp, math::AcoshOp,
             math::AsinOp, math::AsinhOp, math::Atan2Op, math::AtanOp,
             math::AtanhOp, math::CeilOp, math::CopySignOp, math::CosOp,
             math::CoshOp, math::ErfOp, math::Exp2Op, math::ExpM1Op,
             math::ExpOp, math::FloorOp, math::FmaOp, math::IsInfOp,
             math::IsNaNOp, math::Log10Op, math::Log1pOp, math::Log2Op,
             math::LogOp, math::PowFOp, math::RoundEvenOp, math::RoundOp,
             math::RsqrtOp, math::SinOp, math::SinhOp, math::SqrtOp,
             math::TanOp, math::TanhOp, math::TruncOp>(op);
}

/// The SPIR-V target's own checks of a kernel-form body op: allocas are
/// only loaded from and stored to, and math ops are among those it lowers.
static LogicalResult checkSPIRVBodyOp(Operation *op) {
  if (auto alloca = dyn_cast<memref::AllocaOp>(op)) {
    // Private memory is a storage class of its own in SPIR-V: the alloca
    // may only be loaded from and stored to.
    for (Operation *user : alloca->getUsers())
      if (!isa<memref::LoadOp, memref::StoreOp, vector::LoadOp,
               vector::StoreOp>(user))
        return user->emitOpError(
            "uses a memref.alloca in a way the SPIR-V target does not "
            "support (only loads and stores)");
    return success();
  }
  if (gpu_codegen::isMathOp(op) && !isSupportedMathOp(op))
    return op->emitOpError("is not supported by the SPIR-V target");
  return success();
}

//===----------------------------------------------------------------------===//
// Target environment
//===----------------------------------------------------------------------===//

/// The OpenCL target environment for `module`: SPIR-V up to 1.2, Kernel,
/// Addresses and Int64, and the capabilities of the types the kernels use.
static mlir::spirv::TargetEnvAttr getTargetEnv(gpu::GPUModuleOp module) {
  using mlir::spirv::Capability;
  llvm::SetVector<Capability> capabilities;
  capabilities.insert(Capability::Kernel);
  capabilities.insert(Capability::Addresses);
  capabilities.insert(Capability::Int64);
  auto addType = [&](Type type) {
    bool inMemory = isa<MemRefType>(type);
    if (auto memref = dyn_cast<MemRefType>(type))
      type = memref.getElementType();
    if (auto vector = dyn_cast<VectorType>(type)) {
      if (vector.getNumElements() > 4)
        capabilities.insert(Capability::Vector16);
      type = vector.getElementType();
    }
    // i1 in memory is a byte; i1 in registers needs nothing.
    if (type.isInteger(8) || (type.isInteger(1) && inMemory))
      capabilities.insert(Capability::Int8);
    if (type.isInteger(16))
      capabilities.insert(Capability::Int16);
    // The bit manipulations of f16 values (copysign) use i16.
    if (type.isF16()) {
      capabilities.insert(Capability::Float16);
      capabilities.insert(Capability::Float16Buffer);
      capabilities.insert(Capability::Int16);
    }
    if (type.isF64())
      capabilities.insert(Capability::Float64);
  };
  module.walk([&](Operation *op) {
    for (Type type : op->getResultTypes())
      addType(type);
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          addType(arg.getType());
  });

  MLIRContext *ctx = module.getContext();
  auto triple = mlir::spirv::VerCapExtAttr::get(
      mlir::spirv::Version::V_1_2, capabilities.getArrayRef(),
      ArrayRef<mlir::spirv::Extension>(), ctx);
  // OpenCL's guaranteed minimums: 32 KiB of local memory; workgroups of up
  // to 1024 work items are common, and the kernels' sizes come from the
  // dispatch configuration anyway.
  Builder builder(ctx);
  auto limits = mlir::spirv::ResourceLimitsAttr::get(
      ctx, /*max_compute_shared_memory_size=*/32768,
      /*max_compute_workgroup_invocations=*/1024,
      builder.getI32ArrayAttr({1024, 1024, 1024}), /*subgroup_size=*/32,
      /*min_subgroup_size=*/std::nullopt, /*max_subgroup_size=*/std::nullopt,
      /*cooperative_matrix_properties_khr=*/ArrayAttr(),
      /*cooperative_matrix_properties_nv=*/ArrayAttr());
  return mlir::spirv::TargetEnvAttr::get(triple, limits,
                                         mlir::spirv::ClientAPI::OpenCL);
}

//===----------------------------------------------------------------------===//
// Lowering
//===----------------------------------------------------------------------===//

/// The OpenCL storage class of a memref memory space: the default and
/// global memory are CrossWorkgroup, workgroup memory Workgroup, private
/// memory Function.
static std::optional<mlir::spirv::StorageClass>
getOpenCLStorageClass(Attribute memorySpace) {
  if (auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(memorySpace)) {
    switch (space.getValue()) {
    case gpu::AddressSpace::Global:
      return mlir::spirv::StorageClass::CrossWorkgroup;
    case gpu::AddressSpace::Workgroup:
      return mlir::spirv::StorageClass::Workgroup;
    case gpu::AddressSpace::Private:
      return mlir::spirv::StorageClass::Function;
    }
  }
  return mlir::spirv::mapMemorySpaceToOpenCLStorageClass(memorySpace);
}

namespace {
/// math.trunc(x) = x < 0 ? ceil(x) : floor(x): OpenCL.std has trunc, but
/// MLIR maps no op to it. (ceil keeps the sign of -0.5 and the like; NaN
/// takes the floor branch and stays NaN.)
struct ExpandTrunc : OpRewritePattern<math::TruncOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::TruncOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type type = x.getType();
    Value zero = arith::ConstantOp::create(
        rewriter, loc, type, cast<TypedAttr>(rewriter.getZeroAttr(type)));
    Value negative = arith::CmpFOp::create(rewriter, loc,
                                           arith::CmpFPredicate::OLT, x, zero);
    Value ceil = math::CeilOp::create(rewriter, loc, x);
    Value floor = math::FloorOp::create(rewriter, loc, x);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, negative, ceil, floor);
    return success();
  }
};

/// Puts the kernels in the shape the SPIR-V conversion expects.
struct PrepareKernelsForSPIRVPass
    : PassWrapper<PrepareKernelsForSPIRVPass, OperationPass<gpu::GPUModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(PrepareKernelsForSPIRVPass)

  StringRef getArgument() const override { return "zellige-spirv-prepare"; }
  StringRef getDescription() const override {
    return "Prepare GPU kernel-form kernels for the SPIR-V conversion";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, math::MathDialect,
                    memref::MemRefDialect, mlir::spirv::SPIRVDialect>();
  }

  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    for (auto func : module.getOps<gpu::GPUFuncOp>()) {
      // Workgroup attributions: the SPIR-V conversion of gpu.func drops
      // them, while it turns a workgroup memref.alloc into a Workgroup
      // variable.
      Block &entry = func.getBody().front();
      OpBuilder builder = OpBuilder::atBlockBegin(&entry);
      unsigned first = func.getFirstWorkgroupAttributionIndex();
      unsigned count = func.getNumWorkgroupAttributions();
      for (BlockArgument arg : func.getWorkgroupAttributions()) {
        Value alloc = memref::AllocOp::create(builder, arg.getLoc(),
                                              cast<MemRefType>(arg.getType()));
        arg.replaceAllUsesWith(alloc);
      }
      entry.eraseArguments(first, count);
      func->removeAttr(func.getNumWorkgroupAttributionsAttrName());

      // Per-thread scratch is private (Function storage class).
      func.walk([&](memref::AllocaOp alloca) {
        MemRefType type = alloca.getType();
        if (type.getMemorySpace())
          return;
        alloca.getResult().setType(MemRefType::get(
            type.getShape(), type.getElementType(), type.getLayout(),
            gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Private)));
      });

      // The workgroup size becomes the LocalSize execution mode.
      SmallVector<int32_t> size;
      if (auto known =
              func->getAttrOfType<DenseI32ArrayAttr>("known_block_size"))
        size.assign(known.asArrayRef().begin(), known.asArrayRef().end());
      func->setAttr(mlir::spirv::getEntryPointABIAttrName(),
                    mlir::spirv::getEntryPointABIAttr(ctx, size));
    }

    // A vector load or store is only known to be aligned to its elements;
    // SPIR-V would otherwise assume the alignment of the whole vector.
    module.walk([&](Operation *op) {
      auto setAlignment = [&](auto access) {
        if (!access.getAlignment())
          access.setAlignment(std::max<uint64_t>(
              1, access.getMemRefType().getElementTypeBitWidth() / 8));
      };
      if (auto load = dyn_cast<vector::LoadOp>(op))
        setAlignment(load);
      else if (auto store = dyn_cast<vector::StoreOp>(op))
        setAlignment(store);
    });

    RewritePatternSet patterns(ctx);
    math::populateExpansionPatterns(patterns, {"exp2"});
    patterns.add<ExpandTrunc>(ctx);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();

    // Memory spaces to OpenCL storage classes.
    mlir::spirv::MemorySpaceToStorageClassConverter converter(
        getOpenCLStorageClass);
    mlir::spirv::convertMemRefTypesAndAttrs(module, converter);
    std::unique_ptr<ConversionTarget> target =
        mlir::spirv::getMemorySpaceToStorageClassTarget(*ctx);
    WalkResult result = module.walk([&](Operation *op) {
      if (target->isIllegal(op)) {
        op->emitOpError("has a memory space the SPIR-V target cannot map to "
                        "an OpenCL storage class");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

/// Converts each gpu.module to a spirv.module.
struct ConvertKernelsToSPIRVPass
    : PassWrapper<ConvertKernelsToSPIRVPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ConvertKernelsToSPIRVPass)

  StringRef getArgument() const override { return "zellige-spirv-convert"; }
  StringRef getDescription() const override {
    return "Convert GPU kernel-form kernels to the SPIR-V dialect";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<mlir::spirv::SPIRVDialect>();
  }

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    for (auto module :
         llvm::to_vector(getOperation().getOps<gpu::GPUModuleOp>())) {
      mlir::spirv::TargetEnvAttr targetEnv =
          mlir::spirv::lookupTargetEnvOrDefault(module);
      std::unique_ptr<ConversionTarget> target =
          SPIRVConversionTarget::get(targetEnv);
      SPIRVConversionOptions options;
      options.use64bitIndex = true;
      // The buffers' layout is the host's: no type may be widened.
      options.emulateLT32BitScalarTypes = false;
      options.emulateUnsupportedFloatTypes = false;
      SPIRVTypeConverter typeConverter(targetEnv, options);

      RewritePatternSet patterns(ctx);
      ScfToSPIRVContext scfContext;
      populateGPUToSPIRVPatterns(typeConverter, patterns);
      populateSCFToSPIRVPatterns(typeConverter, scfContext, patterns);
      arith::populateArithToSPIRVPatterns(typeConverter, patterns);
      populateMathToSPIRVPatterns(typeConverter, patterns);
      populateMemRefToSPIRVPatterns(typeConverter, patterns);
      populateVectorToSPIRVPatterns(typeConverter, patterns);
      ub::populateUBToSPIRVConversionPatterns(typeConverter, patterns);
      if (failed(applyFullConversion(module, *target, std::move(patterns))))
        return signalPassFailure();
    }

    // Attributes the kernels carried over from gpu.func that mean nothing
    // in SPIR-V.
    getOperation().walk([](mlir::spirv::FuncOp func) {
      for (NamedAttribute attr : llvm::to_vector(func->getDiscardableAttrs()))
        if (!attr.getName().strref().starts_with("spirv."))
          func->removeAttr(attr.getName());
    });
  }
};
} // namespace

void spv::registerSPIRVDialects(DialectRegistry &registry) {
  registry
      .insert<arith::ArithDialect, gpu::GPUDialect, math::MathDialect,
              memref::MemRefDialect, scf::SCFDialect, mlir::spirv::SPIRVDialect,
              ub::UBDialect, vector::VectorDialect>();
}

FailureOr<std::vector<uint32_t>>
spv::translateToSPIRV(gpu::GPUModuleOp module) {
  if (failed(gpu_codegen::verifyKernelForm(module, "SPIR-V", checkSPIRVBodyOp)))
    return failure();

  MLIRContext *ctx = module.getContext();
  DialectRegistry registry;
  registerSPIRVDialects(registry);
  ctx->appendDialectRegistry(registry);
  ctx->loadDialect<mlir::spirv::SPIRVDialect>();

  OwningOpRef<ModuleOp> container = ModuleOp::create(module.getLoc());
  OpBuilder builder(ctx);
  builder.setInsertionPointToStart(container->getBody());
  auto clone = cast<gpu::GPUModuleOp>(builder.clone(*module.getOperation()));
  clone->setAttr(mlir::spirv::getTargetEnvAttrName(), getTargetEnv(module));

  PassManager pm(ctx);
  pm.nest<gpu::GPUModuleOp>().addPass(
      std::make_unique<PrepareKernelsForSPIRVPass>());
  pm.addPass(std::make_unique<ConvertKernelsToSPIRVPass>());
  OpPassManager &spirvModule = pm.nest<mlir::spirv::ModuleOp>();
  spirvModule.addPass(mlir::spirv::createSPIRVLowerABIAttributesPass());
  spirvModule.addPass(mlir::spirv::createSPIRVUpdateVCEPass());
  if (failed(pm.run(*container)))
    return failure();

  auto spirvModules =
      llvm::to_vector(container->getOps<mlir::spirv::ModuleOp>());
  if (spirvModules.size() != 1)
    return module.emitError(
        "SPIR-V target: the conversion made no spirv.module");
  SmallVector<uint32_t, 0> binary;
  mlir::spirv::SerializationOptions options;
  options.emitSymbolName = true;
  if (failed(mlir::spirv::serialize(spirvModules.front(), binary, options)))
    return module.emitError("SPIR-V target: cannot serialize the module");
  return std::vector<uint32_t>(binary.begin(), binary.end());
}
