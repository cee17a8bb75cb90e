//===- PTX.cpp - Serialize GPU kernels to PTX -------------------*- C++ -*-===//
//
// This file implements zellige::cuda::translateToPTX. It checks that a
// gpu.module is in the GPU kernel form (docs/gpu-kernel-form.md), then lowers
// a clone of it:
//
//   1. math on f16 is computed in f32 (math-extend-to-supported-types);
//   2. math functions NVPTX has no instruction for are expanded into arith
//      ops and polynomial approximations, so that nothing calls libdevice;
//   3. scf to cf; math and arith to LLVM intrinsics, in a conversion of their
//      own (in one conversion with the GPU patterns, upstream's libdevice call
//      patterns would win); then gpu, memref, vector and cf to the LLVM and
//      NVVM dialects, with bare-pointer kernel arguments, workgroup
//      attributions in shared memory and allocas in local memory;
//   4. `known_block_size` becomes `.reqntid`, arguments are `noalias`;
//   5. LLVM optimizes the module at O3 and its NVPTX back end prints PTX.
//
//===----------------------------------------------------------------------===//

#include "targets/cuda/PTX.h"

#include "zellige/Codegen/GPU/KernelForm.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/LoweringOptions.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/UBToLLVM/UBToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/ModuleToObject.h"
#include "mlir/Target/LLVM/NVVM/Utils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>

#define DEBUG_TYPE "zellige-cuda-ptx"

using namespace mlir;
using namespace zellige;

static constexpr llvm::StringLiteral kNVPTXTriple = "nvptx64-nvidia-cuda";

//===----------------------------------------------------------------------===//
// The kernel form
//===----------------------------------------------------------------------===//

/// Math ops NVPTX has instructions for, on every float type of the kernel
/// form (rsqrt is 1/sqrt; isnan, isinf and isfinite are comparisons).
static bool isNativeMathOp(Operation *op) {
  return isa<math::AbsFOp, math::AbsIOp, math::CeilOp, math::CopySignOp,
             math::FloorOp, math::FmaOp, math::IsFiniteOp, math::IsInfOp,
             math::IsNaNOp, math::RoundEvenOp, math::RoundOp, math::RsqrtOp,
             math::SqrtOp, math::TruncOp>(op);
}

/// Math ops expanded into the native ones and polynomial approximations.
/// The approximations exist for f32 (f16 is computed in f32), not for f64.
static bool isApproximatedMathOp(Operation *op) {
  return isa<math::AcosOp, math::AcoshOp, math::AsinOp, math::AsinhOp,
             math::Atan2Op, math::AtanOp, math::AtanhOp, math::CbrtOp,
             math::CosOp, math::CoshOp, math::ErfOp, math::ErfcOp, math::Exp2Op,
             math::ExpM1Op, math::ExpOp, math::Log1pOp, math::Log2Op,
             math::LogOp, math::PowFOp, math::SinOp, math::SinhOp, math::TanOp,
             math::TanhOp>(op);
}

/// The CUDA target's own checks of a kernel-form body op: math functions
/// that NVPTX has no instruction for must be approximated, which is done for
/// f16 and f32 only.
static LogicalResult checkCUDABodyOp(Operation *op) {
  if (!gpu_codegen::isMathOp(op) || isNativeMathOp(op))
    return success();
  Type element = getElementTypeOrSelf(op->getOperand(0).getType());
  if (!isApproximatedMathOp(op))
    return op->emitOpError("is not supported by the CUDA target");
  if (!element.isF16() && !element.isF32())
    return op->emitOpError()
           << "on " << element
           << " is not supported by the CUDA target: it would need "
              "libdevice, which is not linked, and only f16 and f32 "
              "functions are approximated";
  return success();
}

//===----------------------------------------------------------------------===//
// Lowering
//===----------------------------------------------------------------------===//

