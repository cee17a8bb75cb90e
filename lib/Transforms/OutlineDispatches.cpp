//===- OutlineDispatches.cpp - Build the executable module ------*- C++ -*-===//
//
// This file implements the outlining of dispatch bodies into the executable
// module every target receives (see zellige/Target/Target.h), and the
// zellige-outline-dispatches pass that shows it.
//
//===----------------------------------------------------------------------===//

#include "zellige/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"

#define DEBUG_TYPE "zellige-outline-dispatches"

namespace zellige {
#define GEN_PASS_DEF_OUTLINEDISPATCHES
#include "zellige/Transforms/Passes.h.inc"
} // namespace zellige

using namespace mlir;
using namespace zellige;

static FailureOr<MemRefType> toMemRef(Type type, kernel::DispatchOp dispatch) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape()) {
    dispatch.emitError("dispatch '")
        << dispatch.getSymName() << "' has a value of type " << type
        << "; only statically shaped tensors can be compiled";
    return failure();
  }
  return MemRefType::get(tensor.getShape(), tensor.getElementType());
}

OwningOpRef<ModuleOp> zellige::outlineDispatches(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  // Called outside a pass manager too, so load what the outlined IR uses.
  ctx->loadDialect<bufferization::BufferizationDialect, func::FuncDialect,
                   memref::MemRefDialect>();
  OwningOpRef<ModuleOp> executable = ModuleOp::create(module.getLoc());
  OpBuilder builder = OpBuilder::atBlockEnd(executable->getBody());
  WalkResult result = module.walk([&](kernel::DispatchOp dispatch) {
    SmallVector<Type> tensorTypes(dispatch.getInputs().getTypes());
    llvm::append_range(tensorTypes, dispatch.getResultTypes());
    SmallVector<Type> argTypes;
    for (Type t : tensorTypes) {
      FailureOr<MemRefType> memref = toMemRef(t, dispatch);
      if (failed(memref))
        return WalkResult::interrupt();
      argTypes.push_back(*memref);
    }
    Location loc = dispatch.getLoc();
    auto func = func::FuncOp::create(builder, loc, dispatch.getSymName(),
                                     FunctionType::get(ctx, argTypes, {}));
    func->setAttr("kernel.config", dispatch.getConfigAttr());
    Block *entry = func.addEntryBlock();
    OpBuilder body = OpBuilder::atBlockEnd(entry);
    IRMapping mapping;
    Block &dispatchBody = dispatch.getBody().front();
    for (auto [i, arg] : llvm::enumerate(dispatchBody.getArguments())) {
      Value tensor = bufferization::ToTensorOp::create(
          body, arg.getLoc(), arg.getType(), entry->getArgument(i),
          /*restrict=*/true, /*writable=*/false);
      mapping.map(arg, tensor);
    }
    for (Operation &op : dispatchBody.without_terminator())
      body.clone(op, mapping);
    auto yield = cast<kernel::YieldOp>(dispatchBody.getTerminator());
    unsigned numInputs = dispatch.getInputs().size();
    for (auto [i, value] : llvm::enumerate(yield.getValues())) {
      auto store = bufferization::MaterializeInDestinationOp::create(
          body, yield.getLoc(), Type(), mapping.lookup(value),
          entry->getArgument(numInputs + i), /*restrict=*/true,
          /*writable=*/true);
      (void)store;
    }
    func::ReturnOp::create(body, loc);
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return nullptr;
  return executable;
}

namespace {
struct OutlineDispatchesPass
    : zellige::impl::OutlineDispatchesBase<OutlineDispatchesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OwningOpRef<ModuleOp> executable = outlineDispatches(module);
    if (!executable)
      return signalPassFailure();
    executable->setSymNameAttr(StringAttr::get(&getContext(), "executable"));
    module.getBody()->push_back(executable.release());
  }
};
} // namespace

void zellige::registerTransformsPasses() { registerZelligeTransformsPasses(); }
