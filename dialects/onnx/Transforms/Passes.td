//===- Passes.td - onnx dialect graph passes ---------------*- tablegen -*-===//
//
// This file declares the graph-level passes that run on the onnx dialect
// before it is lowered: shape folding and the removal of inference no-ops.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_DIALECTS_ONNX_TRANSFORMS_PASSES_TD
#define ZELLIGE_DIALECTS_ONNX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ONNXFoldShapes : Pass<"zellige-onnx-fold-shapes", "mlir::ModuleOp"> {
  let summary = "Fold shape computations on static shapes into onnx.Constant";
  let description = [{
    Evaluates, at compile time, the small shape computations that exporters
    put around Reshape, Expand and friends when every shape is static:
    `onnx.Shape` (with `start`/`end`), `onnx.Size`, `onnx.ConstantOfShape`,
    `onnx.Range`, and `Gather`, `Concat`, `Unsqueeze`, `Squeeze`, `Slice`,
    `Reshape`, `Cast` and integer `Add`/`Sub`/`Mul`/`Div` on constant inputs.
    It also normalizes `onnx.Constant`'s `value_float(s)`/`value_int(s)`
    forms to `value`, forwards `onnx.Identity` and inference-mode
    `onnx.Dropout`, refines the result type of a `Reshape` whose constant
    shape has `0`/`-1` entries, and erases the operations left dead.

    Example:

    ```mlir
    %s = "onnx.Shape"(%x) : (tensor<2x3x4xf32>) -> tensor<3xi64>
    // becomes
    %s = "onnx.Constant"() {value = dense<[2, 3, 4]> : tensor<3xi64>} : () -> tensor<3xi64>
    ```
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"65536",
           "Largest result (in elements) that a data-producing fold may create">,
  ];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

#endif // ZELLIGE_DIALECTS_ONNX_TRANSFORMS_PASSES_TD