namespace {
/// math.isnan(x) = x unordered x; math.isinf(x) = |x| == inf;
/// math.isfinite(x) = |x| < inf (false for NaN).
template <typename OpTy, arith::CmpFPredicate predicate, bool infinity>
struct ExpandFloatClass : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    if (!infinity) {
      rewriter.replaceOpWithNewOp<arith::CmpFOp>(op, predicate, x, x);
      return success();
    }
    Type type = x.getType();
    auto element = cast<FloatType>(getElementTypeOrSelf(type));
    TypedAttr inf = rewriter.getFloatAttr(
        element, APFloat::getInf(element.getFloatSemantics()));
    if (auto vector = dyn_cast<VectorType>(type))
      inf = SplatElementsAttr::get(vector, inf);
    Value abs = math::AbsFOp::create(rewriter, loc, x);
    Value limit = arith::ConstantOp::create(rewriter, loc, type, inf);
    rewriter.replaceOpWithNewOp<arith::CmpFOp>(op, predicate, abs, limit);
    return success();
  }
};

/// Expands the math ops NVPTX has no instruction for (f32 after
/// math-extend-to-supported-types) into arith ops, native math ops and
/// polynomial approximations.
struct ExpandMathForNVPTXPass
    : PassWrapper<ExpandMathForNVPTXPass, OperationPass<gpu::GPUModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ExpandMathForNVPTXPass)

  StringRef getArgument() const override { return "zellige-cuda-expand-math"; }
  StringRef getDescription() const override {
    return "Expand math ops NVPTX has no instruction for";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, math::MathDialect,
                    vector::VectorDialect>();
  }

  void runOnOperation() override {
    static const llvm::StringSet<> approximated = {
        "math.acos", "math.asin",  "math.atan", "math.atan2", "math.cbrt",
        "math.cos",  "math.erf",   "math.erfc", "math.exp",   "math.expm1",
        "math.log",  "math.log1p", "math.log2", "math.sin",   "math.tanh"};
    RewritePatternSet patterns(&getContext());
    // Rewrites in terms of other math ops; the approximations are preferred
    // where both apply.
    math::populateExpansionPatterns(patterns,
                                    {"acosh", "asinh", "atanh", "cosh", "exp2",
                                     "powf", "rsqrt", "sinh", "tan"});
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) { return approximated.contains(name); },
        /*benefit=*/2);
    patterns.add<
        ExpandFloatClass<math::IsNaNOp, arith::CmpFPredicate::UNO, false>,
        ExpandFloatClass<math::IsInfOp, arith::CmpFPredicate::OEQ, true>,
        ExpandFloatClass<math::IsFiniteOp, arith::CmpFPredicate::OLT, true>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();

    WalkResult result = getOperation().walk([](Operation *op) {
      if (gpu_codegen::isMathOp(op) &&
          (!isNativeMathOp(op) ||
           isa<math::IsNaNOp, math::IsInfOp, math::IsFiniteOp>(op))) {
        op->emitOpError("could not be expanded for the CUDA target");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

/// Lowers the kernels to the LLVM and NVVM dialects.
struct ConvertKernelsToNVVMPass
    : PassWrapper<ConvertKernelsToNVVMPass, OperationPass<gpu::GPUModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ConvertKernelsToNVVMPass)

  StringRef getArgument() const override {
    return "zellige-cuda-convert-to-nvvm";
  }
  StringRef getDescription() const override {
    return "Lower GPU kernel-form kernels to the LLVM and NVVM dialects";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<cf::ControlFlowDialect, LLVM::LLVMDialect,
                    NVVM::NVVMDialect, ub::UBDialect>();
  }

  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();

    // The alignment of each kernel's arguments: the size of their elements.
    llvm::StringMap<SmallVector<int64_t>> argAlignments;
    for (auto func : module.getOps<gpu::GPUFuncOp>())
      for (Type type : func.getArgumentTypes())
        argAlignments[func.getName()].push_back(std::max<int64_t>(
            1, cast<MemRefType>(type).getElementTypeBitWidth() / 8));

    // Vector ops the LLVM conversion does not handle directly.
    {
      RewritePatternSet patterns(ctx);
      vector::populateVectorBroadcastLoweringPatterns(patterns);
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }

    LowerToLLVMOptions options(
        ctx, DataLayout(cast<DataLayoutOpInterface>(module.getOperation())));
    options.overrideIndexBitwidth(64);
    options.useBarePtrCallConv = true;
    LLVMTypeConverter converter(ctx, options);
    // Global memory is the generic address space for pointers that come in
    // as arguments (NVPTX infers global from them); workgroup attributions
    // are shared memory; allocas are in the generic space, which NVPTX turns
    // into local memory.
    populateGpuMemorySpaceAttributeConversions(
        converter, [](gpu::AddressSpace space) -> unsigned {
          switch (space) {
          case gpu::AddressSpace::Global:
            return static_cast<unsigned>(NVVM::NVVMMemorySpace::Global);
          case gpu::AddressSpace::Workgroup:
            return static_cast<unsigned>(NVVM::NVVMMemorySpace::Shared);
          case gpu::AddressSpace::Private:
            return 0;
          }
          llvm_unreachable("unknown address space");
        });
    configureGpuToNVVMTypeConverter(converter);

    // Math and arith to LLVM intrinsics and instructions.
    {
      RewritePatternSet patterns(ctx);
      populateMathToLLVMConversionPatterns(converter, patterns,
                                           /*approximateLog1p=*/false);
      arith::populateArithToLLVMConversionPatterns(converter, patterns);
      ConversionTarget target(*ctx);
      target.addLegalDialect<LLVM::LLVMDialect>();
      target.addIllegalDialect<arith::ArithDialect, math::MathDialect>();
      target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
      if (failed(applyPartialConversion(module, target, std::move(patterns))))
        return signalPassFailure();
    }

    // Everything else. No math op is left, so the libdevice patterns of
    // populateGpuToNVVMConversionPatterns match nothing.
    {
      RewritePatternSet patterns(ctx);
      populateGpuToNVVMConversionPatterns(converter, patterns);
      cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
      populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns);
      populateVectorToLLVMConversionPatterns(converter, patterns);
      ub::populateUBToLLVMConversionPatterns(converter, patterns);
      LLVMConversionTarget target(*ctx);
      target.addLegalDialect<NVVM::NVVMDialect>();
      target.addIllegalDialect<arith::ArithDialect, cf::ControlFlowDialect,
                               gpu::GPUDialect, math::MathDialect,
                               memref::MemRefDialect, ub::UBDialect,
                               vector::VectorDialect>();
      target.addLegalOp<gpu::GPUModuleOp>();
      if (failed(applyPartialConversion(module, target, std::move(patterns))))
        return signalPassFailure();
    }

    // Workgroup attributions: LLVM assumes that a large global with no
    // alignment is aligned to 16 bytes, while NVPTX declares it with the
    // alignment of its element type; make 16 explicit so both agree.
    for (auto global : module.getOps<LLVM::GlobalOp>())
      if (!global.getAlignment())
        global.setAlignment(16);

    // Kernel attributes: the block size is required, not only a bound; the
    // arguments never alias and are aligned to their element type at least.
    auto reqntid =
        StringAttr::get(ctx, NVVM::NVVMDialect::getReqntidAttrName());
    auto maxntid =
        StringAttr::get(ctx, NVVM::NVVMDialect::getMaxntidAttrName());
    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      if (func.isExternal()) {
        func.emitOpError()
            << "is called but nothing defines it (the CUDA target links no "
               "device library)";
        return signalPassFailure();
      }
      if (!func->hasAttr(NVVM::NVVMDialect::getKernelFuncAttrName()))
        continue;
      const SmallVector<int64_t> &alignments = argAlignments[func.getName()];
      if (Attribute size = func->getAttr(maxntid)) {
        func->removeAttr(maxntid);
        func->setAttr(reqntid, size);
      }
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
        if (!isa<LLVM::LLVMPointerType>(func.getArgument(i).getType()))
          continue;
        func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                        UnitAttr::get(ctx));
        if (i < alignments.size())
          func.setArgAttr(
              i, LLVM::LLVMDialect::getAlignAttrName(),
              IntegerAttr::get(IntegerType::get(ctx, 64), alignments[i]));
      }
    }
  }
};

