//===- Conformance.cpp - zellige conformance --------------------*- C++ -*-===//
//
// This file implements `zellige conformance`: it walks ONNX backend test
// folders (model.onnx plus test_data_set_*/input_*.pb and output_*.pb),
// compiles each model through the real pipeline for one target, runs it on
// that target's device and compares every output with the ONNX backend
// tolerance (rtol 1e-3, atol 1e-7). Each test runs in a child process (the
// hidden `zellige conformance-case` subcommand) with a time limit, so that a
// crash or a hang becomes that test's result and the run goes on. Every test
// ends as exactly one of passed, failed (wrong numbers), unsupported (counted
// as skipped) or error.
//
//===----------------------------------------------------------------------===//

#include "Conformance.h"
#include "ChildProcess.h"
#include "Diagnostics.h"

#include "zellige/Compiler/Compiler.h"
#include "zellige/Compiler/Registration.h"
#include "zellige/Runtime/Bundle.h"
#include "zellige/Runtime/HAL.h"
#include "zellige/Runtime/HostTensor.h"
#include "zellige/Runtime/Session.h"
#include "zellige/Runtime/TensorIO.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <set>

using namespace llvm;
using namespace zellige;

namespace {

cl::OptionCategory category("zellige conformance options");

// --- conformance
// ---------------------------------------------------------------
cl::SubCommand conformanceCmd(
    "conformance",
    "Run ONNX backend tests: compile, run and compare each with the reference");
cl::list<std::string> dirs(cl::Positional, cl::desc("<DIR>..."), cl::OneOrMore,
                           cl::sub(conformanceCmd), cl::cat(category));
cl::opt<std::string> target("target", cl::desc("Target (default: host)"),
                            cl::init("host"), cl::sub(conformanceCmd),
                            cl::cat(category));
cl::opt<std::string> arch("arch", cl::desc("Target architecture (cuda: sm_XX)"),
                          cl::sub(conformanceCmd), cl::cat(category));
cl::opt<unsigned> jobs("jobs", cl::desc("Tests run at once (default: cores)"),
                       cl::init(0), cl::sub(conformanceCmd), cl::cat(category));
cl::opt<std::string> filter("filter",
                            cl::desc("Only tests whose name matches REGEX"),
                            cl::value_desc("REGEX"), cl::sub(conformanceCmd),
                            cl::cat(category));
cl::opt<std::string> jsonPath("json", cl::desc("Write per-test results here"),
                              cl::value_desc("FILE"), cl::sub(conformanceCmd),
                              cl::cat(category));
cl::opt<bool> compileOnly(
    "compile-only",
    cl::desc("Compile and serialize only; check each dumped kernel with ptxas "
             "(.ptx) or spirv-val (.spv) when installed"),
    cl::sub(conformanceCmd), cl::cat(category));
cl::opt<unsigned> timeout("timeout", cl::desc("Seconds per test (default 120)"),
                          cl::init(120), cl::sub(conformanceCmd),
                          cl::cat(category));
cl::opt<bool> quiet("quiet", cl::desc("Print only failures and the summary"),
                    cl::sub(conformanceCmd), cl::cat(category));

// --- conformance-case (the child)
// ----------------------------------------------
cl::SubCommand caseCmd("conformance-case",
                       "(internal) run one conformance test and print its "
                       "result as JSON");
cl::opt<std::string> caseDir(cl::Positional, cl::desc("<TESTDIR>"),
                             cl::Required, cl::sub(caseCmd));
cl::opt<std::string> caseTarget("target", cl::init("host"), cl::sub(caseCmd));
cl::opt<std::string> caseArch("arch", cl::sub(caseCmd));
cl::opt<bool> caseCompileOnly("compile-only", cl::sub(caseCmd));

/// ONNX's backend tolerance.
constexpr double kRtol = 1e-3, kAtol = 1e-7;

/// One test's result.
struct Result {
  std::string name, status, message, op;
  int64_t opset = 0;
  double maxError = 0;
  double seconds = 0;
};

json::Object toJSON(const Result &r) {
  return json::Object{{"test", r.name},       {"status", r.status},
                      {"message", r.message}, {"op", r.op},
                      {"opset", r.opset},     {"max_error", r.maxError},
                      {"seconds", r.seconds}};
}

/// The operators a test's model uses ("Conv", "Cast+Identity") and its
/// default-domain opset.
void describeModel(StringRef path, Result &r) {
  std::ifstream in(path.str(), std::ios::binary);
  onnx::ModelProto model;
  if (!in || !model.ParseFromIstream(&in))
    return;
  SmallVector<std::string> ops;
  for (const onnx::NodeProto &node : model.graph().node())
    if (!llvm::is_contained(ops, node.op_type()))
      ops.push_back(node.op_type());
  r.op = llvm::join(ops, "+");
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      r.opset = opset.version();
}

/// The shapes of the first data set's inputs, for every graph input whose
/// model type leaves a dimension open: bundles hold static shapes, so the
/// runner compiles each such test for the shapes its data has (as a user
/// would with `compile --input-shape`).
std::map<std::string, std::vector<int64_t>> pinnedInputShapes(StringRef dir) {
  std::map<std::string, std::vector<int64_t>> shapes;
  SmallString<256> modelPath(dir);
  sys::path::append(modelPath, "model.onnx");
  std::ifstream in(modelPath.str().str(), std::ios::binary);
  onnx::ModelProto model;
  if (!in || !model.ParseFromIstream(&in))
    return shapes;
  std::set<std::string> initializers;
  for (const onnx::TensorProto &t : model.graph().initializer())
    initializers.insert(t.name());
  int index = 0;
  for (const onnx::ValueInfoProto &vi : model.graph().input()) {
    if (initializers.count(vi.name()))
      continue;
    int position = index++;
    if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape() ||
        llvm::all_of(vi.type().tensor_type().shape().dim(),
                     [](const onnx::TensorShapeProto::Dimension &d) {
                       return d.has_dim_value();
                     }))
      continue;
    SmallString<256> data(dir);
    sys::path::append(data, "test_data_set_0",
                      "input_" + std::to_string(position) + ".pb");
    Expected<HostTensor> tensor = readTensorProto(data);
    if (!tensor) {
      consumeError(tensor.takeError());
      continue;
    }
    shapes[vi.name()] = tensor->shape;
  }
  return shapes;
}

