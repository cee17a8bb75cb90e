//===- Tune.cpp - zellige tune ----------------------------------*- C++ -*-===//
//
// This file implements `zellige tune`, the autotuner driver. It compiles the
// model to configured dispatches in process, groups the dispatches by kernel
// signature (identical dispatches are tuned once), and measures the default
// schedule once in a child process, which also writes random inputs and the
// reference outputs. Then, until the budget or the time limit is spent, a
// greedy scheduler picks the dispatch group with the largest share of the
// model's time and the most recent improvement, its strategy proposes a
// schedule, and a child process (the hidden `zellige tune-candidate`)
// compiles the model with it, checks every output against the reference and
// times the dispatch with per-dispatch profiling. Every result is committed
// to the tuning database as soon as it is known, keyed by the device's
// fingerprint, so a rerun skips what was measured and resumes. With a device
// profile that has peaks and a bandwidth, the cost model (lib/Analysis)
// estimates every schedule: `model` starts from the best estimates, --prune
// drops schedules far behind the best one, and --list-estimates prints them.
//
//===----------------------------------------------------------------------===//

#include "Tune.h"

#include "ChildProcess.h"
#include "Report.h"
#include "Targets.h"

#include "zellige/Analysis/CostModel.h"
#include "zellige/Autotune/SearchSpace.h"
#include "zellige/Autotune/Signature.h"
#include "zellige/Autotune/Strategy.h"
#include "zellige/Autotune/TuningDB.h"
#include "zellige/Codegen/GPU/DeviceProfile.h"
#include "zellige/Compiler/Compiler.h"
#include "zellige/Compiler/Registration.h"
#include "zellige/Runtime/Bundle.h"
#include "zellige/Runtime/HAL.h"
#include "zellige/Runtime/HostTensor.h"
#include "zellige/Runtime/Session.h"
#include "zellige/Runtime/TensorIO.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
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
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <fcntl.h>
#include <map>
#include <mutex>
#include <random>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

using namespace llvm;
using namespace zellige;
using namespace zellige::autotune;