/// Serializes a gpu.module in the LLVM/NVVM dialects to PTX, with no device
/// library (upstream's NVVM serializer looks libdevice up in a CUDA toolkit
/// and reports an error where there is none).
class PTXSerializer : public LLVM::ModuleToObject {
public:
  PTXSerializer(Operation &module, StringRef chip)
      : ModuleToObject(module, kNVPTXTriple, chip, /*features=*/"",
                       /*optLevel=*/3) {}

protected:
  FailureOr<SmallVector<char, 0>>
  moduleToObject(llvm::Module &llvmModule) override {
    for (llvm::Function &func : llvmModule)
      if (func.isDeclaration() && !func.isIntrinsic())
        return getOperation().emitError()
               << "CUDA target: the kernels call '" << func.getName()
               << "', which nothing defines (no device library is linked)";
    FailureOr<llvm::TargetMachine *> machine = getOrCreateTargetMachine();
    if (failed(machine))
      return getOperation().emitError()
             << "CUDA target: LLVM cannot make a target machine for "
             << kNVPTXTriple << " (" << chip << ")";
    FailureOr<SmallString<0>> ptx = translateModuleToISA(
        llvmModule, **machine, [&] { return getOperation().emitError(); });
    if (failed(ptx))
      return failure();
    return SmallVector<char, 0>(ptx->begin(), ptx->end());
  }
};
} // namespace