/// Compares `got` with `want`; sets `maxError` and returns a message on a
/// mismatch.
std::optional<std::string> compare(const HostTensor &got,
                                   const HostTensor &want, double &maxError) {
  if (got.dtype != want.dtype)
    return formatv("output '{0}': dtype {1}, expected {2}", want.name,
                   dtypeName(got.dtype), dtypeName(want.dtype))
        .str();
  if (got.shape != want.shape)
    return formatv("output '{0}': shape {1}, expected {2}", want.name,
                   formatShape(got.shape), formatShape(want.shape))
        .str();
  if (want.dtype == DType::String) {
    for (size_t i = 0; i < want.strings.size(); ++i)
      if (i >= got.strings.size() || got.strings[i] != want.strings[i])
        return formatv("output '{0}': string {1} is \"{2}\", expected "
                       "\"{3}\"",
                       want.name, i,
                       i < got.strings.size() ? got.strings[i] : "",
                       want.strings[i])
            .str();
    return std::nullopt;
  }
  std::optional<std::vector<double>> a = asDoubles(got), b = asDoubles(want);
  if (!a || !b) {
    if (got.data != want.data)
      return formatv("output '{0}': values differ", want.name).str();
    return std::nullopt;
  }
  ToleranceCheck check = checkTolerance(*a, *b, kRtol, kAtol);
  maxError = std::max(maxError, check.maxError);
  if (check.mismatches)
    return formatv("output '{0}': {1} of {2} elements off (max abs error "
                   "{3:e}; first at {4}: got {5}, expected {6})",
                   want.name, check.mismatches, a->size(), check.maxError,
                   check.first, (*a)[check.first], (*b)[check.first])
        .str();
  return std::nullopt;
}

/// Whether a compiler message says the model uses something not supported.
bool isUnsupported(StringRef message) {
  return message.contains("unsupported") || message.contains("not supported") ||
         message.contains("does not support") ||
         message.contains("cannot import opset") ||
         // The importer refuses an op's newer form or a newer opset.
         message.contains("cannot be expressed at opset") ||
         message.contains("newer than the newest the importer knows");
}

/// The device that runs `target`'s executables.
std::string deviceFor(StringRef target) { return target.str(); }

std::string tool(StringRef name) {
  if (ErrorOr<std::string> path = sys::findProgramByName(name))
    return *path;
  if (ErrorOr<std::string> path =
          sys::findProgramByName(name, {"/usr/local/cuda/bin"}))
    return *path;
  return "";
}