namespace {

cl::OptionCategory category("zellige tune options");

// --- tune --------------------------------------------------------------------
cl::SubCommand tuneCmd("tune",
                       "Autotune the dispatch schedules of a model on a device "
                       "and record them in the tuning database");
cl::opt<std::string> model(cl::Positional, cl::desc("<MODEL.onnx>"),
                           cl::Required, cl::sub(tuneCmd), cl::cat(category));
cl::opt<std::string> target("target", cl::desc("Target (default: host)"),
                            cl::init("host"), cl::sub(tuneCmd),
                            cl::cat(category));
cl::opt<std::string> device("device",
                            cl::desc("Device to measure on (default: the "
                                     "target's driver, e.g. opencl)"),
                            cl::sub(tuneCmd), cl::cat(category));
cl::opt<std::string> arch("arch", cl::desc("Target architecture, as compile"),
                          cl::sub(tuneCmd), cl::cat(category));
cl::opt<std::string> profile("profile",
                             cl::desc("Device profile, as compile --profile"),
                             cl::sub(tuneCmd), cl::cat(category));
cl::opt<unsigned> budget("budget",
                         cl::desc("Candidates to measure, over all dispatches "
                                  "(default 32, unless --time-limit is given)"),
                         cl::init(0), cl::sub(tuneCmd), cl::cat(category));
cl::opt<double> timeLimit("time-limit",
                          cl::desc("Seconds after which no new candidate "
                                   "starts"),
                          cl::init(0), cl::sub(tuneCmd), cl::cat(category));
cl::opt<std::string>
    strategyName("strategy",
                 cl::desc("Search strategy: model (default), anneal, genetic, "
                          "random or exhaustive"),
                 cl::sub(tuneCmd), cl::cat(category));
cl::opt<std::string> dbPath("db",
                            cl::desc("Tuning database (default: "
                                     "$XDG_CACHE_HOME/zellige/tuning.db)"),
                            cl::value_desc("FILE"), cl::sub(tuneCmd),
                            cl::cat(category));
cl::opt<unsigned> jobs("jobs",
                       cl::desc("Candidates compiled at once (default 1); "
                                "measurements never overlap"),
                       cl::init(1), cl::sub(tuneCmd), cl::cat(category));
cl::opt<uint64_t> seed("seed", cl::desc("Seed of the strategies and inputs"),
                       cl::init(0), cl::sub(tuneCmd), cl::cat(category));
cl::opt<std::string> logPath("log",
                             cl::desc("Append one JSON line per measurement"),
                             cl::value_desc("FILE"), cl::sub(tuneCmd),
                             cl::cat(category));
cl::opt<unsigned> candidateTimeout(
    "candidate-timeout",
    cl::desc("Seconds per candidate (compile, check and timing; default 120)"),
    cl::init(120), cl::sub(tuneCmd), cl::cat(category));
cl::opt<unsigned> repeat("repeat",
                         cl::desc("Timed runs per candidate (default 10)"),
                         cl::init(10), cl::sub(tuneCmd), cl::cat(category));
cl::opt<unsigned> warmup("warmup",
                         cl::desc("Untimed runs per candidate (default 2)"),
                         cl::init(2), cl::sub(tuneCmd), cl::cat(category));
cl::opt<unsigned> threads("threads",
                          cl::desc("Host threads (default 0: all cores)"),
                          cl::init(0), cl::sub(tuneCmd), cl::cat(category));
cl::opt<std::string> onlyKnobs(
    "knobs",
    cl::desc("Tune only these knobs (comma-separated names, as --emit kernel "
             "lists them); the others keep their heuristic values"),
    cl::value_desc("NAMES"), cl::sub(tuneCmd), cl::cat(category));
cl::opt<int64_t> maxWorkgroupSize(
    "max-workgroup-size",
    cl::desc("GPU targets: the largest workgroup to try (default: from the "
             "device profile)"),
    cl::init(0), cl::sub(tuneCmd), cl::cat(category));
cl::opt<double> prune(
    "prune",
    cl::desc("Skip schedules whose cost-model estimate is more than F times "
             "the best estimate of their dispatch (default 0: off)"),
    cl::value_desc("F"), cl::init(0), cl::sub(tuneCmd), cl::cat(category));
cl::opt<bool> listEstimates(
    "list-estimates",
    cl::desc("Print the cost model's estimate of every legal schedule of "
             "every kernel as JSON lines, and measure nothing"),
    cl::init(false), cl::sub(tuneCmd), cl::cat(category));
cl::opt<bool> estimatePrior(
    "estimate-prior",
    cl::desc("model strategy: rank the first proposals by the cost model's "
             "estimate instead of at random (default true)"),
    cl::init(true), cl::sub(tuneCmd), cl::cat(category));

// --- tune-candidate (the child)
// ------------------------------------------------
cl::SubCommand candCmd("tune-candidate",
                       "(internal) compile, check and time one schedule and "
                       "print the result as JSON");
cl::opt<std::string> candModel(cl::Positional, cl::desc("<MODEL.onnx>"),
                               cl::Required, cl::sub(candCmd));
cl::opt<std::string> candTarget("target", cl::init("host"), cl::sub(candCmd));
cl::opt<std::string> candDevice("device", cl::sub(candCmd));
cl::opt<std::string> candArch("arch", cl::sub(candCmd));
cl::opt<std::string> candProfile("profile", cl::sub(candCmd));
cl::opt<std::string> candConfig("kernel-config", cl::sub(candCmd));
cl::opt<std::string> candWork("work", cl::Required, cl::sub(candCmd));
cl::opt<bool> candReference("write-reference", cl::sub(candCmd));
cl::opt<std::string> candDispatches("dispatches", cl::sub(candCmd));
cl::opt<unsigned> candWarmup("warmup", cl::init(2), cl::sub(candCmd));
cl::opt<unsigned> candRepeat("repeat", cl::init(10), cl::sub(candCmd));
cl::opt<unsigned> candThreads("threads", cl::init(0), cl::sub(candCmd));
cl::opt<uint64_t> candSeed("seed", cl::init(0), cl::sub(candCmd));

/// Outputs match the default schedule's within this relative tolerance
/// (plus a small absolute one for values near zero).
constexpr double kRtol = 1e-3, kAtol = 1e-5;
/// Timings are re-measured while (p90 - p10) / median is above this, at
/// most kMaxRounds rounds of --repeat runs.
constexpr double kMaxSpread = 0.2;
constexpr unsigned kMaxRounds = 3;

//===----------------------------------------------------------------------===//
// The child: one candidate
//===----------------------------------------------------------------------===//

std::string workFile(StringRef name) {
  SmallString<256> path(candWork);
  sys::path::append(path, name);
  return std::string(path);
}

/// Random inputs for `m`, the same for a seed: floats in [-1, 1), integers
/// and booleans 0 or 1, strings of random lowercase letters.
std::vector<HostTensor> randomInputs(const BundleManifest &m, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> real(-1, 1);
  std::vector<HostTensor> inputs;
  for (const TensorDesc &d : m.inputs) {
    HostTensor t;
    t.name = d.name;
    t.dtype = d.dtype;
    t.shape = d.shape;
    uint64_t n = numElements(d.shape).value_or(0);
    if (d.dtype == DType::String) {
      // Words of lowercase letters that fit the bundle's string width.
      for (uint64_t i = 0; i < n; ++i) {
        std::string word(1 + rng() % std::min<uint32_t>(d.stringBytes, 8),
                         'a');
        for (char &c : word)
          c = char('a' + rng() % 26);
        t.strings.push_back(std::move(word));
      }
      inputs.push_back(std::move(t));
      continue;
    }
    size_t width = dtypeSize(d.dtype);
    t.data.assign(n * width, 0);
    for (uint64_t i = 0; i < n; ++i) {
      uint8_t *at = t.data.data() + i * width;
      switch (d.dtype) {
      case DType::F32: {
        float v = real(rng);
        memcpy(at, &v, 4);
        break;
      }
      case DType::F64: {
        double v = real(rng);
        memcpy(at, &v, 8);
        break;
      }
      case DType::F16:
      case DType::BF16: {
        APFloat v(real(rng));
        bool lost;
        v.convert(d.dtype == DType::F16 ? APFloat::IEEEhalf()
                                        : APFloat::BFloat(),
                  APFloat::rmNearestTiesToEven, &lost);
        uint16_t bits = v.bitcastToAPInt().getZExtValue();
        memcpy(at, &bits, 2);
        break;
      }
      default:
        at[0] = rng() & 1; // Little-endian 0 or 1 of any integer width.
      }
    }
    inputs.push_back(std::move(t));
  }
  return inputs;
}

/// Compares `got` with the reference; a message on a mismatch.
std::optional<std::string> compare(const HostTensor &got,
                                   const HostTensor &want) {
  if (got.dtype != want.dtype || got.shape != want.shape)
    return formatv("output '{0}': {1} {2}, expected {3} {4}", got.name,
                   dtypeName(got.dtype), formatShape(got.shape),
                   dtypeName(want.dtype), formatShape(want.shape))
        .str();
  std::optional<std::vector<double>> a = asDoubles(got), b = asDoubles(want);
  if (!a || !b) {
    if (got.data != want.data || got.strings != want.strings)
      return formatv("output '{0}': values differ", got.name).str();
    return std::nullopt;
  }
  ToleranceCheck check = checkTolerance(*a, *b, kRtol, kAtol);
  if (check.mismatches)
    return formatv("output '{0}': {1} of {2} elements differ from the default "
                   "schedule (max abs error {3:e}; first at {4}: {5} vs {6})",
                   got.name, check.mismatches, a->size(), check.maxError,
                   check.first, (*a)[check.first], (*b)[check.first])
        .str();
  return std::nullopt;
}

double median(std::vector<double> v) {
  if (v.empty())
    return 0;
  llvm::sort(v);
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// (p90 - p10) / median.
double spreadOf(std::vector<double> v) {
  if (v.size() < 2)
    return 0;
  llvm::sort(v);
  double m = median(v);
  auto at = [&](double p) { return v[size_t(p * (v.size() - 1) + 0.5)]; };
  return m > 0 ? (at(0.9) - at(0.1)) / m : 0;
}

json::Object candidateResult(StringRef status, StringRef message) {
  // json::Value keeps a StringRef by reference: copy.
  return json::Object{{"status", status.str()}, {"message", message.str()}};
}

/// Holds an exclusive lock on the work folder's measure.lock while alive,
/// so that candidates compiled in parallel are timed one at a time.
struct MeasureLock {
  int fd = -1;
  MeasureLock() {
    fd = ::open(workFile("measure.lock").c_str(), O_CREAT | O_RDWR, 0644);
    if (fd >= 0)
      ::flock(fd, LOCK_EX);
  }
  ~MeasureLock() {
    if (fd >= 0) {
      ::flock(fd, LOCK_UN);
      ::close(fd);
    }
  }
};

json::Object runCandidate() {
  bool isCandidate = !candConfig.empty();
  if (isCandidate && sys::Process::GetEnv("ZELLIGE_TUNE_TEST_HANG"))
    for (;;) // Test hook: a candidate that never finishes.
      std::this_thread::sleep_for(std::chrono::seconds(60));

  SmallString<128> bundlePath;
  int fd;
  if (sys::fs::createUniqueFile(workFile("candidate-%%%%%%%%.zlg"), fd,
                                bundlePath))
    return candidateResult("crash", "cannot create a bundle file");
  sys::Process::SafelyCloseFileDescriptor(fd);
  scope_exit cleanup([&] { sys::fs::remove(bundlePath); });
  {
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    mlir::MLIRContext context(registry);
    std::string firstError;
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      if (d.getSeverity() == mlir::DiagnosticSeverity::Error &&
          firstError.empty())
        firstError = d.str();
      return mlir::success();
    });
    CompileOptions options;
    options.inputPath = candModel;
    options.outputPath = bundlePath.str().str();
    options.targets = {candTarget};
    options.targetOptions.arch = candArch;
    options.targetOptions.profile = candProfile;
    options.kernelConfig = candConfig;
    if (failed(compileModel(context, options, nulls())))
      return candidateResult("compile-error", firstError.empty()
                                                  ? "compilation failed"
                                                  : firstError);
  }

