//===- zellige.cpp - The zellige command-line driver ------------*- C++ -*-===//
//
// This file implements the `zellige` CLI:
//   zellige compile MODEL.onnx [--target host] [-o OUT.zlg] [--emit ...]
//   zellige run OUT.zlg [--device host] [--threads N] --input NAME=FILE ...
//   zellige devices
//   zellige tune MODEL.onnx --target T [--budget N] [--db FILE] (Tune.cpp)
//   zellige targets / zellige estimate MODEL.onnx --target P (Targets.cpp)
//   zellige --version
// Each subcommand has --help. Errors are one line naming the file and the
// ONNX node, and the exit status is 1.
//
//===----------------------------------------------------------------------===//

#include "Conformance.h"
#include "Diagnostics.h"
#include "Targets.h"
#include "Tune.h"

#include "zellige/Compiler/Compiler.h"
#include "zellige/Compiler/Registration.h"
#include "zellige/Runtime/Bundle.h"
#include "zellige/Runtime/HAL.h"
#include "zellige/Runtime/Session.h"
#include "zellige/Runtime/TensorIO.h"
#include "zellige/Target/Target.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <sstream>

using namespace llvm;
using namespace zellige;

namespace {

cl::OptionCategory category("zellige options");

// --- compile
// ------------------------------------------------------------------
cl::SubCommand compileCmd("compile",
                          "Compile an ONNX model into a .zlg bundle");
cl::opt<std::string> compileInput(cl::Positional, cl::desc("<MODEL.onnx>"),
                                  cl::Required, cl::sub(compileCmd),
                                  cl::cat(category));
cl::opt<std::string> compileTarget(
    "target",
    cl::desc("Targets to compile for, comma-separated (default: host); a "
             "device profile such as h20 means its target, arch and profile"),
    cl::init("host"), cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string>
    compileOutput("o", cl::desc("Output bundle (default: MODEL.zlg)"),
                  cl::value_desc("OUT.zlg"), cl::sub(compileCmd),
                  cl::cat(category));
cl::opt<std::string> compileEmit(
    "emit",
    cl::desc("Stop after a phase and print its IR: onnx, linalg, kernel, "
             "gpu (GPU targets: the kernels before serialization), llvm "
             "(host: the LLVM dialect)"),
    cl::value_desc("phase"), cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> compileTileSizes(
    "tile-sizes",
    cl::desc("Override tile knobs: '[<dispatch or kind>=]<t0>x<t1>x...', "
             "several separated by ';'"),
    cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> compileKernelConfig(
    "kernel-config",
    cl::desc("TOML file of knob values per dispatch name or [kind.<kind>]"),
    cl::value_desc("FILE"), cl::sub(compileCmd), cl::cat(category));
cl::list<std::string> compileInputShapes(
    "input-shape",
    cl::desc("Fix a symbolic input shape: NAME=1x3x224x224 (repeatable)"),
    cl::sub(compileCmd), cl::cat(category));
cl::opt<unsigned> compileStringBytes(
    "string-bytes",
    cl::desc("Bytes each element of a string tensor takes in the bundle "
             "(UTF-8, NUL-padded; longer input strings are refused when "
             "running; default 64)"),
    cl::init(64), cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> compileArch(
    "arch",
    cl::desc("Target architecture: sm_75|sm_80|sm_86|sm_89|sm_90 for cuda "
             "(default sm_80); a profile name for opencl"),
    cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> compileProfile(
    "profile",
    cl::desc("Device profile for GPU schedules: a built-in name (pocl-cpu, "
             "opencl-generic, nvidia-sm80, nvidia-sm90) or a .toml file"),
    cl::sub(compileCmd), cl::cat(category));
cl::opt<bool> compileOnly(
    "compile-only",
    cl::desc("Compile and serialize every kernel but write no bundle"),
    cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> compileDumpKernels(
    "dump-kernels", cl::desc("Write every kernel as its target sees it to DIR"),
    cl::value_desc("DIR"), cl::sub(compileCmd), cl::cat(category));
cl::opt<bool> compilePrintIR("print-ir-after-all",
                             cl::desc("Print the IR after every pass"),
                             cl::sub(compileCmd), cl::cat(category));
cl::opt<bool> compileVerbose("verbose", cl::desc("Print notes and progress"),
                             cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> compileTuningDB(
    "tuning-db",
    cl::desc("Use the fastest schedules `zellige tune` recorded in FILE for "
             "the device"),
    cl::value_desc("FILE"), cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> compileDevice(
    "device",
    cl::desc("With --tuning-db: the device whose measurements to use "
             "(default: the target's driver, e.g. opencl)"),
    cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> compileTuningDevice(
    "tuning-device",
    cl::desc("With --tuning-db: a device fingerprint (zellige devices) "
             "instead of opening --device"),
    cl::value_desc("FINGERPRINT"), cl::sub(compileCmd), cl::cat(category));
cl::opt<std::string> compileKnobDefaults(
    "knob-defaults",
    cl::desc("Where knob values come from when nothing was tuned: heuristic "
             "(default) or cost-model (the schedule the roofline cost model "
             "estimates fastest on the target's profile, for devices that "
             "are not here to tune on)"),
    cl::init("heuristic"), cl::sub(compileCmd), cl::cat(category));

// --- run ---------------------------------------------------------------------
cl::SubCommand runCmd("run", "Run a .zlg bundle on a device");
cl::opt<std::string> runBundle(cl::Positional, cl::desc("<BUNDLE.zlg>"),
                               cl::Required, cl::sub(runCmd),
                               cl::cat(category));
cl::opt<std::string> runDevice(
    "device",
    cl::desc("Device to run on: host, opencl[:N], cuda[:N], or auto (default: "
             "the first of cuda, opencl, host that runs the bundle)"),
    cl::init("auto"), cl::sub(runCmd), cl::cat(category));
cl::opt<unsigned> runThreads("threads",
                             cl::desc("Host threads (default 0: all cores)"),
                             cl::init(0), cl::sub(runCmd), cl::cat(category));
cl::list<std::string>
    runInputs("input",
              cl::desc("NAME=FILE, FILE a .npy or an ONNX TensorProto .pb"),
              cl::sub(runCmd), cl::cat(category));
cl::opt<std::string>
    runOutputDir("output-dir", cl::desc("Write each output as DIR/<name>.npy"),
                 cl::value_desc("DIR"), cl::sub(runCmd), cl::cat(category));
cl::opt<unsigned>
    runRepeat("repeat",
              cl::desc("Run N times and print the latency distribution"),
              cl::init(0), cl::sub(runCmd), cl::cat(category));
cl::opt<unsigned>
    runWarmup("warmup", cl::desc("Untimed runs before --repeat (default 2)"),
              cl::init(2), cl::sub(runCmd), cl::cat(category));

// --- devices -----------------------------------------------------------------
cl::SubCommand devicesCmd("devices",
                          "List the devices this machine can run on");

int fail(const Twine &message) {
  errs() << "zellige: error: " << message << "\n";
  return 1;
}

int failWith(Error error) { return fail(toString(std::move(error))); }

std::optional<std::vector<int64_t>> parseDims(StringRef text) {
  std::vector<int64_t> dims;
  SmallVector<StringRef> parts;
  text.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d < 0)
      return std::nullopt;
    dims.push_back(d);
  }
  return dims;
}

int runCompile() {
  CompileOptions options;
  options.inputPath = compileInput;
  if (!sys::fs::exists(options.inputPath))
    return fail(options.inputPath + ": no such file");
  options.tileSizes = compileTileSizes;
  options.kernelConfig = compileKernelConfig;
  options.targetOptions.arch = compileArch;
  options.targetOptions.profile = compileProfile;
  // An item of --target may be a device profile (h20: cuda, sm_90, h20).
  if (Error error = resolveTargetList(compileTarget, options))
    return failWith(std::move(error));
  options.compileOnly = compileOnly;
  options.targetOptions.dumpKernelsDir = compileDumpKernels;
  // Graph-compiler targets (ascend, cambricon): `-o DIR` is their package.
  registerAllTargets();
  bool packageOnly = !options.targets.empty() && compileDumpKernels.empty() &&
                     !compileOutput.empty() &&
                     !StringRef(compileOutput).ends_with_insensitive(".zlg") &&
                     llvm::all_of(options.targets, [](const std::string &t) {
                       const TargetBackend *b = lookupTargetBackend(t);
                       return b && b->writesPackage();
                     });
  if (packageOnly) {
    options.targetOptions.dumpKernelsDir = compileOutput;
    options.compileOnly = true;
  }
  options.printIRAfterAll = compilePrintIR;
  if (compileKnobDefaults == "cost-model")
    options.costModelDefaults = true;
  else if (compileKnobDefaults != "heuristic")
    return fail("--knob-defaults: expected heuristic or cost-model, not '" +
                compileKnobDefaults + "'");
  if (!compileTuningDB.empty()) {
    options.tuningDB = compileTuningDB;
    hal::registerRuntimeDrivers();
    for (const std::string &t : options.targets) {
      if (!compileTuningDevice.empty()) {
        options.tuningDevices[t] = compileTuningDevice;
        continue;
      }
      std::string name = compileDevice.empty() || options.targets.size() > 1
                             ? t
                             : compileDevice.getValue();
      Expected<std::unique_ptr<hal::Device>> dev = hal::createDevice(name);
      if (!dev) {
        std::string why = toString(dev.takeError());
        if (!compileDevice.empty())
          return fail("--device: cannot open '" + name + "': " + why);
        errs() << "zellige: warning: --tuning-db: no " << t
               << " device to match measurements (" << why
               << "); using heuristic knobs for " << t << "\n";
        continue;
      }
      options.tuningDevices[t] = (*dev)->fingerprint();
    }
  }
  for (const std::string &spec : compileInputShapes) {
    auto [name, dims] = StringRef(spec).rsplit('=');
    std::optional<std::vector<int64_t>> shape = parseDims(dims);
    if (name.empty() || !shape)
      return fail("--input-shape: expected NAME=D0xD1x..., got '" + spec + "'");
    options.inputShapes[name.str()] = *shape;
  }
  if (compileStringBytes < 1 || compileStringBytes > (1u << 20))
    return fail("--string-bytes: expected 1 to 1048576, got " +
                std::to_string(compileStringBytes));
  options.stringBytes = compileStringBytes;
  StringRef emit = compileEmit;
  if (emit.empty())
    options.emit = EmitPhase::None;
  else if (emit == "onnx")
    options.emit = EmitPhase::ONNX;
  else if (emit == "linalg")
    options.emit = EmitPhase::Linalg;
  else if (emit == "kernel")
    options.emit = EmitPhase::Kernel;
  else if (emit == "llvm" || emit == "gpu")
    options.emit = EmitPhase::LLVM;
  else
    return fail("--emit: unknown phase '" + emit +
                "' (expected onnx, linalg, kernel, gpu or llvm)");
  if (compileOutput.empty()) {
    SmallString<128> out(sys::path::filename(options.inputPath));
    sys::path::replace_extension(out, "zlg");
    options.outputPath = std::string(out);
  } else {
    options.outputPath = compileOutput;
  }

  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  OneLineDiagnosticHandler handler(context, options.inputPath, compileVerbose);
  auto start = std::chrono::steady_clock::now();
  if (failed(compileModel(context, options, outs())))
    return handler.errorCount()
               ? 1
               : fail(options.inputPath + ": compilation failed");
  if (options.emit == EmitPhase::None) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    outs() << "compiled " << options.inputPath << " for " << compileTarget
           << " -> "
           << (packageOnly ? "package " + compileOutput +
                                 " (its README.md has the vendor command)"
               : options.compileOnly
                   ? std::string("(no bundle: --compile-only)")
                   : options.outputPath)
           << " (" << format("%.2f", seconds) << " s)\n";
  }
  return 0;
}

std::string formatValues(const HostTensor &t, size_t limit) {
  std::ostringstream os;
  os << std::setprecision(6);
  size_t n = std::min<size_t>(t.numElements().value_or(0), limit);
  for (size_t i = 0; i < n; ++i) {
    if (i)
      os << ", ";
    switch (t.dtype) {
    case DType::F32:
      os << t.values<float>()[i];
      break;
    case DType::F64:
      os << t.values<double>()[i];
      break;
    case DType::I64:
      os << t.values<int64_t>()[i];
      break;
    case DType::I32:
      os << t.values<int32_t>()[i];
      break;
    case DType::I8:
      os << int(t.values<int8_t>()[i]);
      break;
    case DType::U8:
    case DType::Bool:
      os << int(t.values<uint8_t>()[i]);
      break;
    case DType::String:
      os << '"' << t.strings[i] << '"';
      break;
    default:
      os << "?";
    }
  }
  if (t.numElements().value_or(0) > limit)
    os << ", ...";
  return os.str();
}

int runRun() {
  hal::registerRuntimeDrivers();
  Expected<std::unique_ptr<Bundle>> bundle = Bundle::open(runBundle);
  if (!bundle)
    return failWith(bundle.takeError());
  std::vector<HostTensor> inputs;
  for (const std::string &spec : runInputs) {
    auto [name, file] = StringRef(spec).split('=');
    if (name.empty() || file.empty())
      return fail("--input: expected NAME=FILE, got '" + spec + "'");
    Expected<HostTensor> tensor = readTensorFile(file);
    if (!tensor)
      return failWith(tensor.takeError());
    tensor->name = name.str();
    inputs.push_back(std::move(*tensor));
  }
  SessionOptions sessionOptions;
  sessionOptions.threads = runThreads;
  Expected<std::unique_ptr<Session>> session =
      Session::create(**bundle, runDevice, sessionOptions);
  if (!session)
    return failWith(session.takeError());
  // With several executables, say which device --device auto chose.
  if (runDevice == "auto" && (*bundle)->manifest().executables.size() > 1)
    errs() << "zellige: running on " << (*session)->device().name() << " ("
           << (*session)->device().fingerprint() << ")\n";

  std::vector<HostTensor> outputs;
  if (Error error = (*session)->run(inputs, outputs))
    return failWith(std::move(error));
  if (runRepeat > 0) {
    for (unsigned i = 0; i < runWarmup; ++i)
      if (Error error = (*session)->run(inputs, outputs))
        return failWith(std::move(error));
    std::vector<double> ms;
    for (unsigned i = 0; i < runRepeat; ++i) {
      auto start = std::chrono::steady_clock::now();
      if (Error error = (*session)->run(inputs, outputs))
        return failWith(std::move(error));
      ms.push_back(std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count());
    }
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) {
      size_t idx = std::min(ms.size() - 1,
                            size_t(std::ceil(p * ms.size())) - (p > 0 ? 1 : 0));
      return ms[idx];
    };
    double median = ms.size() % 2
                        ? ms[ms.size() / 2]
                        : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
    outs() << format(
        "latency: median %.3f ms, p90 %.3f ms, min %.3f ms over %u runs\n",
        median, pct(0.9), ms.front(), unsigned(ms.size()));
  }
  if (!runOutputDir.empty()) {
    if (std::error_code ec = sys::fs::create_directories(runOutputDir))
      return fail(runOutputDir + ": cannot create directory: " + ec.message());
  }
  for (const HostTensor &out : outputs) {
    outs() << out.name << ": " << dtypeName(out.dtype) << " "
           << formatShape(out.shape) << " = [" << formatValues(out, 8) << "]\n";
    if (!runOutputDir.empty()) {
      SmallString<256> path(runOutputDir);
      sys::path::append(path, out.name + ".npy");
      if (Error error = writeNpy(path, out))
        return failWith(std::move(error));
    }
  }
  return 0;
}

int runDevices() {
  hal::registerRuntimeDrivers();
  std::vector<std::string> unavailable;
  std::vector<hal::DeviceInfo> devices = hal::enumerateDevices(&unavailable);
  for (const hal::DeviceInfo &d : devices)
    outs() << d.name << "\t" << d.driver << "\t" << d.description << "\t"
           << d.fingerprint << "\n";
  for (const std::string &reason : unavailable)
    outs() << "unavailable: " << reason << "\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category, &getConformanceCategory(),
                            &getTuneCategory(), &getTargetsCategory(),
                            &getEstimateCategory()});
  cl::SetVersionPrinter([](raw_ostream &os) {
    os << "zellige " ZELLIGE_VERSION " (LLVM/MLIR " LLVM_VERSION_STRING ")\n";
  });
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "Zellige: compile ONNX models for CPUs, GPUs and accelerators\n\n"
          "  zellige compile MODEL.onnx --target host -o model.zlg\n"
          "  zellige run model.zlg --device host --input x=x.npy "
          "--output-dir out\n",
          &errs()))
    return 1;
  if (compileCmd)
    return runCompile();
  if (runCmd)
    return runRun();
  if (devicesCmd)
    return runDevices();
  if (std::optional<int> rc =
          runConformanceSubcommands(argv[0], reinterpret_cast<void *>(&main)))
    return *rc;
  if (std::optional<int> rc =
          runTuneSubcommands(argv[0], reinterpret_cast<void *>(&main)))
    return *rc;
  if (std::optional<int> rc =
          runTargetsSubcommands(argv[0], reinterpret_cast<void *>(&main)))
    return *rc;
  errs() << "zellige: error: expected a subcommand: compile, run, devices, "
            "conformance, tune, report, targets or estimate "
            "(see zellige --help)\n";
  return 1;
}
