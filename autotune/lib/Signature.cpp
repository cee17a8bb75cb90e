//===- Signature.cpp - Kernel signatures ------------------------*- C++ -*-===//
//
// This file implements kernelSignature(): the dispatch is printed in generic
// op form, without locations, under a fixed name and with a config that
// keeps only the schedule kind; the text is hashed with xxh3-64.
//
//===----------------------------------------------------------------------===//

#include "zellige/Autotune/Signature.h"

#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;

std::string zellige::autotune::kernelSignature(kernel::DispatchOp dispatch) {
  // Print with the name and knobs neutralised, then restore them: the body
  // and the types are what makes two dispatches the same kernel.
  StringAttr name = dispatch.getSymNameAttr();
  kernel::ConfigAttr config = dispatch.getConfig();
  dispatch.setSymName("dispatch");
  dispatch.setConfigAttr(
      kernel::ConfigAttr::get(dispatch.getContext(), config.getKind(), {}));
  std::string text;
  {
    llvm::raw_string_ostream os(text);
    OpPrintingFlags flags;
    flags.printGenericOpForm().useLocalScope().assumeVerified();
    dispatch->print(os, flags);
  }
  dispatch.setSymNameAttr(name);
  dispatch.setConfigAttr(config);
  std::string hex;
  llvm::raw_string_ostream(hex)
      << llvm::format_hex_no_prefix(llvm::xxh3_64bits(text), 16);
  return hex;
}
