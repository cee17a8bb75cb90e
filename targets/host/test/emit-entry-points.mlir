// RUN: zellige-opt %s --split-input-file --zellige-host-emit-entry-points --verify-diagnostics | FileCheck %s

// CHECK-LABEL: llvm.func internal @dispatch_0
// CHECK-SAME:    zellige.host.entry = "dispatch_0_entry"
// CHECK-LABEL: llvm.func @dispatch_0_entry
// CHECK-SAME:    (%[[B:.*]]: !llvm.ptr, %[[WG:.*]]: i64)
// CHECK:         %[[S0:.*]] = llvm.getelementptr inbounds %[[B]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:         %[[P0:.*]] = llvm.load %[[S0]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[S1:.*]] = llvm.getelementptr inbounds %[[B]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK:         %[[P1:.*]] = llvm.load %[[S1]] {alignment = 8 : i64} : !llvm.ptr -> !llvm.ptr
// CHECK:         llvm.call @dispatch_0(%[[P0]], %[[P1]], %[[WG]]) : (!llvm.ptr, !llvm.ptr, i64) -> ()
// CHECK:         llvm.return
llvm.func @dispatch_0(%a: !llvm.ptr, %b: !llvm.ptr, %wg: i64) attributes {zellige.host.workgroup_count = 4 : i64} {
  llvm.return
}

// -----

// expected-error @+1 {{was not lowered to (ptr..., i64) -> void}}
llvm.func @bad(%a: !llvm.ptr, %wg: i32) attributes {zellige.host.workgroup_count = 1 : i64} {
  llvm.return
}
