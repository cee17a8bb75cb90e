//===- HostTargetTest.cpp - Run host-compiled dispatches --------*- C++ -*-===//
//
// This file implements the host target's end-to-end unit tests: each test
// compiles an executable module with the target's pipeline and serializer,
// loads the relocatable object with ORC, runs every workgroup of each
// dispatch through its C ABI entry point, and compares the outputs with a
// naive C++ reference. The 512^3 matmul test also prints GFLOP/s on one
// thread (reported, never asserted).
//
//===----------------------------------------------------------------------===//

#include "targets/host/Passes.h"
#include "targets/host/runtime/KernelCall.h"
#include "zellige/Target/Target.h"

#include "dialects/kernel/KernelDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <random>

#include <sys/mman.h>
#include <unistd.h>

namespace zellige {
void registerHostTarget();
} // namespace zellige

using namespace zellige;

namespace {
/// A compiled and loaded executable module.
class Loaded {
public:
  static std::unique_ptr<Loaded> compile(const std::string &source,
                                         std::string &error) {
    static bool once = [] {
      llvm::InitializeNativeTarget();
      llvm::InitializeNativeTargetAsmPrinter();
      registerHostTarget();
      return true;
    }();
    (void)once;
    auto loaded = std::make_unique<Loaded>();
    mlir::DialectRegistry registry;
    host::registerHostDialects(registry);
    loaded->context.appendDialectRegistry(registry);
    loaded->context.loadAllAvailableDialects();
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(source, &loaded->context);
    if (!module) {
      error = "parse failed";
      return nullptr;
    }
    const TargetBackend *backend = lookupTargetBackend("host");
    if (!backend) {
      error = "no host target";
      return nullptr;
    }
    mlir::PassManager pm(&loaded->context);
    TargetOptions options;
    backend->buildPipeline(pm, options);
    if (mlir::failed(pm.run(*module))) {
      error = "pipeline failed";
      return nullptr;
    }
    mlir::FailureOr<TargetExecutable> exe =
        backend->serialize(*module, options);
    if (mlir::failed(exe)) {
      error = "serialize failed";
      return nullptr;
    }
    loaded->executable = std::move(*exe);
    auto jit = llvm::orc::LLJITBuilder().create();
    if (!jit) {
      error = llvm::toString(jit.takeError());
      return nullptr;
    }
    loaded->jit = std::move(*jit);
    auto generator =
        llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
            loaded->jit->getDataLayout().getGlobalPrefix());
    if (!generator) {
      error = llvm::toString(generator.takeError());
      return nullptr;
    }
    loaded->jit->getMainJITDylib().addGenerator(std::move(*generator));
    const std::vector<uint8_t> &bytes = loaded->executable.bytes;
    if (llvm::Error err = loaded->jit->addObjectFile(
            llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(
                reinterpret_cast<const char *>(bytes.data()), bytes.size())))) {
      error = llvm::toString(std::move(err));
      return nullptr;
    }
    return loaded;
  }

  /// Runs every workgroup of dispatch `name` on `bindings`.
  bool run(const std::string &name, std::vector<void *> bindings,
           int repeat = 1) {
    auto sym = executable.symbols.find(name);
    if (sym == executable.symbols.end())
      return false;
    auto addr = jit->lookup(sym->second);
    if (!addr) {
      llvm::consumeError(addr.takeError());
      return false;
    }
    auto fn = addr->toPtr<host::KernelFn>();
    int64_t count = executable.workgroupCounts.at(name)[0];
    for (int r = 0; r < repeat; ++r)
      for (int64_t w = 0; w < count; ++w)
        host::callHostKernel(fn, bindings.data(), w);
    return true;
  }

  mlir::MLIRContext context;
  TargetExecutable executable;
  std::unique_ptr<llvm::orc::LLJIT> jit;
};

std::vector<float> randomVector(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

void expectClose(const std::vector<float> &got, const std::vector<float> &want,
                 float tol) {
  ASSERT_EQ(got.size(), want.size());
  size_t bad = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= tol * (1.0f + std::fabs(want[i])))) {
      if (bad++ < 5)
        ADD_FAILURE() << "element " << i << ": got " << got[i] << ", want "
                      << want[i];
    }
  EXPECT_EQ(bad, 0u);
}

