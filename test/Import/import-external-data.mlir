// External tensor data is read only from inside the model's own folder:
// in-folder files (with offset/length) load; absolute locations, `..`
// escapes, symbolic links leading out, missing files and out-of-bounds
// ranges are each refused with an error naming the file and the tensor.

// RUN: rm -rf %t.dir && mkdir -p %t.dir/m
// RUN: %python %S/Inputs/gen_model.py ext_ok %t.dir/m/ok.onnx
// RUN: zellige-translate --import-onnx %t.dir/m/ok.onnx | FileCheck %s --check-prefix=OK
// RUN: %python %S/Inputs/gen_model.py ext_offset %t.dir/m/offset.onnx
// RUN: zellige-translate --import-onnx %t.dir/m/offset.onnx | FileCheck %s --check-prefix=OFFSET
// RUN: %python %S/Inputs/gen_model.py ext_absolute %t.dir/m/absolute.onnx
// RUN: not zellige-translate --import-onnx %t.dir/m/absolute.onnx 2>&1 | FileCheck %s --check-prefix=ABSOLUTE
// RUN: %python %S/Inputs/gen_model.py ext_dotdot %t.dir/m/dotdot.onnx
// RUN: not zellige-translate --import-onnx %t.dir/m/dotdot.onnx 2>&1 | FileCheck %s --check-prefix=DOTDOT
// RUN: %python %S/Inputs/gen_model.py ext_dotdot_inner %t.dir/m/inner.onnx
// RUN: not zellige-translate --import-onnx %t.dir/m/inner.onnx 2>&1 | FileCheck %s --check-prefix=INNER
// RUN: %python %S/Inputs/gen_model.py ext_symlink %t.dir/m/link.onnx
// RUN: not zellige-translate --import-onnx %t.dir/m/link.onnx 2>&1 | FileCheck %s --check-prefix=SYMLINK
// RUN: %python %S/Inputs/gen_model.py ext_missing %t.dir/m/missing.onnx
// RUN: not zellige-translate --import-onnx %t.dir/m/missing.onnx 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: %python %S/Inputs/gen_model.py ext_out_of_bounds %t.dir/m/oob.onnx
// RUN: not zellige-translate --import-onnx %t.dir/m/oob.onnx 2>&1 | FileCheck %s --check-prefix=OOB

// OK-LABEL: func.func @main(
// OK: %[[W:.*]] = "onnx.Constant"() <{value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}>
// OK: "onnx.Add"(%{{.*}}, %[[W]])

// OFFSET: "onnx.Constant"() <{value = dense<[3.000000e+00, 4.000000e+00]> : tensor<2xf32>}>

// ABSOLUTE: absolute.onnx:0:0: error: ONNX model '{{.*}}absolute.onnx': tensor 'w': external data file '/etc/passwd': absolute locations are refused
// DOTDOT: dotdot.onnx:0:0: error: ONNX model '{{.*}}dotdot.onnx': tensor 'w': external data file '../secret.bin': '..' is refused
// INNER: error: {{.*}}tensor 'w': external data file 'sub/../../secret.bin': '..' is refused
// SYMLINK: error: {{.*}}tensor 'w': external data file 'link.onnx.link.bin': it resolves to '{{.*}}link.onnx.outside.bin', outside the model's folder
// MISSING: error: {{.*}}tensor 'w': external data file 'missing.bin': cannot open it: No such file or directory
// OOB: error: {{.*}}tensor 'w': external data file 'small.bin': offset 0 + length 8 is past its end (4 bytes)
