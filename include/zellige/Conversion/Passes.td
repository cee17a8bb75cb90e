//===- Passes.td - Zellige conversion passes ---------------*- tablegen -*-===//
//
// This file declares the passes that convert between dialects, starting with
// the lowering of the onnx dialect to upstream linalg, tensor, arith and math.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_CONVERSION_PASSES_TD
#define ZELLIGE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertONNXToLinalg : Pass<"zellige-convert-onnx-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower onnx operations to linalg, tensor, arith and math";
  let description = [{
    Lowers every supported onnx operation on static shapes to upstream
    dialects: contractions, convolutions, pooling and transposes to linalg
    named operations, elementwise operations (with numpy broadcasting) and
    reductions to `linalg.generic`, reshapes and slicing to tensor operations
    and `onnx.Constant` to `arith.constant`. Unsigned integer tensors become
    signless in the output, with unsigned arithmetic where it matters; the
    function signatures are converted accordingly.

    An unsupported operation, attribute value or dynamic shape fails the pass
    with an error at the operation's location (the ONNX node).

    Example:

    ```mlir
    %0 = "onnx.Relu"(%x) : (tensor<4xf32>) -> tensor<4xf32>
    // becomes
    %e = tensor.empty() : tensor<4xf32>
    %0 = linalg.generic {indexing_maps = [#id, #id],
                         iterator_types = ["parallel"]}
        ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {...}
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::func::FuncDialect"];
}

#endif // ZELLIGE_CONVERSION_PASSES_TD