/// Checks each dumped kernel with its vendor tool; returns an error message.
std::optional<std::string> checkDumpedKernels(StringRef dir, StringRef chip) {
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef path = it->path();
    SmallVector<StringRef> args;
    std::string program;
    std::string archFlag = ("-arch=" + chip).str();
    SmallString<256> out(dir);
    sys::path::append(out, "check.out");
    if (path.ends_with(".ptx")) {
      program = tool("ptxas");
      args = {program, archFlag, path, "-o", out};
    } else if (path.ends_with(".spv")) {
      program = tool("spirv-val");
      args = {program, path};
    } else {
      continue;
    }
    if (program.empty())
      continue;
    SmallString<256> log(dir);
    sys::path::append(log, "check.log");
    std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                            StringRef(log)};
    int rc = sys::ExecuteAndWait(program, args, std::nullopt, redirects, 120);
    if (rc != 0) {
      std::string text;
      if (auto buf = MemoryBuffer::getFile(log))
        text = (*buf)->getBuffer().trim().str();
      return (sys::path::filename(program) + " rejects " +
              sys::path::filename(path) + ": " + text)
          .str();
    }
  }
  return std::nullopt;
}

/// Runs one test in this process.
Result runCase(StringRef dir) {
  Result r;
  r.name = sys::path::filename(dir).str();
  SmallString<256> modelPath(dir);
  sys::path::append(modelPath, "model.onnx");
  describeModel(modelPath, r);

  SmallString<128> work;
  if (std::error_code ec =
          sys::fs::createUniqueDirectory("zellige-conformance", work)) {
    r.status = "error";
    r.message = "cannot create a work directory: " + ec.message();
    return r;
  }
  llvm::scope_exit cleanup([&] { sys::fs::remove_directories(work); });
  SmallString<256> bundlePath(work), kernels(work);
  sys::path::append(bundlePath, "model.zlg");
  sys::path::append(kernels, "kernels");

  // Compile, collecting the first error.
  {
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    mlir::MLIRContext context(registry);
    std::string firstError;
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      if (d.getSeverity() != mlir::DiagnosticSeverity::Error ||
          !firstError.empty())
        return mlir::success();
      std::string node;
      d.getLocation()->walk([&](mlir::Location loc) {
        if (auto name = dyn_cast<mlir::NameLoc>(loc)) {
          node = name.getName().str();
          return mlir::WalkResult::interrupt();
        }
        return mlir::WalkResult::advance();
      });
      firstError = (node.empty() ? "" : "node '" + node + "': ") + d.str();
      return mlir::success();
    });
    CompileOptions options;
    options.inputPath = modelPath.str().str();
    options.outputPath = bundlePath.str().str();
    options.inputShapes = pinnedInputShapes(dir);
    options.targets = {caseTarget};
    options.targetOptions.arch = caseArch;
    options.compileOnly = caseCompileOnly;
    if (caseCompileOnly)
      options.targetOptions.dumpKernelsDir = kernels.str().str();
    if (failed(compileModel(context, options, llvm::nulls()))) {
      r.message = firstError.empty() ? "compilation failed" : firstError;
      r.status = isUnsupported(r.message) ? "unsupported" : "error";
      return r;
    }
  }
  if (caseCompileOnly) {
    std::string chip = caseArch.empty() ? "sm_80" : caseArch.getValue();
    if (std::optional<std::string> bad = checkDumpedKernels(kernels, chip)) {
      r.status = "error";
      r.message = *bad;
      return r;
    }
    r.status = "passed";
    return r;
  }

  // Run every data set.
  hal::registerRuntimeDrivers();
  Expected<std::unique_ptr<Bundle>> bundle = Bundle::open(bundlePath);
  if (!bundle) {
    r.status = "error";
    r.message = toString(bundle.takeError());
    return r;
  }
  Expected<std::unique_ptr<Session>> session =
      Session::create(**bundle, deviceFor(caseTarget), SessionOptions{});
  if (!session) {
    r.status = "error";
    r.message = toString(session.takeError());
    return r;
  }
  const BundleManifest &manifest = (*bundle)->manifest();
  std::vector<std::string> sets;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (sys::path::filename(it->path()).starts_with("test_data_set_"))
      sets.push_back(it->path());
  llvm::sort(sets);
  if (sets.empty()) {
    r.status = "error";
    r.message = "no test_data_set_* folder";
    return r;
  }
  auto readSet = [&](StringRef set, StringRef prefix,
                     std::vector<HostTensor> &tensors) -> Error {
    for (unsigned i = 0;; ++i) {
      SmallString<256> path(set);
      sys::path::append(path, (prefix + Twine(i) + ".pb").str());
      if (!sys::fs::exists(path))
        return Error::success();
      Expected<HostTensor> t = readTensorProto(path);
      if (!t)
        return t.takeError();
      tensors.push_back(std::move(*t));
    }
  };
  for (const std::string &set : sets) {
    std::vector<HostTensor> inputs, expected, outputs;
    if (Error e = readSet(set, "input_", inputs)) {
      r.status = "error";
      r.message = toString(std::move(e));
      return r;
    }
    if (Error e = readSet(set, "output_", expected)) {
      r.status = "error";
      r.message = toString(std::move(e));
      return r;
    }
    // Unnamed protos bind to the model's inputs in order.
    for (auto [i, t] : llvm::enumerate(inputs))
      if (t.name.empty() && i < manifest.inputs.size())
        t.name = manifest.inputs[i].name;
    // The older test data stores bfloat16 tensors as their uint16 bits
    // (numpy has no bfloat16): take those bits as bfloat16.
    for (HostTensor &t : inputs)
      for (const TensorDesc &d : manifest.inputs)
        if (d.name == t.name && d.dtype == DType::BF16 &&
            t.dtype == DType::U16)
          t.dtype = DType::BF16;
    if (Error e = (*session)->run(inputs, outputs)) {
      r.status = "error";
      r.message = toString(std::move(e));
      return r;
    }
    if (outputs.size() != expected.size()) {
      r.status = "failed";
      r.message =
          formatv("{0} outputs, expected {1}", outputs.size(), expected.size());
      return r;
    }
    for (auto [i, want] : llvm::enumerate(expected)) {
      const HostTensor *got = &outputs[i];
      for (const HostTensor &o : outputs)
        if (!want.name.empty() && o.name == want.name)
          got = &o;
      if (want.name.empty())
        want.name = got->name;
      if (got->dtype == DType::BF16 && want.dtype == DType::U16)
        want.dtype = DType::BF16;
      if (std::optional<std::string> bad = compare(*got, want, r.maxError)) {
        r.status = "failed";
        r.message = sys::path::filename(set).str() + ": " + *bad;
        return r;
      }
    }
  }
  r.status = "passed";
  return r;
}