  hal::registerRuntimeDrivers();
  Expected<std::unique_ptr<Bundle>> bundle = Bundle::open(bundlePath);
  if (!bundle)
    return candidateResult("compile-error", toString(bundle.takeError()));
  SessionOptions sessionOptions;
  sessionOptions.threads = candThreads;
  sessionOptions.profile = true;
  std::string deviceName = candDevice.empty() ? candTarget : candDevice;
  Expected<std::unique_ptr<Session>> session =
      Session::create(**bundle, deviceName, sessionOptions);
  if (!session)
    return candidateResult("compile-error", toString(session.takeError()));
  const BundleManifest &m = (*bundle)->manifest();

  std::vector<HostTensor> inputs, outputs;
  if (candReference) {
    inputs = randomInputs(m, candSeed);
    for (auto [i, t] : llvm::enumerate(inputs))
      if (Error e = writeNpy(workFile(formatv("input_{0}.npy", i).str()), t))
        return candidateResult("crash", toString(std::move(e)));
  } else {
    for (size_t i = 0; i < m.inputs.size(); ++i) {
      Expected<HostTensor> t =
          readNpy(workFile(formatv("input_{0}.npy", i).str()));
      if (!t)
        return candidateResult("crash", toString(t.takeError()));
      t->name = m.inputs[i].name;
      inputs.push_back(std::move(*t));
    }
  }

  MeasureLock lock;
  if (Error e = (*session)->run(inputs, outputs))
    return candidateResult("crash", toString(std::move(e)));
  if (isCandidate && sys::Process::GetEnv("ZELLIGE_TUNE_TEST_CORRUPT"))
    for (HostTensor &t : outputs) // Test hook: wrong numbers.
      if (t.dtype == DType::F32 && t.data.size() >= 4) {
        float v = t.values<float>()[0] * 2 + 1;
        memcpy(t.data.data(), &v, 4);
      }
  for (auto [i, t] : llvm::enumerate(outputs)) {
    std::string path = workFile(formatv("reference_{0}.npy", i).str());
    if (candReference) {
      if (Error e = writeNpy(path, t))
        return candidateResult("crash", toString(std::move(e)));
      continue;
    }
    Expected<HostTensor> want = readNpy(path);
    if (!want)
      return candidateResult("crash", toString(want.takeError()));
    if (std::optional<std::string> bad = compare(t, *want))
      return candidateResult("invalid", *bad);
  }

  for (unsigned i = 0; i < candWarmup; ++i)
    if (Error e = (*session)->run(inputs, outputs))
      return candidateResult("crash", toString(std::move(e)));
  SmallVector<StringRef> watched;
  StringRef(candDispatches).split(watched, ',', -1, false);
  std::vector<std::vector<double>> samples(m.dispatches.size());
  unsigned runs = 0;
  for (unsigned round = 0; round < kMaxRounds; ++round) {
    for (unsigned i = 0; i < std::max(1u, candRepeat.getValue()); ++i) {
      if (Error e = (*session)->run(inputs, outputs))
        return candidateResult("crash", toString(std::move(e)));
      for (auto [d, ms] : llvm::enumerate((*session)->dispatchTimesMs()))
        samples[d].push_back(ms);
      ++runs;
    }
    double worst = 0;
    for (auto [d, desc] : llvm::enumerate(m.dispatches))
      if (watched.empty() || llvm::is_contained(watched, desc.name))
        worst = std::max(worst, spreadOf(samples[d]));
    if (worst <= kMaxSpread)
      break;
  }
  json::Object times, spreads;
  for (auto [d, desc] : llvm::enumerate(m.dispatches)) {
    times[desc.name] = median(samples[d]);
    spreads[desc.name] = spreadOf(samples[d]);
  }
  json::Object result = candidateResult("ok", "");
  result["dispatch_ms"] = std::move(times);
  result["spread"] = std::move(spreads);
  result["runs"] = runs;
  result["timer"] = (*session)->dispatchTimer().str();
  return result;
}

