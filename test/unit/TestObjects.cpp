//===- TestObjects.cpp - Host objects and bundles for unit tests ----------===//
//
// This file implements the shared unit-test helpers: IR compilation to a
// host object, the test kernels and manifest, and temporary directories.
//
//===----------------------------------------------------------------------===//

#include "TestObjects.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

#include <cstring>
#include <mutex>

using namespace llvm;

namespace zellige::test {

Expected<std::vector<uint8_t>> compileIRToObject(StringRef ir) {
  static std::once_flag once;
  std::call_once(once, [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
  });
  LLVMContext ctx;
  SMDiagnostic diag;
  std::unique_ptr<Module> mod = parseAssemblyString(ir, diag, ctx);
  if (!mod) {
    std::string msg;
    raw_string_ostream os(msg);
    diag.print("test-ir", os);
    return createStringError(inconvertibleErrorCode(), msg);
  }
  Triple triple(sys::getProcessTriple());
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return createStringError(inconvertibleErrorCode(), error);
  std::unique_ptr<TargetMachine> tm(target->createTargetMachine(
      triple, sys::getHostCPUName(), "", TargetOptions(), Reloc::PIC_));
  mod->setTargetTriple(triple);
  mod->setDataLayout(tm->createDataLayout());
  SmallVector<char, 0> buffer;
  raw_svector_ostream os(buffer);
  legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr, CodeGenFileType::ObjectFile))
    return createStringError(inconvertibleErrorCode(),
                             "the target cannot emit objects");
  pm.run(*mod);
  return std::vector<uint8_t>(buffer.begin(), buffer.end());
}

std::string testKernelIR() {
  std::string ir = R"(
declare float @expf(float)
declare float @ldexpf(float, i32)

define void @zlg_exp_add(ptr %bindings, i64 %wg) {
entry:
  %a = load ptr, ptr %bindings
  %bp = getelementptr ptr, ptr %bindings, i64 1
  %b = load ptr, ptr %bp
  %op = getelementptr ptr, ptr %bindings, i64 2
  %out = load ptr, ptr %op
  %start = mul i64 %wg, {1}
  %end0 = add i64 %start, {1}
  %lt = icmp slt i64 %end0, {0}
  %end = select i1 %lt, i64 %end0, i64 {0}
  br label %loop
loop:
  %i = phi i64 [ %start, %entry ], [ %next, %body ]
  %done = icmp sge i64 %i, %end
  br i1 %done, label %exit, label %body
body:
  %pa = getelementptr float, ptr %a, i64 %i
  %va = load float, ptr %pa
  %e = call float @expf(float %va)
  %pb = getelementptr float, ptr %b, i64 %i
  %vb = load float, ptr %pb
  %s = fadd float %e, %vb
  %po = getelementptr float, ptr %out, i64 %i
  store float %s, ptr %po
  %next = add i64 %i, 1
  br label %loop
exit:
  ret void
}

define void @zlg_scale(ptr %bindings, i64 %wg) {
entry:
  %in = load ptr, ptr %bindings
  %op = getelementptr ptr, ptr %bindings, i64 1
  %out = load ptr, ptr %op
  %start = mul i64 %wg, {1}
  %end0 = add i64 %start, {1}
  %lt = icmp slt i64 %end0, {0}
  %end = select i1 %lt, i64 %end0, i64 {0}
  br label %loop
loop:
  %i = phi i64 [ %start, %entry ], [ %next, %body ]
  %done = icmp sge i64 %i, %end
  br i1 %done, label %exit, label %body
body:
  %pi = getelementptr float, ptr %in, i64 %i
  %v = load float, ptr %pi
  %s = call float @ldexpf(float %v, i32 1)
  %po = getelementptr float, ptr %out, i64 %i
  store float %s, ptr %po
  %next = add i64 %i, 1
  br label %loop
exit:
  ret void
}
)";
  // Substitute the sizes for their placeholders.
  auto replaceAll = [&](StringRef from, StringRef to) {
    for (size_t pos = ir.find(from); pos != std::string::npos;
         pos = ir.find(from, pos + to.size()))
      ir.replace(pos, from.size(), to.str());
  };
  replaceAll("{0}", std::to_string(kElems));
  replaceAll("{1}", std::to_string(kChunk));
  return ir;
}

BundleManifest testManifest() {
  BundleManifest m;
  m.producer = "zellige-unittest";
  m.modelName = "exp_add_scale.onnx";
  uint64_t bytes = kElems * sizeof(float);
  auto tensor = [&](StringRef name, uint32_t buffer) {
    TensorDesc t;
    t.name = name.str();
    t.dtype = DType::F32;
    t.shape = {kElems};
    t.buffer = buffer;
    return t;
  };
  m.inputs = {tensor("x", 0)};
  m.outputs = {tensor("y", 3), tensor("z", 4)};
  m.buffers = {
      {BufferDesc::Kind::Input, bytes, 0, 0},
      {BufferDesc::Kind::Constant, bytes, 64, 0},
      {BufferDesc::Kind::Transient, bytes, 128, 0},
      {BufferDesc::Kind::Output, bytes, 0, 0},
      {BufferDesc::Kind::Output, bytes, 0, 1},
  };
  m.arenaSize = 128 + bytes;
  DispatchDesc d0;
  d0.name = "dispatch_0_exp_add";
  d0.symbol = "zlg_exp_add";
  d0.bindings = {0, 1, 2};
  d0.workgroups = {kElems};
  d0.location = "node_exp_add";
  DispatchDesc d1;
  d1.name = "dispatch_1_scale";
  d1.symbol = "zlg_scale";
  d1.bindings = {2, 3};
  d1.workgroups = {kElems};
  d1.location = "node_scale";
  m.dispatches = {d0, d1};
  StepDesc s0, s1, s2;
  s0.kind = StepDesc::Kind::Dispatch;
  s0.dispatch = 0;
  s1.kind = StepDesc::Kind::Dispatch;
  s1.dispatch = 1;
  s2.kind = StepDesc::Kind::Copy;
  s2.src = 3;
  s2.dst = 4;
  m.steps = {s0, s1, s2};
  ExecutableDesc e;
  e.target = "host";
  e.format = "elf-relocatable";
  e.section = "exe.host";
  // The second dispatch launches its 16 workgroups as a 4x2x2 grid.
  e.workgroupCounts = {{kGroups, 1, 1}, {4, 2, 2}};
  e.properties = {{"triple", "host"}};
  m.executables = {e};
  return m;
}

std::vector<uint8_t> testWeights() {
  std::vector<uint8_t> w(64 + kElems * sizeof(float), 0);
  for (int64_t i = 0; i < kElems; ++i) {
    float v = float(i) * 0.5f;
    std::memcpy(w.data() + 64 + i * sizeof(float), &v, sizeof(float));
  }
  return w;
}

TempDir::TempDir() {
  SmallString<128> path;
  if (std::error_code ec =
          sys::fs::createUniqueDirectory("zellige-unittest", path))
    report_fatal_error(Twine("cannot create a temporary directory: ") +
                       ec.message());
  dir = path.str().str();
}

TempDir::~TempDir() { sys::fs::remove_directories(dir); }

std::string TempDir::path(StringRef name) const {
  SmallString<128> p(dir);
  sys::path::append(p, name);
  return p.str().str();
}

} // namespace zellige::test