std::string matmulSource(int64_t m, int64_t n, int64_t k,
                         const std::string &config) {
  std::string a = std::to_string(m) + "x" + std::to_string(k);
  std::string b = std::to_string(k) + "x" + std::to_string(n);
  std::string c = std::to_string(m) + "x" + std::to_string(n);
  std::string ns = std::to_string(n);
  return R"(
#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
func.func @mm(%a: memref<)" +
         a + R"(xf32>, %b: memref<)" + b + R"(xf32>, %bias: memref<)" + ns +
         R"(xf32>, %c: memref<)" + c + R"(xf32>) )" +
         (config.empty() ? "" : "attributes {kernel.config = " + config + "}") +
         R"( {
  %cst = arith.constant 0.0 : f32
  %ta = bufferization.to_tensor %a restrict : memref<)" +
         a + R"(xf32> to tensor<)" + a + R"(xf32>
  %tb = bufferization.to_tensor %b restrict : memref<)" +
         b + R"(xf32> to tensor<)" + b + R"(xf32>
  %tbias = bufferization.to_tensor %bias restrict : memref<)" +
         ns + R"(xf32> to tensor<)" + ns + R"(xf32>
  %e = tensor.empty() : tensor<)" +
         c + R"(xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<)" +
         c + R"(xf32>) -> tensor<)" + c + R"(xf32>
  %m = linalg.matmul ins(%ta, %tb : tensor<)" +
         a + R"(xf32>, tensor<)" + b + R"(xf32>) outs(%f : tensor<)" + c +
         R"(xf32>) -> tensor<)" + c + R"(xf32>
  %e2 = tensor.empty() : tensor<)" +
         c + R"(xf32>
  %r = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%m, %tbias : tensor<)" +
         c + R"(xf32>, tensor<)" + ns + R"(xf32>) outs(%e2 : tensor<)" + c +
         R"(xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %z = arith.maximumf %s, %cst : f32
    linalg.yield %z : f32
  } -> tensor<)" +
         c + R"(xf32>
  bufferization.materialize_in_destination %r in restrict writable %c : (tensor<)" +
         c + R"(xf32>, memref<)" + c + R"(xf32>) -> ()
  return
}
)";
}

/// A copy of a vector placed between two inaccessible pages: its end touches
/// the page after it (`atEnd`), or its start is the first byte after the page
/// before it, so that any access outside it faults.
class Guarded {
public:
  Guarded(const std::vector<float> &data, bool atEnd) : size(data.size()) {
    page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t bytes = size * sizeof(float);
    size_t inner = (bytes + page - 1) / page * page;
    length = inner + 2 * page;
    void *map = mmap(nullptr, length, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
      return;
    base = static_cast<char *>(map);
    mprotect(base, page, PROT_NONE);
    mprotect(base + page + inner, page, PROT_NONE);
    ptr = reinterpret_cast<float *>(atEnd ? base + page + inner - bytes
                                          : base + page);
    std::memcpy(ptr, data.data(), bytes);
  }
  Guarded(const Guarded &) = delete;
  Guarded &operator=(const Guarded &) = delete;
  ~Guarded() {
    if (base)
      munmap(base, length);
  }
  float *data() const { return ptr; }
  std::vector<float> values() const { return {ptr, ptr + size}; }

private:
  size_t size, page = 0, length = 0;
  char *base = nullptr;
  float *ptr = nullptr;
};

/// The reference matmul + bias + ReLU.
std::vector<float> referenceMatmul(int64_t m, int64_t n, int64_t k,
                                   const std::vector<float> &a,
                                   const std::vector<float> &b,
                                   const std::vector<float> &bias) {
  std::vector<float> want(m * n);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t l = 0; l < k; ++l)
        acc += static_cast<double>(a[i * k + l]) * b[l * n + j];
      want[i * n + j] = std::max(0.0f, static_cast<float>(acc) + bias[j]);
    }
  return want;
}

/// Compiles and runs the matmul + bias + ReLU and compares with the reference.
/// With `guarded`, runs it again with every binding against a guard page,
/// after its end and then before its start, so that reads or writes outside
/// a binding fault. With `repeat`, prints the time of one run.
void checkMatmul(int64_t m, int64_t n, int64_t k, const std::string &config,
                 int repeat = 0, bool guarded = false) {
  std::string error;
  auto loaded = Loaded::compile(matmulSource(m, n, k, config), error);
  ASSERT_TRUE(loaded) << error;
  std::vector<float> a = randomVector(m * k, 1), b = randomVector(k * n, 2),
                     bias = randomVector(n, 3), c(m * n, -7.0f);
  ASSERT_TRUE(loaded->run("mm", {a.data(), b.data(), bias.data(), c.data()}));
  std::vector<float> want = referenceMatmul(m, n, k, a, b, bias);
  expectClose(c, want, 1e-4f);
  for (bool atEnd : {true, false}) {
    if (!guarded)
      break;
    SCOPED_TRACE(atEnd ? "bindings end at a guard page"
                       : "bindings start after a guard page");
    std::vector<float> init(m * n, -7.0f);
    Guarded ga(a, atEnd), gb(b, atEnd), gbias(bias, atEnd), gc(init, atEnd);
    ASSERT_TRUE(ga.data() && gb.data() && gbias.data() && gc.data());
    ASSERT_TRUE(
        loaded->run("mm", {ga.data(), gb.data(), gbias.data(), gc.data()}));
    expectClose(gc.values(), want, 1e-4f);
  }
  if (repeat > 0) {
    loaded->run("mm", {a.data(), b.data(), bias.data(), c.data()}, 2);
    auto start = std::chrono::steady_clock::now();
    loaded->run("mm", {a.data(), b.data(), bias.data(), c.data()}, repeat);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count() /
        repeat;
    std::printf("[host] %lldx%lldx%lld matmul+bias+relu, 1 thread: %.3f ms, "
                "%.1f GFLOP/s (%lld workgroups)\n",
                (long long)m, (long long)n, (long long)k, seconds * 1e3,
                2.0 * m * n * k / seconds * 1e-9,
                (long long)loaded->executable.workgroupCounts["mm"][0]);
  }
}
} // namespace

