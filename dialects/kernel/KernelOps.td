//===- KernelOps.td - kernel dialect -----------------------*- tablegen -*-===//
//
// This file defines the kernel dialect: the level where scheduling lives. A
// `kernel.dispatch` holds one fused region on tensors that becomes one device
// kernel, and its `#kernel.config` names every tunable knob with its value,
// its legal values and where the value came from.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_DIALECT_KERNEL_KERNELOPS_TD
#define ZELLIGE_DIALECT_KERNEL_KERNELOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def Kernel_Dialect : Dialect {
  let name = "kernel";
  let summary = "Dispatches and their tunable schedules";
  let description = [{
    Each `kernel.dispatch` becomes one kernel on the target device. Its
    `#kernel.config` lists the schedule knobs (tile sizes per loop, vector
    width, ...) that the target's pipeline reads, that `--tile-sizes` and
    `--kernel-config` override, and that the autotuner searches.
  }];
  let cppNamespace = "::zellige::kernel";
  let useDefaultAttributePrinterParser = 1;
}

class Kernel_Attr<string name, string attrMnemonic>
    : AttrDef<Kernel_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def Kernel_KnobAttr : Kernel_Attr<"Knob", "knob"> {
  let summary = "One tunable schedule parameter";
  let description = [{
    A knob has a name, its current value, the values that are legal for this
    dispatch on this target, and the source of the value: `heuristic`,
    `user` (from `--tile-sizes` or `--kernel-config`) or `tuned` (from the
    tuning database).

    Example:

    ```mlir
    #kernel.knob<"tile.0" = 32 in [1, 2, 4, 8, 16, 32, 64], "heuristic">
    ```
  }];
  let parameters = (ins StringRefParameter<"knob name">:$name,
                        "int64_t":$value,
                        ArrayRefParameter<"int64_t", "legal values">:$legal,
                        StringRefParameter<"where the value came from">:$source);
  let assemblyFormat = "`<` $name `=` $value `in` `[` $legal `]` `,` $source `>`";
  let genVerifyDecl = 1;
}

def Kernel_ConfigAttr : Kernel_Attr<"Config", "config"> {
  let summary = "The schedule of one dispatch: its kind and its knobs";
  let description = [{
    `kind` names the schedule family (`matmul`, `conv`, `elementwise`,
    `reduction`, `generic`), which decides how the knobs are read.

    Example:

    ```mlir
    #kernel.config<"matmul", [#kernel.knob<"tile.0" = 8 in [1, 2, 4, 8], "heuristic">]>
    ```
  }];
  let parameters = (ins StringRefParameter<"schedule kind">:$kind,
                        ArrayRefParameter<"::zellige::kernel::KnobAttr", "knobs">:$knobs);
  let assemblyFormat = "`<` $kind `,` custom<KnobList>($knobs) `>`";
  let extraClassDeclaration = [{
    /// The knob called `name`, or null.
    KnobAttr getKnob(::llvm::StringRef name) const;
    /// The value of knob `name`, or `fallback` when there is none.
    int64_t getValue(::llvm::StringRef name, int64_t fallback) const;
    /// A copy with knob `name` set to `value` from `source`. The value must be
    /// legal; the caller checks.
    ConfigAttr withValue(::llvm::StringRef name, int64_t value,
                         ::llvm::StringRef source) const;
  }];
}

def Kernel_DispatchOp : Op<Kernel_Dialect, "dispatch",
    [IsolatedFromAbove, RecursiveMemoryEffects,
     SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "One fused region that becomes one device kernel";
  let description = [{
    The region's block arguments stand for the operands, in order; the values
    given to `kernel.yield` are the results. The region is isolated from
    above, so a target pipeline can outline it as a function unchanged.

    Example:

    ```mlir
    %r = kernel.dispatch @mm_0 (%a, %b : tensor<4x8xf32>, tensor<8x2xf32>)
           config #kernel.config<"matmul", [...]> -> tensor<4x2xf32> {
    ^bb0(%x: tensor<4x8xf32>, %y: tensor<8x2xf32>):
      %e = tensor.empty() : tensor<4x2xf32>
      %z = linalg.fill ins(%cst : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
      %m = linalg.matmul ins(%x, %y : tensor<4x8xf32>, tensor<8x2xf32>)
                         outs(%z : tensor<4x2xf32>) -> tensor<4x2xf32>
      kernel.yield %m : tensor<4x2xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, Variadic<AnyRankedTensor>:$inputs,
                       Kernel_ConfigAttr:$config);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name ` ` `(` ($inputs^ `:` type($inputs))? `)` `config` $config
    attr-dict-with-keyword (`->` type($results)^)? $body
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The operation that decides the schedule: the linalg op that is not
    /// elementwise, else the last linalg op in the body.
    ::mlir::Operation *getRootOp();
  }];
}

def Kernel_YieldOp : Op<Kernel_Dialect, "yield",
    [Pure, ReturnLike, Terminator, HasParent<"DispatchOp">]> {
  let summary = "Returns the results of a dispatch";
  let description = [{
    Example:

    ```mlir
    kernel.yield %r : tensor<4x2xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let builders = [OpBuilder<(ins), [{ /* nothing */ }]>];
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // ZELLIGE_DIALECT_KERNEL_KERNELOPS_TD
