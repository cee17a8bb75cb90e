//===- ONNXDialect.cpp - onnx dialect ---------------------------*- C++ -*-===//
//
// This file implements the onnx dialect: registration of its generated types
// and operations, and constant materialization for folders.
//
//===----------------------------------------------------------------------===//

#include "dialects/onnx/ONNXDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace zellige::ONNX;

#include "dialects/onnx/ONNXDialect.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/onnx/ONNXTypes.cpp.inc"

void ONNXDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/onnx/ONNXTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/onnx/ONNXOps.cpp.inc"
      >();
}

Operation *ONNXDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  if (isa<NoneType>(type))
    return NoValueOp::create(builder, loc, builder.getNoneType());
  if (auto elements = dyn_cast<ElementsAttr>(value))
    return ConstantOp::create(
        builder, loc, TypeRange{type}, ValueRange{},
        ArrayRef<NamedAttribute>{builder.getNamedAttr("value", elements)});
  return nullptr;
}

OpFoldResult NoValueOp::fold(FoldAdaptor) { return UnitAttr::get(getContext()); }

#define GET_OP_CLASSES
#include "dialects/onnx/ONNXOps.cpp.inc"