TEST(HostTarget, MatmulBiasReluHeuristic512) {
  checkMatmul(512, 512, 512, "", 10);
}

TEST(HostTarget, MatmulEveryKnobCombination) {
  // Odd shapes and every mix of workgroup / register tiles must stay correct.
  for (int64_t wg : {1, 8, 16, 48})
    for (int64_t tm : {1, 4, 8})
      for (int64_t tn : {1, 8, 16})
        for (int64_t tk : {1, 4}) {
          auto knob = [](const char *name, int64_t v) {
            std::string s = std::to_string(v);
            return std::string("#kernel.knob<\"") + name + "\" = " + s +
                   " in [" + s + "], \"user\">";
          };
          std::string config =
              "#kernel.config<\"matmul\", [" + knob("wg.0", wg) + ", " +
              knob("wg.1", wg) + ", " + knob("tile.0", tm) + ", " +
              knob("tile.1", tn) + ", " + knob("tile.2", tk) + "]>";
          SCOPED_TRACE(config);
          checkMatmul(48, 40, 12, config, /*repeat=*/0, /*guarded=*/true);
        }
}

// Kernels are JIT-linked code without the signature -fsanitize=function
// reads in the 8 bytes before a callee: calling one that starts its mapping,
// right after an unmapped page, must not read there (it used to SEGV in the
// asan preset's build whenever the linker put an entry point at the start of
// a fresh mapping).
TEST(HostTarget, KernelCallAtStartOfMapping) {
#if defined(__x86_64__)
  const unsigned char ret[] = {0xc3};
#elif defined(__aarch64__)
  const unsigned char ret[] = {0xc0, 0x03, 0x5f, 0xd6};
#else
  GTEST_SKIP() << "no return instruction known for this architecture";
  const unsigned char ret[] = {0};
#endif
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void *map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  char *code = static_cast<char *>(map) + page;
  std::memcpy(code, ret, sizeof(ret));
  ASSERT_EQ(mprotect(map, page, PROT_NONE), 0);
  ASSERT_EQ(mprotect(code, page, PROT_READ | PROT_EXEC), 0);
  __builtin___clear_cache(code, code + sizeof(ret));
  void *bindings[1] = {nullptr};
  host::callHostKernel(reinterpret_cast<host::KernelFn>(code), bindings, 0);
  munmap(map, 2 * page);
}

TEST(HostTarget, PaddedConvolution) {
  const char *source = R"(
func.func @conv(%x: memref<2x8x16x16xf32>, %w: memref<16x8x3x3xf32>, %y: memref<2x16x8x8xf32>) {
  %cst = arith.constant 0.0 : f32
  %tx = bufferization.to_tensor %x restrict : memref<2x8x16x16xf32> to tensor<2x8x16x16xf32>
  %tw = bufferization.to_tensor %w restrict : memref<16x8x3x3xf32> to tensor<16x8x3x3xf32>
  %p = tensor.pad %tx low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %cst : f32
  } : tensor<2x8x16x16xf32> to tensor<2x8x18x18xf32>
  %e = tensor.empty() : tensor<2x16x8x8xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %tw : tensor<2x8x18x18xf32>, tensor<16x8x3x3xf32>) outs(%f : tensor<2x16x8x8xf32>) -> tensor<2x16x8x8xf32>
  bufferization.materialize_in_destination %c in restrict writable %y : (tensor<2x16x8x8xf32>, memref<2x16x8x8xf32>) -> ()
  return
}
)";
  std::string error;
  auto loaded = Loaded::compile(source, error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_GT(loaded->executable.workgroupCounts["conv"][0], 1);
  std::vector<float> x = randomVector(2 * 8 * 16 * 16, 4),
                     w = randomVector(16 * 8 * 9, 5), y(2 * 16 * 64, 3.0f);
  ASSERT_TRUE(loaded->run("conv", {x.data(), w.data(), y.data()}));
  std::vector<float> want(y.size());
  for (int n = 0; n < 2; ++n)
    for (int f = 0; f < 16; ++f)
      for (int oh = 0; oh < 8; ++oh)
        for (int ow = 0; ow < 8; ++ow) {
          float acc = 0;
          for (int c = 0; c < 8; ++c)
            for (int kh = 0; kh < 3; ++kh)
              for (int kw = 0; kw < 3; ++kw) {
                int ih = oh * 2 + kh - 1, iw = ow * 2 + kw - 1;
                if (ih < 0 || iw < 0 || ih >= 16 || iw >= 16)
                  continue;
                acc += x[((n * 8 + c) * 16 + ih) * 16 + iw] *
                       w[((f * 8 + c) * 3 + kh) * 3 + kw];
              }
          want[((n * 16 + f) * 8 + oh) * 8 + ow] = acc;
        }
  expectClose(y, want, 1e-4f);
}

