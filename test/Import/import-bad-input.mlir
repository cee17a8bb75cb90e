// Bad files and bad models give one clear error each, never a crash.

// RUN: %python %S/Inputs/gen_model.py empty %t.empty.onnx
// RUN: not zellige-translate --import-onnx %t.empty.onnx 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: %python %S/Inputs/gen_model.py truncated %t.truncated.onnx
// RUN: not zellige-translate --import-onnx %t.truncated.onnx 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: %python %S/Inputs/gen_model.py garbage %t.garbage.onnx
// RUN: not zellige-translate --import-onnx %t.garbage.onnx 2>&1 | FileCheck %s --check-prefix=GARBAGE
// RUN: %python %S/Inputs/gen_model.py unsupported_op %t.unsupported.onnx
// RUN: not zellige-translate --import-onnx %t.unsupported.onnx 2>&1 | FileCheck %s --check-prefix=FOREIGN
// RUN: %python %S/Inputs/gen_model.py unknown_default_op %t.unknown.onnx
// RUN: not zellige-translate --import-onnx %t.unknown.onnx 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: %python %S/Inputs/gen_model.py new_op %t.newop.onnx
// RUN: not zellige-translate --import-onnx %t.newop.onnx 2>&1 | FileCheck %s --check-prefix=NEWOP
// RUN: %python %S/Inputs/gen_model.py short_initializer %t.short.onnx
// RUN: not zellige-translate --import-onnx %t.short.onnx 2>&1 | FileCheck %s --check-prefix=SHORT
// RUN: %python %S/Inputs/gen_model.py short_raw_initializer %t.shortraw.onnx
// RUN: not zellige-translate --import-onnx %t.shortraw.onnx 2>&1 | FileCheck %s --check-prefix=SHORTRAW
// RUN: %python %S/Inputs/gen_model.py undefined_input %t.undefined.onnx
// RUN: not zellige-translate --import-onnx %t.undefined.onnx 2>&1 | FileCheck %s --check-prefix=UNDEFINED
// RUN: %python %S/Inputs/gen_model.py bad_matmul %t.badmatmul.onnx
// RUN: not zellige-translate --import-onnx %t.badmatmul.onnx 2>&1 | FileCheck %s --check-prefix=BADMATMUL
// RUN: %python %S/Inputs/gen_model.py opset18_dynamic_axes %t.dynaxes.onnx
// RUN: not zellige-translate --import-onnx %t.dynaxes.onnx 2>&1 | FileCheck %s --check-prefix=DYNAXES
// RUN: not zellige-translate --import-onnx %t.does-not-exist.onnx 2>&1 | FileCheck %s --check-prefix=NOFILE

// EMPTY: empty.onnx:0:0: error: failed to parse ONNX model '{{.*}}empty.onnx': the file is empty
// EMPTY-NOT: error
// TRUNCATED: error: failed to parse ONNX model '{{.*}}truncated.onnx': the protobuf is malformed or truncated
// GARBAGE: error: failed to parse ONNX model '{{.*}}garbage.onnx': the protobuf is malformed or truncated
// FOREIGN: error: unsupported operator 'FancyOp' (domain 'com.example', opset 1) at node 'fancy'
// UNKNOWN: error: unsupported operator 'NoSuchOp' (domain '', opset 17) at node 'mystery'
// NEWOP: error: unsupported operator 'BitwiseAnd' (domain '', opset 18) at node 'bits'
// SHORT: error: initializer 'w' is shorter than its shape: it holds 3 elements of data, but shape [2, 3] needs 6
// SHORTRAW: error: initializer 'w' is shorter than its shape: it holds 2 elements of data, but shape [2, 3] needs 6
// UNDEFINED: error: ONNX checker failed for '{{.*}}undefined.onnx': {{.*}}input 'ghost' of node
// BADMATMUL: error: ONNX shape inference failed for '{{.*}}badmatmul.onnx': {{.*}}(op_type:MatMul, node name: mm_bad): {{.*}}Incompatible dimensions
// DYNAXES: error: node 'rmax' (ReduceMax): opset 18 form of ReduceMax cannot be expressed at opset 17: its 'axes' input is not a constant
// NOFILE: cannot open input file '{{.*}}does-not-exist.onnx'
