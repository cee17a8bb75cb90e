//===- SignatureTest.cpp - Kernel signature tests ---------------*- C++ -*-===//
//
// This file tests kernelSignature(): dispatches that differ only in name,
// knob values and locations share a signature; a different body, type or
// schedule kind changes it; and computing it leaves the dispatch unchanged.
//
//===----------------------------------------------------------------------===//

#include "zellige/Autotune/Signature.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace zellige;

namespace {

constexpr const char *kModule = R"mlir(
func.func @f(%a: tensor<4xf32>, %b: tensor<8xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<8xf32>, tensor<4xf32>) {
  %0 = kernel.dispatch @d0 (%a : tensor<4xf32>) config <"elementwise", [<"tile.0" = 2 in [1, 2, 4], "heuristic">]> -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    %r = arith.addf %x, %x : tensor<4xf32>
    kernel.yield %r : tensor<4xf32>
  } loc("first")
  %1 = kernel.dispatch @d1 (%0 : tensor<4xf32>) config <"elementwise", [<"tile.0" = 4 in [1, 2, 4], "user">]> -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    %r = arith.addf %x, %x : tensor<4xf32>
    kernel.yield %r : tensor<4xf32>
  } loc("second")
  %2 = kernel.dispatch @d2 (%a : tensor<4xf32>) config <"elementwise", [<"tile.0" = 2 in [1, 2, 4], "heuristic">]> -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    %r = arith.mulf %x, %x : tensor<4xf32>
    kernel.yield %r : tensor<4xf32>
  }
  %3 = kernel.dispatch @d3 (%b : tensor<8xf32>) config <"elementwise", [<"tile.0" = 2 in [1, 2, 4], "heuristic">]> -> tensor<8xf32> {
  ^bb0(%x: tensor<8xf32>):
    %r = arith.addf %x, %x : tensor<8xf32>
    kernel.yield %r : tensor<8xf32>
  }
  %4 = kernel.dispatch @d4 (%a : tensor<4xf32>) config <"generic", [<"tile.0" = 2 in [1, 2, 4], "heuristic">]> -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    %r = arith.addf %x, %x : tensor<4xf32>
    kernel.yield %r : tensor<4xf32>
  }
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<8xf32>, tensor<4xf32>
}
)mlir";

TEST(SignatureTest, IdenticalDispatchesShareIt) {
  MLIRContext context;
  context.loadDialect<kernel::KernelDialect, arith::ArithDialect,
                      func::FuncDialect>();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &context);
  ASSERT_TRUE(module);
  std::vector<kernel::DispatchOp> dispatches;
  module->walk([&](kernel::DispatchOp d) { dispatches.push_back(d); });
  ASSERT_EQ(dispatches.size(), 5u);
  std::string before;
  {
    llvm::raw_string_ostream os(before);
    module->print(os);
  }
  std::vector<std::string> sigs;
  for (kernel::DispatchOp d : dispatches)
    sigs.push_back(autotune::kernelSignature(d));
  EXPECT_EQ(sigs[0].size(), 16u);
  EXPECT_EQ(sigs[0], sigs[1]); // Name, knobs and location differ only.
  EXPECT_NE(sigs[0], sigs[2]); // Another body.
  EXPECT_NE(sigs[0], sigs[3]); // Another type.
  EXPECT_NE(sigs[0], sigs[4]); // Another schedule kind.
  std::string after;
  {
    llvm::raw_string_ostream os(after);
    module->print(os);
  }
  EXPECT_EQ(before, after);
}

} // namespace