/// The test folders under each of `roots` that match the filter, sorted.
std::vector<std::string> findTests(ArrayRef<std::string> roots,
                                   std::string &error) {
  std::vector<std::string> tests;
  Regex re(filter.empty() ? ".*" : filter.getValue());
  std::string reError;
  if (!re.isValid(reError)) {
    error = "--filter: " + reError;
    return {};
  }
  auto isTest = [](StringRef dir) {
    SmallString<256> model(dir);
    sys::path::append(model, "model.onnx");
    return sys::fs::exists(model);
  };
  for (const std::string &root : roots) {
    if (!sys::fs::is_directory(root)) {
      error = root + ": not a directory";
      return {};
    }
    std::vector<std::string> found;
    if (isTest(root)) {
      found.push_back(root);
    } else {
      std::error_code ec;
      for (sys::fs::directory_iterator it(root, ec), end; it != end && !ec;
           it.increment(ec))
        if (isTest(it->path()))
          found.push_back(it->path());
      if (ec) {
        error = root + ": " + ec.message();
        return {};
      }
    }
    llvm::sort(found);
    for (std::string &t : found)
      if (re.match(sys::path::filename(t)))
        tests.push_back(std::move(t));
  }
  return tests;
}

/// Runs one test in a child process with the time limit.
Result runChild(StringRef self, StringRef dir) {
  Result r;
  r.name = sys::path::filename(dir).str();
  SmallString<128> outPath;
  int fd;
  if (sys::fs::createTemporaryFile("zellige-case", "out", fd, outPath)) {
    r.status = "error";
    r.message = "cannot create a temporary file";
    return r;
  }
  sys::Process::SafelyCloseFileDescriptor(fd);
  llvm::scope_exit cleanup([&] { sys::fs::remove(outPath); });
  SmallVector<std::string> args = {self.str(), "conformance-case", dir.str(),
                                   "--target", target.getValue()};
  if (!arch.empty())
    args.append({"--arch", arch.getValue()});
  if (compileOnly)
    args.push_back("--compile-only");
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::optional<StringRef> redirects[] = {StringRef(""), StringRef(outPath),
                                          StringRef(outPath)};
  auto start = std::chrono::steady_clock::now();
  std::string errMsg;
  int rc = runWithTimeout(self, argRefs, redirects, timeout, errMsg);
  r.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::string text;
  if (auto buf = MemoryBuffer::getFile(outPath))
    text = (*buf)->getBuffer().str();
  // The child's last line is its JSON result.
  StringRef rest(text);
  StringRef last;
  while (!rest.empty()) {
    auto [line, tail] = rest.split('\n');
    if (line.trim().starts_with("{"))
      last = line.trim();
    rest = tail;
  }
  if (!last.empty()) {
    if (Expected<json::Value> v = json::parse(last)) {
      if (const json::Object *o = v->getAsObject()) {
        r.status = o->getString("status").value_or("error").str();
        r.message = o->getString("message").value_or("").str();
        r.op = o->getString("op").value_or("").str();
        r.opset = o->getInteger("opset").value_or(0);
        r.maxError = o->getNumber("max_error").value_or(0);
        return r;
      }
    } else {
      consumeError(v.takeError());
    }
  }
  r.status = "error";
  if (r.seconds >= timeout)
    r.message = formatv("timed out after {0} s", timeout.getValue());
  else if (rc == kLaunchFailed)
    r.message = "cannot start the test process: " + errMsg;
  else if (rc < 0)
    r.message = "the test process crashed" +
                (errMsg.empty() ? std::string() : ": " + errMsg);
  else
    r.message = formatv("the test process exited {0} without a result", rc);
  StringRef tail = StringRef(text).trim();
  if (!tail.empty())
    r.message += " (" + tail.take_back(300).str() + ")";
  return r;
}