/// Checks that LLVM's NVPTX back end knows `chip`.
static LogicalResult checkChip(gpu::GPUModuleOp module, StringRef chip) {
  NVVM::SerializeGPUModuleBase::init();
  llvm::Triple triple(kNVPTXTriple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return module.emitError()
           << "CUDA target: this LLVM has no NVPTX back end: " << error;
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!subtarget || !chip.starts_with("sm_") ||
      !subtarget->isCPUStringValid(chip))
    return module.emitError()
           << "CUDA target: unknown chip '" << chip
           << "' (expected sm_75, sm_80, sm_86, sm_89, sm_90 or another chip "
              "LLVM's NVPTX back end knows)";
  return success();
}

void cuda::registerPTXDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, cf::ControlFlowDialect, gpu::GPUDialect,
                  LLVM::LLVMDialect, math::MathDialect, memref::MemRefDialect,
                  NVVM::NVVMDialect, scf::SCFDialect, ub::UBDialect,
                  vector::VectorDialect>();
  registerBuiltinDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
}

FailureOr<std::string> cuda::translateToPTX(gpu::GPUModuleOp module,
                                            StringRef chip) {
  if (failed(gpu_codegen::verifyKernelForm(module, "CUDA", checkCUDABodyOp)) ||
      failed(checkChip(module, chip)))
    return failure();

  MLIRContext *ctx = module.getContext();
  DialectRegistry registry;
  registerPTXDialects(registry);
  ctx->appendDialectRegistry(registry);

  OwningOpRef<ModuleOp> container = ModuleOp::create(module.getLoc());
  OpBuilder builder(ctx);
  builder.setInsertionPointToStart(container->getBody());
  auto clone = cast<gpu::GPUModuleOp>(builder.clone(*module.getOperation()));

  PassManager pm(ctx);
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(math::createMathExtendToSupportedTypes());
  kernels.addPass(std::make_unique<ExpandMathForNVPTXPass>());
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(std::make_unique<ConvertKernelsToNVVMPass>());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  if (failed(pm.run(*container)))
    return failure();

  std::string chipName = chip.str();
  PTXSerializer serializer(*clone, chipName);
  std::optional<SmallVector<char, 0>> ptx = serializer.run();
  if (!ptx)
    return failure();
  return std::string(ptx->begin(), ptx->end());
}
