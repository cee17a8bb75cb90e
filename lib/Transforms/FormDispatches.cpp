//===- FormDispatches.cpp - Group ops into kernel.dispatch ------*- C++ -*-===//
//
// This file implements zellige-form-dispatches. It partitions the tensor ops
// of each function into groups, one group per future kernel, and wraps each
// group in a kernel.dispatch whose region is isolated from above:
//
//   1. every compute op starts a group, unless it is an elementwise op whose
//      input comes from a group op with no other user and whose iteration
//      shape matches that op's result, in which case it joins that group
//      (consumer fusion);
//   2. pads whose users all sit in one group join it (producer fusion);
//   3. empties, fills of scalars and small or splat constants are cloned into
//      every group that uses them; other values become dispatch operands.
//
// Reshapes of whole tensors stay outside, as they are views of a buffer.
//
//===----------------------------------------------------------------------===//

#include "zellige/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "zellige-form-dispatches"

namespace zellige {
#define GEN_PASS_DEF_FORMDISPATCHES
#include "zellige/Transforms/Passes.h.inc"
} // namespace zellige

using namespace mlir;
using namespace zellige;

namespace {

/// Ops that stay outside dispatches as views of their operand's buffer.
bool isView(Operation *op) {
  return isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp,
             tensor::ReshapeOp>(op);
}

bool isElementwiseLinalg(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && !isa<linalg::FillOp>(op) &&
         linalg::isElementwise(linalgOp) && linalgOp.getNumDpsInits() == 1;
}

/// Ops that are cheap to recompute and are cloned into each dispatch that
/// uses them instead of becoming operands.
bool isCloneable(Operation *op) {
  if (isa<tensor::EmptyOp>(op))
    return true;
  if (auto cst = dyn_cast<arith::ConstantOp>(op)) {
    auto shaped = dyn_cast<ShapedType>(cst.getType());
    if (!shaped)
      return true;
    if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue()))
      return dense.isSplat() || shaped.getNumElements() <= 1;
    return false;
  }
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return llvm::all_of(fill->getOperands(), [](Value v) {
      Operation *def = v.getDefiningOp();
      return def && isCloneable(def);
    });
  return false;
}

/// The schedule family of a group, from its root op.
StringRef getKind(Operation *root) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(root);
  if (!linalgOp)
    return "generic";
  if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(root) ||
      linalg::isaContractionOpInterface(linalgOp))
    return "matmul";
  if (linalg::isaConvolutionOpInterface(linalgOp)) {
    StringRef name = root->getName().getStringRef();
    return name.contains("pooling") ? "pooling" : "conv";
  }
  if (linalgOp.getNumReductionLoops() > 0)
    return "reduction";
  if (isElementwiseLinalg(root))
    return "elementwise";
  return "generic";
}

struct Group {
  SmallVector<Operation *> members; // In block order.
  Operation *root = nullptr;
};

class DispatchFormer {
public:
  DispatchFormer(unsigned &counter) : counter(counter) {}

  LogicalResult run(Block &block) {
    // Step 1: assign compute ops to groups in block order.
    for (Operation &op : block) {
      if (op.hasTrait<OpTrait::IsTerminator>() || isView(&op) ||
          isa<kernel::DispatchOp>(op) || isCloneable(&op) ||
          isa<arith::ConstantOp, tensor::PadOp>(op))
        continue;
      if (!isSupportedDialect(&op))
        return op.emitError("operation '")
               << op.getName()
               << "' was not lowered before dispatch formation";
      if (isElementwiseLinalg(&op) && tryJoinProducerGroup(&op))
        continue;
      groupOf[&op] = groups.size();
      groups.push_back({{&op}, nullptr});
    }
    // Step 2: pads whose users are all in one group join it; others form
    // groups of their own.
    for (Operation &op : block) {
      auto pad = dyn_cast<tensor::PadOp>(op);
      if (!pad)
        continue;
      std::optional<unsigned> target;
      bool single = true;
      for (Operation *user : pad->getUsers()) {
        auto it = groupOf.find(user);
        if (it == groupOf.end() || (target && *target != it->second)) {
          single = false;
          break;
        }
        target = it->second;
      }
      if (single && target) {
        groupOf[&op] = *target;
        groups[*target].members.push_back(&op);
      } else {
        groupOf[&op] = groups.size();
        groups.push_back({{&op}, nullptr});
      }
    }
    // Fills whose users are outside any group (returned or viewed) need a
    // group to materialize them.
    for (Operation &op : block) {
      if (!isa<linalg::FillOp, tensor::EmptyOp>(op) || groupOf.count(&op))
        continue;
      bool usedOutside = llvm::any_of(op.getUsers(), [&](Operation *user) {
        return !groupOf.count(user) && !isa<linalg::FillOp>(user);
      });
      if (usedOutside && isa<linalg::FillOp>(op)) {
        groupOf[&op] = groups.size();
        groups.push_back({{&op}, nullptr});
      }
    }
    for (Group &group : groups) {
      llvm::sort(group.members, [](Operation *a, Operation *b) {
        return a->isBeforeInBlock(b);
      });
      group.root = findRoot(group);
    }
    for (Group &group : groups)
      if (failed(materialize(group)))
        return failure();
    return success();
  }

private:
  static bool isSupportedDialect(Operation *op) {
    StringRef ns = op->getDialect() ? op->getDialect()->getNamespace() : "";
    return ns == "linalg" || ns == "tensor" || ns == "arith" || ns == "math";
  }

