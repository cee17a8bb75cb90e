//===- EmitEntryPoints.cpp - C ABI entry points of dispatches ---*- C++ -*-===//
//
// This file implements zellige-host-emit-entry-points. Each dispatch function
// has been lowered with bare memref pointers, its workgroup id last. The pass
// emits, for each, `void @<f>_entry(ptr %bindings, i64 %workgroup_id)`, the
// symbol the runtime calls: it loads the i-th buffer pointer from
// bindings[i] and calls the dispatch, which becomes internal so LLVM inlines
// it into its only caller.
//
//===----------------------------------------------------------------------===//

#include "targets/host/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

#define DEBUG_TYPE "zellige-host-emit-entry-points"

namespace zellige {
namespace host {
#define GEN_PASS_DEF_HOSTEMITENTRYPOINTS
#include "targets/host/Passes.h.inc"
} // namespace host
} // namespace zellige

using namespace mlir;
using namespace zellige;
using namespace zellige::host;

namespace {
struct HostEmitEntryPointsPass
    : public host::impl::HostEmitEntryPointsBase<HostEmitEntryPointsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i64Type = IntegerType::get(ctx, 64);
    auto voidType = LLVM::LLVMVoidType::get(ctx);
    SmallVector<LLVM::LLVMFuncOp> dispatches;
    for (auto func : module.getOps<LLVM::LLVMFuncOp>())
      if (func->hasAttr(kWorkgroupCountAttr) && !func.isExternal() &&
          !func->hasAttr(kEntryAttr))
        dispatches.push_back(func);

    for (LLVM::LLVMFuncOp func : dispatches) {
      LLVM::LLVMFunctionType type = func.getFunctionType();
      ArrayRef<Type> params = type.getParams();
      if (params.empty() || params.back() != i64Type ||
          !isa<LLVM::LLVMVoidType>(type.getReturnType()) ||
          !llvm::all_of(params.drop_back(),
                        [&](Type t) { return t == ptrType; })) {
        func.emitError("host target: dispatch '")
            << func.getName()
            << "' was not lowered to (ptr..., i64) -> void; are all its "
               "arguments statically shaped memrefs?";
        return signalPassFailure();
      }
      std::string entryName = (func.getName() + "_entry").str();
      if (module.lookupSymbol(entryName)) {
        func.emitError("host target: symbol '")
            << entryName << "' already exists";
        return signalPassFailure();
      }
      OpBuilder builder(ctx);
      builder.setInsertionPointAfter(func);
      Location loc = func.getLoc();
      auto entry = LLVM::LLVMFuncOp::create(
          builder, loc, entryName,
          LLVM::LLVMFunctionType::get(voidType, {ptrType, i64Type}));
      Block *body = entry.addEntryBlock(builder);
      builder.setInsertionPointToStart(body);
      Value bindings = body->getArgument(0);
      SmallVector<Value> args;
      for (unsigned i = 0, e = params.size() - 1; i < e; ++i) {
        Value slot =
            LLVM::GEPOp::create(builder, loc, ptrType, ptrType, bindings,
                                ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)},
                                LLVM::GEPNoWrapFlags::inbounds);
        args.push_back(LLVM::LoadOp::create(builder, loc, ptrType, slot,
                                            /*alignment=*/8));
      }
      args.push_back(body->getArgument(1));
      LLVM::CallOp::create(builder, loc, func, args);
      LLVM::ReturnOp::create(builder, loc, ValueRange{});

      func.setLinkage(LLVM::Linkage::Internal);
      func->setAttr(kEntryAttr, StringAttr::get(ctx, entryName));
    }
  }
};
} // namespace