//===----------------------------------------------------------------------===//
// The driver
//===----------------------------------------------------------------------===//

/// Dispatches with one signature: tuned together, each candidate applied to
/// all of them.
struct Group {
  std::string signature;
  std::vector<std::string> dispatches;
  std::unique_ptr<SearchSpace> space;
  std::unique_ptr<Strategy> strategy;
  std::vector<Trial> history;
  Point defaultPoint;
  /// The cost model's estimate of a point in seconds (0: unknown); null
  /// without a profile that has peaks and a bandwidth.
  Estimate estimate;
  double defaultMs = 0;          ///< Mean per dispatch of the group.
  double bestMs = 0;             ///< Best ok so far (0: none).
  std::vector<double> bestAfter; ///< Best ms after each new trial.
  unsigned trials = 0;           ///< New measurements this run.
  bool exhausted = false;
};

/// A child's outcome.
struct Outcome {
  std::string status, message;
  std::string timer; ///< "device" or "wall": Session::dispatchTimer().
  double ms = 0, spread = 0;
  int64_t runs = 0;
  std::map<std::string, double> dispatchMs, dispatchSpread;
};

std::string kernelConfigText(const Group &g, const Point &p) {
  std::string text;
  for (const std::string &name : g.dispatches) {
    text += "[" + name + "]\n";
    for (auto [knob, value] : llvm::zip(g.space->knobs(), p))
      text += "\"" + knob.name + "\" = " + std::to_string(value) + "\n";
  }
  return text;
}