  static Operation *findRoot(const Group &group) {
    for (Operation *op : group.members)
      if (isa<linalg::LinalgOp>(op) && !isElementwiseLinalg(op) &&
          !isa<linalg::FillOp>(op))
        return op;
    for (Operation *op : group.members)
      if (!isa<tensor::PadOp>(op))
        return op;
    return group.members.back();
  }

  /// Consumer fusion: join the group of a producer whose result `op` alone
  /// uses, when the iteration shapes agree.
  bool tryJoinProducerGroup(Operation *op) {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    auto resultType =
        dyn_cast<RankedTensorType>(linalgOp.getDpsInits()[0].getType());
    if (!resultType)
      return false;
    for (OpOperand *input : linalgOp.getDpsInputOperands()) {
      Operation *producer = input->get().getDefiningOp();
      if (!producer || !groupOf.count(producer))
        continue;
      if (!llvm::all_of(input->get().getUsers(),
                        [&](Operation *user) { return user == op; }))
        continue;
      auto producedType = dyn_cast<RankedTensorType>(input->get().getType());
      if (!producedType || producedType.getShape() != resultType.getShape())
        continue;
      unsigned id = groupOf[producer];
      groupOf[op] = id;
      groups[id].members.push_back(op);
      return true;
    }
    return false;
  }

  LogicalResult materialize(Group &group) {
    llvm::SmallPtrSet<Operation *, 16> memberSet(group.members.begin(),
                                                 group.members.end());
    // Values used by members (including inside their regions) that are
    // defined outside the group.
    llvm::SetVector<Value> external;
    for (Operation *op : group.members) {
      for (Value operand : op->getOperands())
        if (!memberSet.contains(operand.getDefiningOp()))
          external.insert(operand);
      for (Region &region : op->getRegions()) {
        llvm::SetVector<Value> captured;
        getUsedValuesDefinedAbove(region, captured);
        for (Value v : captured)
          if (!memberSet.contains(v.getDefiningOp()))
            external.insert(v);
      }
    }
    // Split external values into clones and dispatch operands.
    SmallVector<Operation *> clones;
    llvm::SmallPtrSet<Operation *, 8> cloneSet;
    SmallVector<Value> inputs;
    std::function<void(Value)> classify = [&](Value v) {
      Operation *def = v.getDefiningOp();
      if (def && isCloneable(def)) {
        if (!cloneSet.insert(def).second)
          return;
        for (Value operand : def->getOperands())
          classify(operand);
        clones.push_back(def);
        return;
      }
      if (!llvm::is_contained(inputs, v))
        inputs.push_back(v);
    };
    for (Value v : external)
      classify(v);
    for (Value v : inputs)
      if (!isa<RankedTensorType>(v.getType()))
        return group.root->emitError("dispatch operand of type ")
               << v.getType() << " is not a ranked tensor";

    // Results: member values used outside the group.
    SmallVector<Value> results;
    for (Operation *op : group.members)
      for (Value result : op->getResults())
        if (llvm::any_of(result.getUsers(), [&](Operation *user) {
              return !memberSet.contains(user);
            }))
          results.push_back(result);

    Operation *last = group.members.back();
    OpBuilder builder(last);
    builder.setInsertionPointAfter(last);
    SmallVector<Location> locs;
    for (Operation *op : group.members)
      locs.push_back(op->getLoc());
    Location loc = builder.getFusedLoc(locs);
    MLIRContext *ctx = builder.getContext();
    StringRef kind = getKind(group.root);
    std::string name =
        ("dispatch_" + llvm::Twine(counter++) + "_" + kind).str();
    auto config = kernel::ConfigAttr::get(ctx, kind, {});
    SmallVector<Type> resultTypes;
    for (Value v : results)
      resultTypes.push_back(v.getType());
    auto dispatch = kernel::DispatchOp::create(
        builder, loc, resultTypes, builder.getStringAttr(name), inputs, config);
    Block *body = new Block();
    dispatch.getBody().push_back(body);
    IRMapping mapping;
    for (Value v : inputs)
      mapping.map(v, body->addArgument(v.getType(), v.getLoc()));
    OpBuilder inner = OpBuilder::atBlockEnd(body);
    llvm::sort(clones, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    for (Operation *op : clones)
      inner.clone(*op, mapping);
    for (Operation *op : group.members)
      inner.clone(*op, mapping);
    SmallVector<Value> yielded;
    for (Value v : results)
      yielded.push_back(mapping.lookup(v));
    kernel::YieldOp::create(inner, loc, yielded);

    for (auto [oldValue, newValue] : llvm::zip(results, dispatch.getResults()))
      oldValue.replaceAllUsesWith(newValue);
    for (Operation *op : llvm::reverse(group.members))
      op->erase();
    return success();
  }

  unsigned &counter;
  SmallVector<Group> groups;
  DenseMap<Operation *, unsigned> groupOf;
};

struct FormDispatchesPass
    : zellige::impl::FormDispatchesBase<FormDispatchesPass> {
  void runOnOperation() override {
    unsigned counter = 0;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      DispatchFormer former(counter);
      if (failed(former.run(func.getBody().front())))
        return signalPassFailure();
      // Drop cloneable ops left without users at the top level.
      bool changed = true;
      while (changed) {
        changed = false;
        for (Operation &op :
             llvm::make_early_inc_range(func.getBody().front()))
          if (isCloneable(&op) && op.use_empty()) {
            op.erase();
            changed = true;
          }
      }
    }
  }
};

} // namespace