TEST(HostTarget, SoftmaxAndMath) {
  const char *source = R"(
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
func.func @softmax(%x: memref<6x100xf32>, %y: memref<6x100xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %t = bufferization.to_tensor %x restrict : memref<6x100xf32> to tensor<6x100xf32>
  %e0 = tensor.empty() : tensor<6xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e0 : tensor<6xf32>) -> tensor<6xf32>
  %m = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%t : tensor<6x100xf32>) outs(%m0 : tensor<6xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = arith.maximumf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<6xf32>
  %e1 = tensor.empty() : tensor<6x100xf32>
  %ex = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%t, %m : tensor<6x100xf32>, tensor<6xf32>) outs(%e1 : tensor<6x100xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    %r = math.exp %d : f32
    linalg.yield %r : f32
  } -> tensor<6x100xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<6xf32>) -> tensor<6xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%ex : tensor<6x100xf32>) outs(%s0 : tensor<6xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<6xf32>
  %e2 = tensor.empty() : tensor<6x100xf32>
  %out = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%ex, %s : tensor<6x100xf32>, tensor<6xf32>) outs(%e2 : tensor<6x100xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    %g = math.tanh %r : f32
    %h = math.erf %g : f32
    linalg.yield %h : f32
  } -> tensor<6x100xf32>
  bufferization.materialize_in_destination %out in restrict writable %y : (tensor<6x100xf32>, memref<6x100xf32>) -> ()
  return
}
)";
  std::string error;
  auto loaded = Loaded::compile(source, error);
  ASSERT_TRUE(loaded) << error;
  std::vector<float> x = randomVector(600, 6), y(600, 0.0f);
  for (float &v : x)
    v *= 4.0f;
  ASSERT_TRUE(loaded->run("softmax", {x.data(), y.data()}));
  std::vector<float> want(600);
  for (int i = 0; i < 6; ++i) {
    float mx = -INFINITY, sum = 0;
    for (int j = 0; j < 100; ++j)
      mx = std::max(mx, x[i * 100 + j]);
    for (int j = 0; j < 100; ++j)
      sum += std::exp(x[i * 100 + j] - mx);
    for (int j = 0; j < 100; ++j)
      want[i * 100 + j] =
          std::erf(std::tanh(std::exp(x[i * 100 + j] - mx) / sum));
  }
  expectClose(y, want, 1e-5f);
}

TEST(HostTarget, DefaultConfigOfMatmul) {
  std::string error;
  mlir::MLIRContext context;
  mlir::DialectRegistry registry;
  host::registerHostDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  registerHostTarget();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(matmulSource(512, 512, 512, ""),
                                              &context);
  ASSERT_TRUE(module);
  mlir::Operation *root = nullptr;
  module->walk([&](mlir::Operation *op) {
    if (op->getName().getStringRef() == "linalg.matmul")
      root = op;
  });
  ASSERT_TRUE(root);
  kernel::ConfigAttr config =
      lookupTargetBackend("host")->getDefaultConfig(root, TargetOptions());
  ASSERT_TRUE(config);
  EXPECT_EQ(config.getKind(), "matmul");
  EXPECT_EQ(config.getValue("wg.0", -1), 64);
  EXPECT_EQ(config.getValue("wg.1", -1), 128);
  EXPECT_EQ(config.getValue("tile.0", -1), 4);
  EXPECT_EQ(config.getValue("tile.1", -1), 16);
  EXPECT_EQ(config.getValue("tile.2", -1), 1);
  for (kernel::KnobAttr knob : config.getKnobs())
    EXPECT_TRUE(llvm::is_contained(knob.getLegal(), knob.getValue()))
        << knob.getName().str();
}