/// Runs one child: the default schedule (`config` empty, writes the
/// reference) or a candidate.
Outcome runChild(StringRef self, StringRef work, StringRef config,
                 ArrayRef<std::string> watched) {
  Outcome o;
  SmallString<256> outPath;
  int fd;
  if (sys::fs::createUniqueFile(work + "/child-%%%%%%%%.out", fd, outPath)) {
    o.status = "crash";
    o.message = "cannot create a temporary file";
    return o;
  }
  sys::Process::SafelyCloseFileDescriptor(fd);
  scope_exit cleanup([&] { sys::fs::remove(outPath); });
  std::string deviceName = device.empty() ? target.getValue() : device;
  SmallVector<std::string> args = {self.str(),
                                   "tune-candidate",
                                   model.getValue(),
                                   "--target",
                                   target.getValue(),
                                   "--device",
                                   deviceName,
                                   "--work",
                                   work.str(),
                                   "--warmup",
                                   std::to_string(warmup),
                                   "--repeat",
                                   std::to_string(repeat),
                                   "--threads",
                                   std::to_string(threads),
                                   "--seed",
                                   std::to_string(seed)};
  if (!arch.empty())
    args.append({"--arch", arch.getValue()});
  if (!profile.empty())
    args.append({"--profile", profile.getValue()});
  if (config.empty())
    args.push_back("--write-reference");
  else
    args.append({"--kernel-config", config.str()});
  if (!watched.empty())
    args.append({"--dispatches", llvm::join(watched, ",")});
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::optional<StringRef> redirects[] = {StringRef(""), StringRef(outPath),
                                          StringRef(outPath)};
  auto start = std::chrono::steady_clock::now();
  std::string errMsg;
  int rc = runWithTimeout(self, argRefs, redirects, candidateTimeout, errMsg);
  if (rc == kLaunchFailed) {
    // Not the candidate's fault: never recorded.
    o.status = "launch-error";
    o.message = "cannot start " + self.str() + ": " + errMsg;
    return o;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::string text;
  if (auto buf = MemoryBuffer::getFile(outPath))
    text = (*buf)->getBuffer().str();
  StringRef rest(text), last;
  while (!rest.empty()) {
    auto [line, tail] = rest.split('\n');
    if (line.trim().starts_with("{"))
      last = line.trim();
    rest = tail;
  }
  if (!last.empty()) {
    if (Expected<json::Value> v = json::parse(last)) {
      if (const json::Object *obj = v->getAsObject()) {
        o.status = obj->getString("status").value_or("crash").str();
        o.message = obj->getString("message").value_or("").str();
        o.runs = obj->getInteger("runs").value_or(0);
        o.timer = obj->getString("timer").value_or("").str();
        if (const json::Object *times = obj->getObject("dispatch_ms"))
          for (const auto &[name, value] : *times)
            o.dispatchMs[name.str()] = value.getAsNumber().value_or(0);
        if (const json::Object *spreads = obj->getObject("spread"))
          for (const auto &[name, value] : *spreads)
            o.dispatchSpread[name.str()] = value.getAsNumber().value_or(0);
        double sum = 0;
        for (const std::string &name : watched) {
          sum += o.dispatchMs.count(name) ? o.dispatchMs[name] : 0;
          o.spread = std::max(o.spread, o.dispatchSpread[name]);
        }
        o.ms = watched.empty() ? 0 : sum / watched.size();
        if (o.status == "ok" && !watched.empty() &&
            llvm::any_of(watched, [&](const std::string &name) {
              return !o.dispatchMs.count(name);
            })) {
          o.status = "crash";
          o.message = "the candidate did not time every dispatch it tunes";
        }
        return o;
      }
    } else {
      consumeError(v.takeError());
    }
  }
  if (seconds >= candidateTimeout) {
    o.status = "timeout";
    o.message = formatv("no result after {0} s", candidateTimeout.getValue());
  } else {
    o.status = "crash";
    o.message = rc < 0 ? "the candidate process crashed" +
                             (errMsg.empty() ? std::string() : ": " + errMsg)
                       : formatv("the candidate process exited {0} without "
                                 "a result",
                                 rc)
                             .str();
    StringRef tail = StringRef(text).trim();
    if (!tail.empty())
      o.message += " (" + tail.take_back(300).str() + ")";
  }
  return o;
}

/// The device profile: --profile, else the one the GPU target uses by
/// default; empty for the host without --profile.
std::string profileName() {
  if (!profile.empty())
    return profile;
  if (target == "host")
    return "";
  if (target == "cuda")
    return arch == "sm_90" ? "nvidia-sm90" : "nvidia-sm80";
  return arch.empty() ? "opencl-generic" : arch.getValue();
}

/// The largest workgroup GPU candidates may use: --max-workgroup-size, else
/// the device profile's limit (the profile the target uses by default).
int64_t workgroupLimit(std::string &error) {
  if (maxWorkgroupSize > 0)
    return maxWorkgroupSize;
  Expected<DeviceProfile> p = loadDeviceProfile(profileName());
  if (!p) {
    error = toString(p.takeError());
    return 0;
  }
  return p->maxWorkgroupSize;
}

std::string formatDuration(double seconds) {
  unsigned s = unsigned(std::max(0.0, seconds) + 0.5);
  return formatv("{0}:{1:2}", s / 60, s % 60).str();
}

int fail(const Twine &message) {
  errs() << "zellige: error: " << message << "\n";
  return 1;
}

int runTune(const char *argv0, void *mainAddr) {
  if (!sys::fs::exists(model))
    return fail(model + ": no such file");
  {
    // --target may name a device profile (h20: cuda, sm_90, profile h20).
    CompileOptions resolved;
    resolved.targetOptions.arch = arch;
    resolved.targetOptions.profile = profile;
    if (Error e = resolveTargetList(target, resolved))
      return fail(toString(std::move(e)));
    if (resolved.targets.size() != 1)
      return fail("--target: tune one target at a time, not '" + target + "'");
    target.setValue(resolved.targets.front());
    arch.setValue(resolved.targetOptions.arch);
    profile.setValue(resolved.targetOptions.profile);
  }
  StringRef strategyChoice =
      strategyName.empty() ? getDefaultStrategyName() : StringRef(strategyName);
  if (!createStrategy(strategyChoice, 0))
    return fail("--strategy: unknown strategy '" + strategyChoice +
                "' (known: " + llvm::join(getStrategyNames(), ", ") + ")");
  unsigned total = budget ? budget.getValue() : (timeLimit > 0 ? 0 : 32);

  // The device: its fingerprint keys every measurement.
  hal::registerRuntimeDrivers();
  std::string deviceName = device.empty() ? target.getValue() : device;
  std::string fingerprint;
  int64_t deviceWorkgroupLimit = 0;
  {
    Expected<std::unique_ptr<hal::Device>> dev = hal::createDevice(deviceName);
    if (!dev)
      return fail("cannot open device '" + deviceName +
                  "': " + toString(dev.takeError()));
    fingerprint = (*dev)->fingerprint();
    deviceWorkgroupLimit = (*dev)->maxWorkgroupSize();
  }
  std::string path = dbPath.empty() ? TuningDB::defaultPath() : dbPath;
  Expected<std::unique_ptr<TuningDB>> db = TuningDB::open(path);
  if (!db)
    return fail(toString(db.takeError()));

  // The configured dispatches, as `compile --emit kernel` prints them.
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext context(registry);
  std::string firstError;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error &&
        firstError.empty())
      firstError = d.str();
    return mlir::success();
  });
  std::string kernelText;
  {
    CompileOptions options;
    options.inputPath = model;
    options.targets = {target};
    options.targetOptions.arch = arch;
    options.targetOptions.profile = profile;
    options.emit = EmitPhase::Kernel;
    raw_string_ostream os(kernelText);
    if (failed(compileModel(context, options, os)))
      return fail(model + ": " +
                  (firstError.empty() ? "compilation failed" : firstError));
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kernelText,
                                              mlir::ParserConfig(&context));
  if (!module)
    return fail(model +
                ": cannot read back the kernel-level module: " + firstError);

  std::string wgError;
  int64_t wgLimit = target == "host" ? 0 : workgroupLimit(wgError);
  if (!wgError.empty())
    return fail(wgError);
  if (prune != 0 && prune < 1)
    return fail("--prune: a factor of at least 1 (0: off), not " +
                formatv("{0}", prune.getValue()).str());
  // The cost model's profile: estimates rank (--estimate-prior) and prune
  // (--prune) schedules; without peaks and a bandwidth they are unknown.
  std::optional<DeviceProfile> estimateProfile;
  if (std::string name = profileName(); !name.empty()) {
    if (Expected<DeviceProfile> p = loadDeviceProfile(name))
      estimateProfile = *p;
    else
      consumeError(p.takeError());
  }
  // The profile's limit, and the device's own where the driver reports it.
  if (wgLimit > 0 && deviceWorkgroupLimit > 0)
    wgLimit = std::min(wgLimit, deviceWorkgroupLimit);
  std::vector<Group> groups;
  std::vector<std::string> allDispatches;
  auto kernelName = [&](const Group &g) {
    return (sys::path::filename(model) + ":" + g.dispatches.front()).str();
  };
  llvm::SmallVector<StringRef> tunedKnobs;
  StringRef(onlyKnobs).split(tunedKnobs, ',', -1, /*KeepEmpty=*/false);
  module->walk([&](kernel::DispatchOp dispatch) {
    allDispatches.push_back(dispatch.getSymName().str());
    kernel::ConfigAttr config = dispatch.getConfig();
    std::string signature = kernelSignature(dispatch);
    auto it = llvm::find_if(
        groups, [&](const Group &g) { return g.signature == signature; });
    if (it != groups.end()) {
      it->dispatches.push_back(dispatch.getSymName().str());
      return;
    }
    std::vector<Knob> knobs;
    for (kernel::KnobAttr k : config.getKnobs()) {
      Knob knob{k.getName().str(),
                std::vector<int64_t>(k.getLegal().begin(), k.getLegal().end()),
                k.getValue()};
      if (!llvm::is_contained(knob.values, knob.initial))
        knob.values.push_back(knob.initial);
      // --knobs: the others keep their heuristic value.
      if (!tunedKnobs.empty() && !llvm::is_contained(tunedKnobs, knob.name))
        knob.values = {knob.initial};
      knobs.push_back(std::move(knob));
    }
    Group g;
    g.signature = signature;
    g.dispatches.push_back(dispatch.getSymName().str());
    Constraint constraint =
        wgLimit > 0 ? gpuWorkgroupConstraint(wgLimit) : Constraint();
    if (estimateProfile) {
      DispatchCost cost =
          estimateDispatch(countDispatchWork(dispatch), *estimateProfile);
      DispatchShape shape = getDispatchShape(dispatch);
      if (cost.bound != Bound::Unknown && shape.valid) {
        std::vector<std::string> names;
        for (const Knob &k : knobs)
          names.push_back(k.name);
        g.estimate = [cost, shape, names,
                      p = *estimateProfile](const Point &point) {
          std::map<std::string, int64_t> values;
          for (auto [name, value] : llvm::zip(names, point))
            values[name] = value;
          return estimateSchedule(cost, shape, values, p).seconds;
        };
      }
    }
    if (g.estimate && prune > 0) {
      SearchSpace full(knobs, constraint);
      if (std::optional<double> best = full.bestEstimate(g.estimate))
        constraint = pruneByEstimate(
            constraint, knobs.size(),
            [e = g.estimate](ArrayRef<int64_t> p) { return e(Point(p)); },
            prune * *best);
    }
    g.space = std::make_unique<SearchSpace>(std::move(knobs), constraint);
    g.defaultPoint = g.space->initial();
    groups.push_back(std::move(g));
  });

  for (StringRef name : tunedKnobs)
    if (llvm::none_of(groups, [&](const Group &g) {
          return llvm::any_of(g.space->knobs(),
                              [&](const Knob &k) { return k.name == name; });
        }))
      return fail("--knobs: no dispatch of " + model + " has a knob '" + name +
                  "' (see zellige compile --emit kernel)");

  if (listEstimates) {
    for (const Group &g : groups)
      g.space->enumerate([&](const Point &p) {
        double seconds = g.estimate ? g.estimate(p) : 0;
        json::Object line{{"signature", g.signature},
                          {"dispatches", json::Array(g.dispatches)},
                          {"knobs", g.space->key(p)},
                          {"default", p == g.defaultPoint},
                          {"estimate_ms", seconds > 0
                                              ? json::Value(seconds * 1e3)
                                              : json::Value(nullptr)}};
        outs() << json::Value(std::move(line)) << "\n";
        return true;
      });
    return 0;
  }

  SmallString<128> work;
  if (std::error_code ec = sys::fs::createUniqueDirectory("zellige-tune", work))
    return fail("cannot create a work directory: " + ec.message());
  scope_exit cleanupWork([&] { sys::fs::remove_directories(work); });
  std::string self = sys::fs::getMainExecutable(argv0, mainAddr);
  // Children run a private copy of this executable, so that a rebuild during
  // a long tune cannot make them fail.
  std::string original = self;
  SmallString<256> copy(work);
  sys::path::append(copy, "zellige");
  if (!sys::fs::copy_file(self, copy) &&
      !sys::fs::setPermissions(copy, sys::fs::all_read | sys::fs::all_exe |
                                         sys::fs::owner_write))
    self = std::string(copy);

  std::unique_ptr<raw_fd_ostream> log;
  if (!logPath.empty()) {
    std::error_code ec;
    log = std::make_unique<raw_fd_ostream>(logPath, ec, sys::fs::OF_Append);
    if (ec)
      return fail(logPath + ": " + ec.message());
  }
  // The estimate of a schedule named by its knob string, for the log.
  auto estimateMs = [](const Group &g, StringRef knobs) -> json::Value {
    std::optional<std::vector<std::pair<std::string, int64_t>>> pairs =
        parseKnobString(knobs);
    if (!g.estimate || !pairs)
      return nullptr;
    Point p;
    for (const Knob &k : g.space->knobs()) {
      auto it =
          llvm::find_if(*pairs, [&](auto &kv) { return kv.first == k.name; });
      if (it == pairs->end())
        return nullptr;
      p.push_back(it->second);
    }
    double seconds = g.estimate(p);
    return seconds > 0 ? json::Value(seconds * 1e3) : json::Value(nullptr);
  };
  auto logLine = [&](const Group &g, StringRef knobs, const Outcome &o,
                     bool isDefault) {
    if (!log)
      return;
    double now = std::chrono::duration<double>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
    json::Object line{{"time", now},
                      {"device", fingerprint},
                      {"dispatches", json::Array(g.dispatches)},
                      {"signature", g.signature},
                      {"knobs", knobs.str()},
                      {"default", isDefault},
                      {"status", o.status},
                      {"median_ms", o.ms},
                      {"spread", o.spread},
                      {"runs", o.runs},
                      {"timer", o.timer},
                      {"default_ms", g.defaultMs},
                      {"estimate_ms", estimateMs(g, knobs)},
                      {"message", o.message}};
    *log << json::Value(std::move(line)) << "\n";
    log->flush();
  };

  // The default schedule: the reference outputs and every default time.
  outs() << formatv("zellige tune: {0} on {1} ({2}); {3} dispatches, {4} "
                    "distinct; database {5}\n",
                    model.getValue(), deviceName, fingerprint,
                    allDispatches.size(), groups.size(), path);
  outs().flush();
  Outcome reference = runChild(self, work, "", allDispatches);
  if (reference.status != "ok" && self != original) {
    // The copy may not find what the original finds (an $ORIGIN rpath).
    self = original;
    reference = runChild(self, work, "", allDispatches);
  }
  if (reference.status != "ok")
    return fail(model + ": the default schedule does not run (" +
                reference.status + "): " + reference.message);
  {
    size_t estimated =
        llvm::count_if(groups, [](const Group &g) { return bool(g.estimate); });
    if (estimated == 0)
      outs() << "cost model: no estimates (no device profile with peaks and "
                "a bandwidth";
    else
      outs() << formatv("cost model: profile {0}, {1} of {2} kernels "
                        "estimated",
                        estimateProfile->name, estimated, groups.size());
    if (estimated && prune > 0)
      outs() << formatv(", schedules over {0}x the best estimate pruned",
                        prune.getValue());
    if (estimated && estimatePrior && StringRef(strategyChoice) == "model")
      outs() << ", first proposals ranked by estimate";
    outs() << (estimated ? "\n" : ")\n");
  }
  outs() << (reference.timer == "device"
                 ? "timing dispatches with the device's timers (profiling "
                   "events)\n"
                 : "timing dispatches by wall clock, with a synchronization "
                   "after each\n");
  double modelMs = 0;
  for (auto &[name, ms] : reference.dispatchMs)
    modelMs += ms;
  for (Group &g : groups) {
    double sum = 0, spread = 0;
    for (const std::string &name : g.dispatches) {
      sum += reference.dispatchMs[name];
      spread = std::max(spread, reference.dispatchSpread[name]);
    }
    g.defaultMs = sum / g.dispatches.size();
    Measurement m;
    m.device = fingerprint;
    m.signature = g.signature;
    m.knobs = g.space->key(g.defaultPoint);
    m.medianMs = g.defaultMs;
    m.spread = spread;
    m.runs = reference.runs;
    m.status = "ok";
    m.strategy = "default";
    m.kernel = kernelName(g);
    if (Error e = (*db)->insert(m))
      return fail(toString(std::move(e)));
    Outcome o = reference;
    o.ms = g.defaultMs;
    o.spread = spread;
    logLine(g, m.knobs, o, /*isDefault=*/true);
    // Resume: everything measured before for this device and kernel.
    Expected<std::vector<Measurement>> rows =
        (*db)->rows(fingerprint, g.signature);
    if (!rows)
      return fail(toString(rows.takeError()));
    for (const Measurement &row : *rows)
      if (std::optional<Point> p = g.space->parseKey(row.knobs)) {
        g.history.push_back({*p, row.medianMs, row.status == "ok"});
        if (row.status == "ok" && (g.bestMs == 0 || row.medianMs < g.bestMs))
          g.bestMs = row.medianMs;
      }
    g.strategy = createStrategy(strategyChoice, seed + (&g - groups.data()));
    if (g.estimate && estimatePrior)
      g.strategy->setPrior(g.estimate);
    if (g.space->countLegal(2) < 2)
      g.exhausted = true; // One schedule: nothing to tune.
  }

  // The greedy scheduler: the group with the largest share of the model's
  // time, boosted by its recent improvement, damped by the trials it had.
  auto score = [&](const Group &g) {
    double share =
        modelMs > 0 ? g.defaultMs * g.dispatches.size() / modelMs : 1.0;
    double improvement = 0;
    size_t n = g.bestAfter.size();
    if (n >= 2) {
      double before = g.bestAfter[n >= 4 ? n - 4 : 0], now = g.bestAfter.back();
      if (before > 0 && now > 0)
        improvement = std::max(0.0, (before - now) / before);
    }
    return (share + 1e-3) * (1 + 4 * improvement) / (1 + g.trials);
  };
  bool terminal = sys::Process::StandardErrIsDisplayed();
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  unsigned done = 0, skipped = 0;
  std::map<std::string, unsigned> statusCounts;
  auto progress = [&]() {
    double defaultTotal = 0, bestTotal = 0;
    for (const Group &g : groups) {
      defaultTotal += g.defaultMs * g.dispatches.size();
      bestTotal +=
          (g.bestMs > 0 ? std::min(g.bestMs, g.defaultMs) : g.defaultMs) *
          g.dispatches.size();
    }
    double perCandidate = done ? elapsed() / done : 0;
    double eta = total ? perCandidate * (total - done)
                       : std::max(0.0, timeLimit - elapsed());
    if (total && timeLimit > 0)
      eta = std::min(eta, std::max(0.0, timeLimit - elapsed()));
    return formatv("[{0}/{1}] best {2:f3} ms vs default {3:f3} ms ({4:f2}x), "
                   "elapsed {5}, eta {6}",
                   done, total ? std::to_string(total) : std::string("?"),
                   bestTotal, defaultTotal,
                   bestTotal > 0 ? defaultTotal / bestTotal : 1.0,
                   formatDuration(elapsed()), formatDuration(eta))
        .str();
  };

  unsigned parallel = std::max(1u, jobs.getValue());
  DefaultThreadPool pool(hardware_concurrency(parallel));
  while (true) {
    if (total && done >= total)
      break;
    if (timeLimit > 0 && elapsed() >= timeLimit)
      break;
    // Fill a batch; each slot asks the best-scoring group for one point.
    struct Job {
      Group *group;
      Point point;
      std::string knobs;
      Outcome outcome;
    };
    std::vector<Job> batch;
    unsigned slots = parallel;
    if (total)
      slots = std::min(slots, total - done);
    std::map<Group *, std::vector<Trial>> pending;
    while (batch.size() < slots) {
      Group *pick = nullptr;
      double bestScore = -1;
      for (Group &g : groups) {
        if (g.exhausted)
          continue;
        double s = score(g) / (1 + pending[&g].size());
        if (s > bestScore) {
          bestScore = s;
          pick = &g;
        }
      }
      if (!pick)
        break;
      std::vector<Trial> seen = pick->history;
      llvm::append_range(seen, pending[pick]);
      std::vector<Point> points =
          pick->strategy->propose(*pick->space, seen, 1);
      if (points.empty()) {
        pick->exhausted = true;
        continue;
      }
      std::string knobs = pick->space->key(points.front());
      // Measured by an earlier run under a key the space did not parse.
      Expected<std::optional<Measurement>> known =
          (*db)->lookup(fingerprint, pick->signature, knobs);
      if (!known)
        return fail(toString(known.takeError()));
      pending[pick].push_back({points.front(), 0, false});
      if (*known) {
        pick->history.push_back(
            {points.front(), (*known)->medianMs, (*known)->status == "ok"});
        ++skipped;
        continue;
      }
      batch.push_back({pick, points.front(), knobs, {}});
    }
    if (batch.empty())
      break;
    for (auto [i, job] : llvm::enumerate(batch)) {
      SmallString<256> config(work);
      sys::path::append(config,
                        formatv("candidate-{0}-{1}.toml", done, i).str());
      std::error_code ec;
      {
        raw_fd_ostream os(config, ec);
        if (ec)
          return fail(config + ": " + ec.message());
        os << kernelConfigText(*job.group, job.point);
      }
      std::string configPath(config);
      pool.async([&, configPath, jobPtr = &job] {
        jobPtr->outcome =
            runChild(self, work, configPath, jobPtr->group->dispatches);
      });
    }
    pool.wait();
    for (Job &job : batch)
      if (job.outcome.status == "launch-error")
        return fail(job.outcome.message);
    for (Job &job : batch) {
      Group &g = *job.group;
      Outcome &o = job.outcome;
      Measurement m;
      m.device = fingerprint;
      m.signature = g.signature;
      m.knobs = job.knobs;
      m.medianMs = o.ms;
      m.spread = o.spread;
      m.runs = o.runs;
      m.status = isValidStatus(o.status) ? o.status : "crash";
      m.strategy = strategyChoice.str();
      m.kernel = kernelName(g);
      if (Error e = (*db)->insert(m))
        return fail(toString(std::move(e)));
      logLine(g, job.knobs, o, /*isDefault=*/false);
      bool ok = m.status == "ok";
      g.history.push_back({job.point, o.ms, ok});
      if (ok && (g.bestMs == 0 || o.ms < g.bestMs))
        g.bestMs = o.ms;
      g.bestAfter.push_back(g.bestMs);
      ++g.trials;
      ++done;
      ++statusCounts[m.status];
      if (terminal) {
        errs() << "\r\x1b[K" << progress();
        errs().flush();
      } else {
        outs() << formatv("[{0}] {1} {2}: {3}", done,
                          llvm::join(g.dispatches, ","), job.knobs, m.status);
        if (ok)
          outs() << formatv(" {0:f4} ms (default {1:f4} ms)", o.ms,
                            g.defaultMs);
        else if (!o.message.empty())
          outs() << " (" << StringRef(o.message).take_front(200) << ")";
        outs() << "\n";
        outs().flush();
      }
    }
  }
  if (terminal)
    errs() << "\r\x1b[K" << progress() << "\n";

  // The summary, from the database: earlier runs count too.
  outs() << formatv("\n{0} candidates measured ({1} ok", done,
                    statusCounts["ok"]);
  for (auto &[status, count] : statusCounts)
    if (status != "ok")
      outs() << ", " << count << " " << status;
  outs() << formatv("), {0} already in the database, {1}\n\n", skipped,
                    formatDuration(elapsed()));
  outs() << formatv("{0,-40} {1,12} {2,12} {3,9}  {4}\n", "dispatch",
                    "default ms", "best ms", "speed-up", "best knobs");
  double defaultTotal = 0, bestTotal = 0;
  for (Group &g : groups) {
    Expected<std::optional<Measurement>> best =
        (*db)->best(fingerprint, g.signature);
    if (!best)
      return fail(toString(best.takeError()));
    double bestMs = g.defaultMs;
    std::string knobs = g.space->key(g.defaultPoint) + " (default)";
    if (*best && (*best)->medianMs < g.defaultMs) {
      bestMs = (*best)->medianMs;
      knobs = (*best)->knobs;
    }
    defaultTotal += g.defaultMs * g.dispatches.size();
    bestTotal += bestMs * g.dispatches.size();
    std::string name = g.dispatches.front();
    if (g.dispatches.size() > 1)
      name += formatv(" (+{0})", g.dispatches.size() - 1).str();
    outs() << formatv("{0,-40} {1,12:f4} {2,12:f4} {3,8:f2}x  {4}\n", name,
                      g.defaultMs, bestMs,
                      bestMs > 0 ? g.defaultMs / bestMs : 1.0, knobs);
  }
  outs() << formatv("{0,-40} {1,12:f4} {2,12:f4} {3,8:f2}x\n", "total",
                    defaultTotal, bestTotal,
                    bestTotal > 0 ? defaultTotal / bestTotal : 1.0);
  outs() << "\nuse it: zellige compile " << model.getValue() << " --target "
         << target.getValue() << " --tuning-db " << path
         << (device.empty() ? "" : " --device " + device.getValue()) << "\n";
  return 0;
}

int runTuneCandidate() {
  json::Object result = runCandidate();
  outs() << "\n" << json::Value(std::move(result)) << "\n";
  return 0;
}

} // namespace

cl::OptionCategory &zellige::getTuneCategory() { return category; }

std::optional<int> zellige::runTuneSubcommands(const char *argv0,
                                               void *mainAddr) {
  if (tuneCmd)
    return runTune(argv0, mainAddr);
  if (candCmd)
    return runTuneCandidate();
  return runReportSubcommand();
}
