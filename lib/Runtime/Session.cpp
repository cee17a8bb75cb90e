//===- Session.cpp - Running a bundle on a device ---------------*- C++ -*-===//
//
// This file implements Session: device selection, buffer placement (the
// transient arena, constants from the weights section, input and output
// buffers), input checking and the step loop.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/Session.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <cstring>

using namespace llvm;

namespace zellige {

static Error makeError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

/// The first executable of `m` that `device` runs, or null.
static const ExecutableDesc *findExecutable(const BundleManifest &m,
                                            const hal::Device &device) {
  for (const ExecutableDesc &e : m.executables)
    if (device.canLoad(e))
      return &e;
  return nullptr;
}

static std::string executableTargets(const BundleManifest &m) {
  if (m.executables.empty())
    return "none";
  return join(map_range(m.executables,
                        [](const ExecutableDesc &e) { return e.target; }),
              ", ");
}

Session::~Session() = default;

Expected<std::unique_ptr<Session>> Session::create(const Bundle &bundle,
                                                   StringRef deviceName,
                                                   SessionOptions options) {
  const BundleManifest &m = bundle.manifest();
  hal::DeviceOptions devOptions;
  devOptions.threads = options.threads;
  devOptions.deviceTimers = options.profile;
  std::unique_ptr<Session> s(new Session(bundle));
  s->profile = options.profile;

  if (deviceName == "auto") {
    // Accelerators first, the host last; within that, registration order.
    std::vector<std::string> order = {"cuda", "opencl"};
    for (hal::Driver *d : hal::getDrivers())
      if (!is_contained(order, d->name()) && d->name() != "host")
        order.push_back(d->name().str());
    order.push_back("host");
    std::vector<std::string> reasons;
    for (const std::string &name : order) {
      if (!hal::lookupDriver(name))
        continue;
      Expected<std::unique_ptr<hal::Device>> dev =
          hal::createDevice(name, devOptions);
      if (!dev) {
        reasons.push_back(name + ": " + toString(dev.takeError()));
        continue;
      }
      if (const ExecutableDesc *e = findExecutable(m, **dev)) {
        s->device_ = std::move(*dev);
        s->exeDesc = e;
        break;
      }
      reasons.push_back(name + ": the bundle has no executable for it");
    }
    if (!s->device_)
      return makeError(formatv("{0}: no available device runs this bundle "
                               "(it has executables for: {1}; {2})",
                               bundle.path(), executableTargets(m),
                               reasons.empty() ? std::string("no drivers")
                                               : join(reasons, "; ")));
  } else {
    Expected<std::unique_ptr<hal::Device>> dev =
        hal::createDevice(deviceName, devOptions);
    if (!dev)
      return makeError("cannot open device '" + deviceName +
                       "': " + toString(dev.takeError()));
    s->device_ = std::move(*dev);
    s->exeDesc = findExecutable(m, *s->device_);
    if (!s->exeDesc)
      return makeError(formatv("{0}: no executable for device '{1}' (the "
                               "bundle has executables for: {2})",
                               bundle.path(), deviceName,
                               executableTargets(m)));
  }

  hal::Device &device = *s->device_;
  // A model of only copies and views has no kernels to load.
  if (!m.dispatches.empty()) {
    Expected<std::unique_ptr<hal::Executable>> exe = device.loadExecutable(
        *s->exeDesc, bundle.section(s->exeDesc->section), m);
    if (!exe)
      return makeError(formatv("{0}: cannot load the {1} executable: {2}",
                               bundle.path(), s->exeDesc->target,
                               toString(exe.takeError())));
    s->exe = std::move(*exe);
  }

  if (m.arenaSize) {
    Expected<std::unique_ptr<hal::Buffer>> arena = device.allocate(m.arenaSize);
    if (!arena)
      return makeError(formatv("cannot allocate the {0}-byte arena: {1}",
                               m.arenaSize, toString(arena.takeError())));
    s->arena = std::move(*arena);
  }

  ArrayRef<uint8_t> weights = bundle.weights();
  auto place =
      [&](const BufferDesc &b) -> Expected<std::unique_ptr<hal::Buffer>> {
    switch (b.kind) {
    case BufferDesc::Kind::Input:
    case BufferDesc::Kind::Output:
      return device.allocate(b.size);
    case BufferDesc::Kind::Transient:
      if (s->arena)
        return device.createView(*s->arena, b.offset, b.size);
      return device.allocate(b.size); // An empty buffer in an empty arena.
    case BufferDesc::Kind::Constant:
      return device.importConstant(weights.slice(b.offset, b.size));
    }
    return makeError("unknown buffer kind");
  };
  for (auto [i, b] : enumerate(m.buffers)) {
    Expected<std::unique_ptr<hal::Buffer>> buf = place(b);
    if (!buf)
      return makeError(formatv("cannot place {0} buffer {1} ({2} bytes): {3}",
                               bufferKindName(b.kind), i, b.size,
                               toString(buf.takeError())));
    s->buffers.push_back(std::move(*buf));
  }
  return std::move(s);
}

static std::string expectedNames(const std::vector<TensorDesc> &tensors) {
  return join(map_range(tensors,
                        [](const TensorDesc &t) { return "'" + t.name + "'"; }),
              ", ");
}

/// Checks a string input against its description: no element longer than
/// the bundle's width, none holding a NUL byte (the padding).
static Error checkStrings(const HostTensor &t, const TensorDesc &d) {
  if (std::optional<uint64_t> n = numElements(t.shape);
      !n || *n != t.strings.size())
    return makeError(formatv("input '{0}': {1} strings for shape {2}", t.name,
                             t.strings.size(), formatShape(t.shape)));
  for (auto [i, text] : enumerate(t.strings)) {
    if (text.size() > d.stringBytes)
      return makeError(formatv(
          "input '{0}': string {1} is {2} bytes long, but this bundle holds "
          "strings of at most {3} bytes (compile with --string-bytes)",
          t.name, i, text.size(), d.stringBytes));
    if (text.find('\0') != std::string::npos)
      return makeError(formatv("input '{0}': string {1} holds a NUL byte, "
                               "which bundles use as padding",
                               t.name, i));
  }
  return Error::success();
}

/// Strings as fixed-width, NUL-padded records of `width` bytes.
static std::vector<uint8_t> packStrings(ArrayRef<std::string> strings,
                                        uint32_t width) {
  std::vector<uint8_t> bytes(strings.size() * size_t(width), 0);
  for (auto [i, text] : enumerate(strings))
    std::memcpy(bytes.data() + i * width, text.data(), text.size());
  return bytes;
}

static std::vector<std::string> unpackStrings(ArrayRef<uint8_t> bytes,
                                              uint32_t width) {
  std::vector<std::string> strings;
  for (size_t at = 0; width && at + width <= bytes.size(); at += width) {
    const char *record = reinterpret_cast<const char *>(bytes.data() + at);
    strings.emplace_back(record, strnlen(record, width));
  }
  return strings;
}

/// Keeps the first `size` entries of `t` along dimension `dim`.
static void trimDimension(HostTensor &t, int32_t dim, int64_t size) {
  int64_t outer = 1, inner = 1;
  for (int32_t i = 0; i < dim; ++i)
    outer *= t.shape[i];
  for (size_t i = dim + 1; i < t.shape.size(); ++i)
    inner *= t.shape[i];
  int64_t bound = t.shape[dim];
  auto keep = [&](auto &elements, size_t width) {
    for (int64_t o = 0; o < outer; ++o)
      std::memmove(elements.data() + o * size * inner * width,
                   elements.data() + o * bound * inner * width,
                   size * inner * width * sizeof(elements[0]));
    elements.resize(outer * size * inner * width);
  };
  if (t.dtype == DType::String) {
    for (int64_t o = 1; o < outer; ++o)
      for (int64_t k = 0; k < size * inner; ++k)
        t.strings[o * size * inner + k] =
            std::move(t.strings[o * bound * inner + k]);
    t.strings.resize(outer * size * inner);
  } else {
    keep(t.data, dtypeSize(t.dtype));
  }
  t.shape[dim] = size;
}

Error Session::run(const std::vector<HostTensor> &inputs,
                   std::vector<HostTensor> &outputs) {
  const BundleManifest &m = manifest();
  std::vector<const HostTensor *> given(m.inputs.size(), nullptr);
  for (const HostTensor &t : inputs) {
    auto it = find_if(m.inputs,
                      [&](const TensorDesc &d) { return d.name == t.name; });
    if (it == m.inputs.end())
      return makeError(formatv("unknown input '{0}' (expected inputs: {1})",
                               t.name, expectedNames(m.inputs)));
    size_t idx = it - m.inputs.begin();
    if (given[idx])
      return makeError("input '" + t.name + "' is given twice");
    if (t.dtype != it->dtype || t.shape != it->shape)
      return makeError(formatv("input '{0}': expected shape {1} {2}, got {3} "
                               "{4}",
                               t.name, formatShape(it->shape),
                               dtypeName(it->dtype), formatShape(t.shape),
                               dtypeName(t.dtype)));
    uint64_t bytes = m.buffers[it->buffer].size;
    if (t.dtype == DType::String) {
      if (Error e = checkStrings(t, *it))
        return e;
    } else if (t.data.size() != bytes)
      return makeError(formatv("input '{0}': expected {1} bytes of data for "
                               "{2} {3}, got {4}",
                               t.name, bytes, formatShape(t.shape),
                               dtypeName(t.dtype), t.data.size()));
    given[idx] = &t;
  }
  for (auto [i, t] : enumerate(given))
    if (!t)
      return makeError(formatv("missing input '{0}' (expected inputs: {1})",
                               m.inputs[i].name, expectedNames(m.inputs)));

  for (auto [i, t] : enumerate(given)) {
    const TensorDesc &d = m.inputs[i];
    std::vector<uint8_t> packed;
    if (d.dtype == DType::String)
      packed = packStrings(t->strings, d.stringBytes);
    if (Error e = buffers[d.buffer]->write(
            0, d.dtype == DType::String ? packed : t->data))
      return makeError("cannot upload input '" + d.name +
                       "': " + toString(std::move(e)));
  }

  if (Error e = runSteps())
    return e;

  // Every output as the buffers hold it, then the run-time sizes applied.
  std::vector<HostTensor> all;
  for (const TensorDesc &d : m.outputs) {
    HostTensor t;
    t.name = d.name;
    t.dtype = d.dtype;
    t.shape = d.shape;
    t.data.resize(buffers[d.buffer]->size());
    if (Error e = buffers[d.buffer]->read(0, t.data))
      return makeError("cannot read output '" + d.name +
                       "': " + toString(std::move(e)));
    all.push_back(std::move(t));
  }
  std::vector<HostTensor> results;
  for (auto [i, d] : enumerate(m.outputs)) {
    if (d.hidden)
      continue;
    HostTensor &t = all[i];
    if (d.dtype == DType::String) {
      t.strings = unpackStrings(t.data, d.stringBytes);
      t.data.clear();
    }
    if (d.countDim >= 0) {
      const HostTensor &count = all[d.countOutput];
      int64_t n = 0;
      std::memcpy(&n, count.data.data(), sizeof(n));
      if (n < 0 || n > d.shape[d.countDim])
        return makeError(formatv("output '{0}': the run computed size {1} "
                                 "along dimension {2}, outside its bound {3}",
                                 d.name, n, d.countDim, d.shape[d.countDim]));
      trimDimension(t, d.countDim, n);
    }
    results.push_back(std::move(t));
  }
  outputs = std::move(results);
  return Error::success();
}

Error Session::runSteps() {
  const BundleManifest &m = manifest();
  std::vector<hal::Buffer *> bindings;
  if (profile) {
    dispatchMs.assign(m.dispatches.size(), 0.0);
    wallTimed = false;
    // Earlier uploads must not count towards the first dispatch.
    if (Error e = device_->synchronize())
      return makeError("device '" + device_->name() +
                       "': " + toString(std::move(e)));
  }
  for (const StepDesc &step : m.steps) {
    if (step.kind == StepDesc::Kind::Copy) {
      hal::Buffer &src = *buffers[step.src], &dst = *buffers[step.dst];
      if (Error e = device_->copy(src, dst, src.size()))
        return makeError(formatv("copy of buffer {0} to buffer {1}: {2}",
                                 step.src, step.dst, toString(std::move(e))));
      continue;
    }
    const DispatchDesc &d = m.dispatches[step.dispatch];
    bindings.clear();
    for (uint32_t b : d.bindings)
      bindings.push_back(buffers[b].get());
    auto start = std::chrono::steady_clock::now();
    Error e = exe->dispatch(step.dispatch, bindings,
                            exeDesc->workgroupCounts[step.dispatch]);
    if (!e && profile)
      e = device_->synchronize();
    if (e)
      return makeError(
          formatv("dispatch '{0}'{1}: {2}", d.name,
                  d.location.empty() ? std::string() : " (" + d.location + ")",
                  toString(std::move(e))));
    if (profile) {
      double wallMs = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - start)
                          .count();
      Expected<std::optional<double>> deviceMs =
          device_->lastDispatchDeviceMs();
      if (!deviceMs)
        return makeError(formatv("dispatch '{0}': reading the device timer: "
                                 "{1}",
                                 d.name, toString(deviceMs.takeError())));
      // A dispatch that launched nothing has no device time and took none.
      bool launched = llvm::all_of(exeDesc->workgroupCounts[step.dispatch],
                                   [](int64_t n) { return n > 0; });
      if (*deviceMs) {
        dispatchMs[step.dispatch] += **deviceMs;
      } else {
        dispatchMs[step.dispatch] += wallMs;
        wallTimed |= launched;
      }
    }
  }
  if (Error e = device_->synchronize())
    return makeError("device '" + device_->name() +
                     "': " + toString(std::move(e)));
  return Error::success();
}

} // namespace zellige