int runConformance(const char *argv0, void *mainAddr) {
  std::string error;
  std::vector<std::string> tests = findTests(dirs, error);
  if (!error.empty()) {
    errs() << "zellige: error: " << error << "\n";
    return 1;
  }
  if (tests.empty()) {
    errs() << "zellige: error: no ONNX backend tests (folders with "
              "model.onnx) under "
           << llvm::join(dirs, ", ") << "\n";
    return 1;
  }
  std::string self = sys::fs::getMainExecutable(argv0, mainAddr);
  std::vector<Result> results(tests.size());
  std::mutex printMutex;
  std::atomic<unsigned> done{0};
  {
    DefaultThreadPool pool(hardware_concurrency(jobs));
    for (size_t i = 0; i < tests.size(); ++i)
      pool.async([&, i] {
        results[i] = runChild(self, tests[i]);
        std::lock_guard<std::mutex> lock(printMutex);
        unsigned n = ++done;
        const Result &r = results[i];
        if (quiet && r.status == "passed")
          return;
        if (quiet && r.status == "unsupported")
          return;
        outs() << formatv("[{0}/{1}] {2} {3}", n, tests.size(),
                          StringRef(r.status).upper(), r.name);
        if (!r.message.empty())
          outs() << ": " << r.message;
        outs() << "\n";
        outs().flush();
      });
    pool.wait();
  }
  unsigned passed = 0, skipped = 0, failed = 0;
  for (const Result &r : results) {
    if (r.status == "passed")
      ++passed;
    else if (r.status == "unsupported")
      ++skipped;
    else
      ++failed;
  }
  if (!jsonPath.empty()) {
    json::Array array;
    for (const Result &r : results)
      array.push_back(toJSON(r));
    json::Object root{{"target", target.getValue()},
                      {"compile_only", compileOnly.getValue()},
                      {"dirs", json::Array(dirs)},
                      {"passed", passed},
                      {"failed", failed},
                      {"skipped", skipped},
                      {"results", std::move(array)}};
    std::error_code ec;
    raw_fd_ostream os(jsonPath, ec);
    if (ec) {
      errs() << "zellige: error: " << jsonPath << ": " << ec.message() << "\n";
      return 1;
    }
    os << formatv("{0:2}", json::Value(std::move(root))) << "\n";
  }
  outs() << passed << " passed, " << failed << " failed, " << skipped
         << " skipped\n";
  return failed ? 1 : 0;
}

int runConformanceCase() {
  Result r = runCase(caseDir);
  outs() << "\n" << json::Value(toJSON(r)) << "\n";
  return 0;
}

} // namespace

cl::OptionCategory &zellige::getConformanceCategory() { return category; }

std::optional<int> zellige::runConformanceSubcommands(const char *argv0,
                                                      void *mainAddr) {
  if (conformanceCmd)
    return runConformance(argv0, mainAddr);
  if (caseCmd)
    return runConformanceCase();
  return std::nullopt;
}
