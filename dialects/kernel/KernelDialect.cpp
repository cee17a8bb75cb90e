//===- KernelDialect.cpp - kernel dialect -----------------------*- C++ -*-===//
//
// This file implements the kernel dialect: knob and config attributes, and
// the dispatch operation's verifier.
//
//===----------------------------------------------------------------------===//

#include "dialects/kernel/KernelDialect.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace zellige::kernel;

#include "dialects/kernel/KernelDialect.cpp.inc"

/// Parses `[` knob (`,` knob)* `]` or `[]`; a knob may omit its
/// `#kernel.knob` prefix.
static ParseResult parseKnobList(AsmParser &parser,
                                 SmallVector<KnobAttr> &knobs) {
  return parser.parseCommaSeparatedList(
      AsmParser::Delimiter::Square, [&]() -> ParseResult {
        KnobAttr knob;
        if (parser.parseCustomAttributeWithFallback(knob))
          return failure();
        knobs.push_back(knob);
        return success();
      });
}

static void printKnobList(AsmPrinter &printer, ArrayRef<KnobAttr> knobs) {
  printer << '[';
  llvm::interleaveComma(knobs, printer, [&](KnobAttr knob) {
    printer.printStrippedAttrOrType(knob);
  });
  printer << ']';
}

#define GET_ATTRDEF_CLASSES
#include "dialects/kernel/KernelAttrs.cpp.inc"

void KernelDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/kernel/KernelAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/kernel/KernelOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// KnobAttr / ConfigAttr
//===----------------------------------------------------------------------===//

LogicalResult
KnobAttr::verify(llvm::function_ref<InFlightDiagnostic()> emitError,
                 StringRef name, int64_t value, ArrayRef<int64_t> legal,
                 StringRef source) {
  if (name.empty())
    return emitError() << "knob has an empty name";
  if (!legal.empty() && !llvm::is_contained(legal, value))
    return emitError() << "knob '" << name << "' has value " << value
                       << ", which is not among its legal values";
  if (source != "heuristic" && source != "user" && source != "tuned" &&
      source != "estimated")
    return emitError() << "knob '" << name << "' has unknown source '" << source
                       << "' (expected heuristic, user, tuned or estimated)";
  return success();
}

KnobAttr ConfigAttr::getKnob(StringRef name) const {
  for (KnobAttr knob : getKnobs())
    if (knob.getName() == name)
      return knob;
  return {};
}

int64_t ConfigAttr::getValue(StringRef name, int64_t fallback) const {
  KnobAttr knob = getKnob(name);
  return knob ? knob.getValue() : fallback;
}

ConfigAttr ConfigAttr::withValue(StringRef name, int64_t value,
                                 StringRef source) const {
  SmallVector<KnobAttr> knobs(getKnobs());
  for (KnobAttr &knob : knobs)
    if (knob.getName() == name)
      knob = KnobAttr::get(getContext(), name, value, knob.getLegal(), source);
  return ConfigAttr::get(getContext(), getKind(), knobs);
}

//===----------------------------------------------------------------------===//
// DispatchOp
//===----------------------------------------------------------------------===//

LogicalResult DispatchOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError() << "has " << getInputs().size()
                         << " operands but its body takes "
                         << body.getNumArguments() << " arguments";
  for (auto [i, pair] :
       llvm::enumerate(llvm::zip(getInputs(), body.getArguments()))) {
    auto [operand, arg] = pair;
    if (operand.getType() != arg.getType())
      return emitOpError() << "operand #" << i << " has type "
                           << operand.getType() << " but body argument #" << i
                           << " has type " << arg.getType();
  }
  auto yield = cast<YieldOp>(body.getTerminator());
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "yields " << yield.getValues().size()
                         << " values whose types differ from its results";
  llvm::StringSet<> seen;
  for (KnobAttr knob : getConfig().getKnobs())
    if (!seen.insert(knob.getName()).second)
      return emitOpError() << "config names knob '" << knob.getName()
                           << "' twice";
  return success();
}

Operation *DispatchOp::getRootOp() {
  Operation *last = nullptr;
  for (Operation &op : getBody().front()) {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(&op);
    if (!linalgOp)
      continue;
    last = &op;
    if (linalgOp.getNumReductionLoops() > 0 && !isa<linalg::FillOp>(op))
      return &op;
  }
  return last;
}

#define GET_OP_CLASSES
#include "dialects/kernel/KernelOps.cpp.inc"
