//===- ONNXBase.td - onnx dialect definition ---------------*- tablegen -*-===//
//
// This file defines the onnx dialect, its string element type, the base class
// of its generated operations, and the few hand-written operations that the
// importer needs besides the ONNX operators themselves.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_DIALECT_ONNX_ONNXBASE_TD
#define ZELLIGE_DIALECT_ONNX_ONNXBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def ONNX_Dialect : Dialect {
  let name = "onnx";
  let summary = "One typed operation per ONNX operator";
  let description = [{
    The onnx dialect mirrors the ONNX operator set at the newest version the
    installed libonnx knows. Its operations are generated from the schema
    registry by tools/onnx-ods-gen. Absent optional inputs are given by
    `onnx.NoValue`, so every operand keeps its schema position.
  }];
  let cppNamespace = "::zellige::ONNX";
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

def ONNX_StringType : TypeDef<ONNX_Dialect, "String"> {
  let mnemonic = "string";
  let summary = "The element type of ONNX string tensors";
  let description = [{
    Example:

    ```mlir
    %s = "onnx.Identity"(%x) : (tensor<2x!onnx.string>) -> tensor<2x!onnx.string>
    ```
  }];
}
def ONNX_String : Type<CPred<"::llvm::isa<::zellige::ONNX::StringType>($_self)">,
                       "ONNX string", "::zellige::ONNX::StringType">;

// Base class of every ONNX operator. `since` is the opset version of the
// schema the operation mirrors.
class ONNX_Op<string mnemonic, int since, list<Trait> traits = []>
    : Op<ONNX_Dialect, mnemonic, !listconcat(traits, [NoMemoryEffect])> {
  let extraClassDeclaration = [{
    /// The opset version of the ONNX schema this operation mirrors.
    static constexpr int64_t getSinceVersion() { return }] # since # [{; }
  }];
}

def ONNX_NoValueOp : Op<ONNX_Dialect, "NoValue", [Pure, ConstantLike]> {
  let summary = "Stands for an absent optional ONNX input";
  let description = [{
    ONNX marks a missing optional input with an empty name. The importer gives
    such an operand the result of `onnx.NoValue`, so operand positions always
    match the schema.

    Example:

    ```mlir
    %none = onnx.NoValue
    %y = "onnx.Clip"(%x, %none, %max) : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let results = (outs NoneType:$none);
  let assemblyFormat = "attr-dict";
  let hasFolder = 1;
}

#endif // ZELLIGE_DIALECT_ONNX_ONNXBASE_TD
