//===- Manifest.cpp - The bundle manifest and its JSON form -----*- C++ -*-===//
//
// This file implements the element type helpers, the JSON serialization of a
// BundleManifest and its self-consistency check. The JSON keys are
// snake_case and mirror the C++ fields; unknown keys are ignored so that a
// newer compiler may add informational fields without a format bump.
//
//===----------------------------------------------------------------------===//

#include "zellige/Runtime/Bundle.h"
#include "zellige/Runtime/HostTensor.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <limits>
#include <set>

using namespace llvm;

namespace zellige {

//===----------------------------------------------------------------------===//
// DType
//===----------------------------------------------------------------------===//

StringRef dtypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::F64:
    return "f64";
  case DType::I8:
    return "i8";
  case DType::I16:
    return "i16";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  case DType::U8:
    return "u8";
  case DType::U16:
    return "u16";
  case DType::U32:
    return "u32";
  case DType::U64:
    return "u64";
  case DType::Bool:
    return "bool";
  case DType::String:
    return "string";
  }
  return "?";
}

std::optional<DType> parseDType(StringRef name) {
  return StringSwitch<std::optional<DType>>(name)
      .Case("f32", DType::F32)
      .Case("f16", DType::F16)
      .Case("bf16", DType::BF16)
      .Case("f64", DType::F64)
      .Case("i8", DType::I8)
      .Case("i16", DType::I16)
      .Case("i32", DType::I32)
      .Case("i64", DType::I64)
      .Case("u8", DType::U8)
      .Case("u16", DType::U16)
      .Case("u32", DType::U32)
      .Case("u64", DType::U64)
      .Case("bool", DType::Bool)
      .Case("string", DType::String)
      .Default(std::nullopt);
}

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  case DType::F16:
  case DType::BF16:
  case DType::I16:
  case DType::U16:
    return 2;
  case DType::F32:
  case DType::I32:
  case DType::U32:
    return 4;
  case DType::F64:
  case DType::I64:
  case DType::U64:
    return 8;
  case DType::String:
    return 0;
  }
  return 0;
}

StringRef bufferKindName(BufferDesc::Kind kind) {
  switch (kind) {
  case BufferDesc::Kind::Input:
    return "input";
  case BufferDesc::Kind::Output:
    return "output";
  case BufferDesc::Kind::Constant:
    return "constant";
  case BufferDesc::Kind::Transient:
    return "transient";
  }
  return "?";
}

static std::optional<BufferDesc::Kind> parseBufferKind(StringRef name) {
  return StringSwitch<std::optional<BufferDesc::Kind>>(name)
      .Case("input", BufferDesc::Kind::Input)
      .Case("output", BufferDesc::Kind::Output)
      .Case("constant", BufferDesc::Kind::Constant)
      .Case("transient", BufferDesc::Kind::Transient)
      .Default(std::nullopt);
}

//===----------------------------------------------------------------------===//
// Serialization
//===----------------------------------------------------------------------===//

static json::Array toJSONArray(ArrayRef<int64_t> values) {
  json::Array a;
  for (int64_t v : values)
    a.push_back(v);
  return a;
}

static json::Object tensorToJSON(const TensorDesc &t) {
  json::Object o{{"name", t.name},
                 {"dtype", dtypeName(t.dtype)},
                 {"shape", toJSONArray(t.shape)},
                 {"buffer", int64_t(t.buffer)}};
  if (t.stringBytes)
    o["string_bytes"] = int64_t(t.stringBytes);
  if (t.countDim >= 0) {
    o["count_dim"] = int64_t(t.countDim);
    o["count_output"] = int64_t(t.countOutput);
  }
  if (t.hidden)
    o["hidden"] = true;
  return o;
}

std::string BundleManifest::toJSON() const {
  json::Array ins, outs, bufs, disps, stps, exes;
  for (const TensorDesc &t : inputs)
    ins.push_back(tensorToJSON(t));
  for (const TensorDesc &t : outputs)
    outs.push_back(tensorToJSON(t));
  for (const BufferDesc &b : buffers)
    bufs.push_back(json::Object{{"kind", bufferKindName(b.kind)},
                                {"size", b.size},
                                {"offset", b.offset},
                                {"index", int64_t(b.index)}});
  for (const DispatchDesc &d : dispatches) {
    json::Array bindings;
    for (uint32_t b : d.bindings)
      bindings.push_back(int64_t(b));
    disps.push_back(json::Object{{"name", d.name},
                                 {"symbol", d.symbol},
                                 {"bindings", std::move(bindings)},
                                 {"workgroups", toJSONArray(d.workgroups)},
                                 {"location", d.location}});
  }
  for (const StepDesc &s : steps) {
    if (s.kind == StepDesc::Kind::Dispatch)
      stps.push_back(json::Object{{"kind", "dispatch"},
                                  {"dispatch", int64_t(s.dispatch)}});
    else
      stps.push_back(json::Object{
          {"kind", "copy"}, {"src", int64_t(s.src)}, {"dst", int64_t(s.dst)}});
  }
  for (const ExecutableDesc &e : executables) {
    json::Array counts;
    for (const std::array<int64_t, 3> &c : e.workgroupCounts)
      counts.push_back(toJSONArray(c));
    json::Array sizes;
    for (const std::array<int64_t, 3> &c : e.workgroupSizes)
      sizes.push_back(toJSONArray(c));
    json::Object props;
    for (const auto &[k, v] : e.properties)
      props[k] = v;
    json::Object exe{{"target", e.target},
                     {"format", e.format},
                     {"section", e.section},
                     {"workgroup_counts", std::move(counts)},
                     {"properties", std::move(props)}};
    if (!e.workgroupSizes.empty())
      exe["workgroup_sizes"] = std::move(sizes);
    exes.push_back(std::move(exe));
  }
  json::Object root{{"format_version", int64_t(formatVersion)},
                    {"producer", producer},
                    {"model", modelName},
                    {"inputs", std::move(ins)},
                    {"outputs", std::move(outs)},
                    {"buffers", std::move(bufs)},
                    {"arena_size", arenaSize},
                    {"dispatches", std::move(disps)},
                    {"steps", std::move(stps)},
                    {"executables", std::move(exes)}};
  return formatv("{0:2}", json::Value(std::move(root))).str();
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {
/// Reads typed fields out of JSON objects, remembering the first error with
/// the path of the offending field ("buffers[3].size").
class Reader {
public:
  Error takeError() {
    if (msg.empty())
      return Error::success();
    return createStringError(inconvertibleErrorCode(), msg);
  }
  bool failed() const { return !msg.empty(); }

  void fail(const Twine &where, const Twine &what) {
    if (msg.empty())
      msg = (where + ": " + what).str();
  }

  const json::Object *object(const json::Value *v, const Twine &where) {
    if (!v) {
      fail(where, "missing");
      return nullptr;
    }
    if (const json::Object *o = v->getAsObject())
      return o;
    fail(where, "expected an object");
    return nullptr;
  }
  const json::Array *array(const json::Object &o, StringRef key,
                           const Twine &where, bool optional = false) {
    const json::Value *v = o.get(key);
    if (!v) {
      if (!optional)
        fail(where + "." + key, "missing");
      return nullptr;
    }
    if (const json::Array *a = v->getAsArray())
      return a;
    fail(where + "." + key, "expected an array");
    return nullptr;
  }
  std::string string(const json::Object &o, StringRef key, const Twine &where,
                     bool optional = false) {
    const json::Value *v = o.get(key);
    if (!v) {
      if (!optional)
        fail(where + "." + key, "missing");
      return "";
    }
    if (std::optional<StringRef> s = v->getAsString())
      return s->str();
    fail(where + "." + key, "expected a string");
    return "";
  }
  int64_t integer(const json::Value &v, const Twine &where, int64_t min,
                  int64_t max) {
    std::optional<int64_t> i = v.getAsInteger();
    if (!i) {
      fail(where, "expected an integer");
      return 0;
    }
    if (*i < min || *i > max) {
      fail(where, formatv("{0} is out of range [{1}, {2}]", *i, min, max));
      return 0;
    }
    return *i;
  }
  int64_t integer(const json::Object &o, StringRef key, const Twine &where,
                  int64_t min, int64_t max, bool optional = false) {
    const json::Value *v = o.get(key);
    if (!v) {
      if (!optional)
        fail(where + "." + key, "missing");
      return 0;
    }
    return integer(*v, where + "." + key, min, max);
  }
  std::vector<int64_t> integers(const json::Array *a, const Twine &where,
                                int64_t min, int64_t max) {
    std::vector<int64_t> out;
    if (!a)
      return out;
    for (auto [i, v] : llvm::enumerate(*a))
      out.push_back(integer(v, where + "[" + Twine(i) + "]", min, max));
    return out;
  }

private:
  std::string msg;
};
} // namespace

static constexpr int64_t kU32Max = std::numeric_limits<uint32_t>::max();
static constexpr int64_t kI64Max = std::numeric_limits<int64_t>::max();

static void readTensors(Reader &r, const json::Object &root, StringRef key,
                        std::vector<TensorDesc> &out) {
  const json::Array *a = r.array(root, key, "manifest");
  if (!a)
    return;
  for (auto [i, v] : llvm::enumerate(*a)) {
    std::string where = (key + "[" + Twine(i) + "]").str();
    const json::Object *o = r.object(&v, where);
    if (!o)
      return;
    TensorDesc t;
    t.name = r.string(*o, "name", where);
    std::string dt = r.string(*o, "dtype", where);
    if (std::optional<DType> d = parseDType(dt))
      t.dtype = *d;
    else if (!r.failed())
      r.fail(where + ".dtype", "unknown dtype '" + dt + "'");
    t.shape =
        r.integers(r.array(*o, "shape", where), where + ".shape", 0, kI64Max);
    t.buffer = r.integer(*o, "buffer", where, 0, kU32Max);
    if (o->get("string_bytes"))
      t.stringBytes = r.integer(*o, "string_bytes", where, 1, kU32Max);
    if (o->get("count_dim")) {
      t.countDim = r.integer(*o, "count_dim", where, 0, 63);
      t.countOutput = r.integer(*o, "count_output", where, 0, kU32Max);
    }
    if (const json::Value *hidden = o->get("hidden")) {
      std::optional<bool> b = hidden->getAsBoolean();
      if (!b && !r.failed())
        r.fail(where + ".hidden", "must be a boolean");
      t.hidden = b.value_or(false);
    }
    out.push_back(std::move(t));
  }
}

Expected<BundleManifest> BundleManifest::fromJSON(StringRef text) {
  Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return createStringError(inconvertibleErrorCode(),
                             "manifest is not valid JSON: " +
                                 toString(parsed.takeError()));
  Reader r;
  const json::Object *root = r.object(&*parsed, "manifest");
  if (!root)
    return r.takeError();

  BundleManifest m;
  m.formatVersion = r.integer(*root, "format_version", "manifest", 1, kU32Max);
  m.producer = r.string(*root, "producer", "manifest", /*optional=*/true);
  m.modelName = r.string(*root, "model", "manifest", /*optional=*/true);
  readTensors(r, *root, "inputs", m.inputs);
  readTensors(r, *root, "outputs", m.outputs);

  if (const json::Array *a = r.array(*root, "buffers", "manifest")) {
    for (auto [i, v] : llvm::enumerate(*a)) {
      std::string where = ("buffers[" + Twine(i) + "]").str();
      const json::Object *o = r.object(&v, where);
      if (!o)
        break;
      BufferDesc b;
      std::string kind = r.string(*o, "kind", where);
      if (std::optional<BufferDesc::Kind> k = parseBufferKind(kind))
        b.kind = *k;
      else if (!r.failed())
        r.fail(where + ".kind", "unknown buffer kind '" + kind + "'");
      b.size = r.integer(*o, "size", where, 0, kI64Max);
      b.offset = r.integer(*o, "offset", where, 0, kI64Max, true);
      b.index = r.integer(*o, "index", where, 0, kU32Max, true);
      m.buffers.push_back(b);
    }
  }
  m.arenaSize = r.integer(*root, "arena_size", "manifest", 0, kI64Max);

  if (const json::Array *a = r.array(*root, "dispatches", "manifest")) {
    for (auto [i, v] : llvm::enumerate(*a)) {
      std::string where = ("dispatches[" + Twine(i) + "]").str();
      const json::Object *o = r.object(&v, where);
      if (!o)
        break;
      DispatchDesc d;
      d.name = r.string(*o, "name", where);
      d.symbol = r.string(*o, "symbol", where);
      for (int64_t b : r.integers(r.array(*o, "bindings", where),
                                  where + ".bindings", 0, kU32Max))
        d.bindings.push_back(uint32_t(b));
      d.workgroups =
          r.integers(r.array(*o, "workgroups", where, /*optional=*/true),
                     where + ".workgroups", 0, kI64Max);
      d.location = r.string(*o, "location", where, /*optional=*/true);
      m.dispatches.push_back(std::move(d));
    }
  }

  if (const json::Array *a = r.array(*root, "steps", "manifest")) {
    for (auto [i, v] : llvm::enumerate(*a)) {
      std::string where = ("steps[" + Twine(i) + "]").str();
      const json::Object *o = r.object(&v, where);
      if (!o)
        break;
      StepDesc s;
      std::string kind = r.string(*o, "kind", where);
      if (kind == "dispatch") {
        s.kind = StepDesc::Kind::Dispatch;
        s.dispatch = r.integer(*o, "dispatch", where, 0, kU32Max);
      } else if (kind == "copy") {
        s.kind = StepDesc::Kind::Copy;
        s.src = r.integer(*o, "src", where, 0, kU32Max);
        s.dst = r.integer(*o, "dst", where, 0, kU32Max);
      } else if (!r.failed()) {
        r.fail(where + ".kind", "unknown step kind '" + kind + "'");
      }
      m.steps.push_back(s);
    }
  }

  if (const json::Array *a = r.array(*root, "executables", "manifest")) {
    for (auto [i, v] : llvm::enumerate(*a)) {
      std::string where = ("executables[" + Twine(i) + "]").str();
      const json::Object *o = r.object(&v, where);
      if (!o)
        break;
      ExecutableDesc e;
      e.target = r.string(*o, "target", where);
      e.format = r.string(*o, "format", where);
      e.section = r.string(*o, "section", where);
      if (const json::Array *counts = r.array(*o, "workgroup_counts", where)) {
        for (auto [j, c] : llvm::enumerate(*counts)) {
          std::string cw =
              (where + ".workgroup_counts[" + Twine(j) + "]").str();
          const json::Array *xyz = c.getAsArray();
          if (!xyz || xyz->size() != 3) {
            r.fail(cw, "expected [x, y, z]");
            break;
          }
          std::vector<int64_t> v3 = r.integers(xyz, cw, 0, kI64Max);
          e.workgroupCounts.push_back({v3[0], v3[1], v3[2]});
        }
      }
      if (o->get("workgroup_sizes")) {
        if (const json::Array *sizes = r.array(*o, "workgroup_sizes", where)) {
          for (auto [j, c] : llvm::enumerate(*sizes)) {
            std::string cw =
                (where + ".workgroup_sizes[" + Twine(j) + "]").str();
            const json::Array *xyz = c.getAsArray();
            if (!xyz || xyz->size() != 3) {
              r.fail(cw, "expected [x, y, z]");
              break;
            }
            std::vector<int64_t> v3 = r.integers(xyz, cw, 1, 1 << 16);
            e.workgroupSizes.push_back({v3[0], v3[1], v3[2]});
          }
        }
      }
      if (const json::Value *pv = o->get("properties")) {
        const json::Object *props = r.object(pv, where + ".properties");
        if (props)
          for (const auto &[k, pval] : *props) {
            if (std::optional<StringRef> s = pval.getAsString())
              e.properties[k.str()] = s->str();
            else
              r.fail(where + ".properties." + k.str(), "expected a string");
          }
      }
      m.executables.push_back(std::move(e));
    }
  }

  if (Error err = r.takeError())
    return std::move(err);
  if (Error err = m.verify())
    return std::move(err);
  return m;
}

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

static Error fail(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

std::optional<uint64_t> numElements(ArrayRef<int64_t> shape) {
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (d != 0 && n > std::numeric_limits<uint64_t>::max() / uint64_t(d))
      return std::nullopt;
    n *= uint64_t(d);
  }
  return n;
}

std::optional<uint64_t> tensorByteSize(DType dtype, ArrayRef<int64_t> shape) {
  std::optional<uint64_t> n = numElements(shape);
  uint64_t size = dtypeSize(dtype);
  if (!n || (*n != 0 && size > std::numeric_limits<uint64_t>::max() / *n))
    return std::nullopt;
  return *n * size;
}

std::string formatShape(ArrayRef<int64_t> shape) {
  return "[" +
         join(map_range(shape, [](int64_t d) { return itostr(d); }), ",") + "]";
}

static Error verifyTensors(const BundleManifest &m, bool outputs) {
  const std::vector<TensorDesc> &tensors = outputs ? m.outputs : m.inputs;
  StringRef what = outputs ? "output" : "input";
  BufferDesc::Kind kind =
      outputs ? BufferDesc::Kind::Output : BufferDesc::Kind::Input;
  std::set<std::string> names;
  for (auto [i, t] : llvm::enumerate(tensors)) {
    if (t.name.empty())
      return fail(formatv("{0} #{1} has no name", what, i));
    if (!names.insert(t.name).second)
      return fail(formatv("{0} name '{1}' appears twice", what, t.name));
    if (t.buffer >= m.buffers.size())
      return fail(formatv("{0} '{1}' uses buffer {2}, but there are {3}", what,
                          t.name, t.buffer, m.buffers.size()));
    const BufferDesc &b = m.buffers[t.buffer];
    if (b.kind != kind || b.index != i)
      return fail(formatv("{0} '{1}' uses buffer {2}, which is not {0} #{3} "
                          "(it is {4} #{5})",
                          what, t.name, t.buffer, i, bufferKindName(b.kind),
                          b.index));
    if ((t.dtype == DType::String) != (t.stringBytes != 0))
      return fail(formatv("{0} '{1}' is {2} with {3} bytes per string", what,
                          t.name, dtypeName(t.dtype), t.stringBytes));
    std::optional<uint64_t> bytes = tensorByteSize(t.dtype, t.shape);
    if (t.dtype == DType::String) {
      std::optional<uint64_t> n = numElements(t.shape);
      bytes = std::nullopt;
      if (n && *n <= std::numeric_limits<uint64_t>::max() / t.stringBytes)
        bytes = *n * t.stringBytes;
    }
    if (t.countDim >= 0) {
      if (!outputs || size_t(t.countDim) >= t.shape.size())
        return fail(formatv("{0} '{1}' has a run-time size along dimension "
                            "{2}, which it does not have",
                            what, t.name, t.countDim));
      if (t.countOutput >= m.outputs.size() ||
          !m.outputs[t.countOutput].hidden ||
          m.outputs[t.countOutput].dtype != DType::I64 ||
          !m.outputs[t.countOutput].shape.empty())
        return fail(formatv("{0} '{1}' takes its size from output {2}, which "
                            "is not a hidden i64 scalar",
                            what, t.name, t.countOutput));
    }
    if (!bytes)
      return fail(formatv("{0} '{1}' has an invalid shape {2}", what, t.name,
                          formatShape(t.shape)));
    if (*bytes != b.size)
      return fail(formatv("{0} '{1}' is {2} {3} ({4} bytes) but its buffer "
                          "{5} has {6} bytes",
                          what, t.name, formatShape(t.shape),
                          dtypeName(t.dtype), *bytes, t.buffer, b.size));
  }
  return Error::success();
}

Error BundleManifest::verify() const {
  if (formatVersion == 0 || formatVersion > kBundleFormatVersion)
    return fail(formatv("manifest format version {0} is not supported (this "
                        "Zellige reads up to {1})",
                        formatVersion, kBundleFormatVersion));
  if (Error e = verifyTensors(*this, /*outputs=*/false))
    return e;
  if (Error e = verifyTensors(*this, /*outputs=*/true))
    return e;

  for (auto [i, b] : llvm::enumerate(buffers)) {
    switch (b.kind) {
    case BufferDesc::Kind::Input:
    case BufferDesc::Kind::Output: {
      const std::vector<TensorDesc> &ts =
          b.kind == BufferDesc::Kind::Input ? inputs : outputs;
      if (b.index >= ts.size() || ts[b.index].buffer != i)
        return fail(formatv("buffer {0} is {1} #{2}, but no such {1} uses it",
                            i, bufferKindName(b.kind), b.index));
      break;
    }
    case BufferDesc::Kind::Transient:
      if (b.offset > arenaSize || b.size > arenaSize - b.offset)
        return fail(formatv("transient buffer {0} (offset {1}, {2} bytes) "
                            "does not fit in the {3}-byte arena",
                            i, b.offset, b.size, arenaSize));
      break;
    case BufferDesc::Kind::Constant:
      // Checked against the weights section by Bundle::open.
      if (b.offset + b.size < b.offset)
        return fail(formatv("constant buffer {0} overflows", i));
      break;
    }
  }

  for (auto [i, d] : llvm::enumerate(dispatches)) {
    if (d.symbol.empty())
      return fail(formatv("dispatch {0} ('{1}') has no symbol", i, d.name));
    for (auto [j, b] : llvm::enumerate(d.bindings))
      if (b >= buffers.size())
        return fail(formatv("dispatch {0} ('{1}') binding {2} uses buffer {3}, "
                            "but there are {4}",
                            i, d.name, j, b, buffers.size()));
  }

  for (auto [i, s] : llvm::enumerate(steps)) {
    if (s.kind == StepDesc::Kind::Dispatch) {
      if (s.dispatch >= dispatches.size())
        return fail(formatv("step {0} runs dispatch {1}, but there are {2}", i,
                            s.dispatch, dispatches.size()));
      continue;
    }
    if (s.src >= buffers.size() || s.dst >= buffers.size())
      return fail(formatv("step {0} copies buffer {1} to {2}, but there are "
                          "{3}",
                          i, s.src, s.dst, buffers.size()));
    if (buffers[s.src].size != buffers[s.dst].size)
      return fail(formatv("step {0} copies buffer {1} ({2} bytes) to buffer "
                          "{3} ({4} bytes)",
                          i, s.src, buffers[s.src].size, s.dst,
                          buffers[s.dst].size));
    if (buffers[s.dst].kind == BufferDesc::Kind::Constant ||
        buffers[s.dst].kind == BufferDesc::Kind::Input)
      return fail(formatv("step {0} copies into {1} buffer {2}", i,
                          bufferKindName(buffers[s.dst].kind), s.dst));
  }

  std::set<std::string> sections;
  for (const ExecutableDesc &e : executables) {
    if (e.target.empty() || e.format.empty())
      return fail("an executable has no target or format");
    if (e.section.empty() || e.section == "manifest" || e.section == "weights")
      return fail(formatv("executable for target '{0}' has an invalid section "
                          "name '{1}'",
                          e.target, e.section));
    if (!sections.insert(e.section).second)
      return fail(
          formatv("section '{0}' is used by two executables", e.section));
    if (e.workgroupCounts.size() != dispatches.size())
      return fail(formatv("executable for target '{0}' has {1} workgroup "
                          "counts for {2} dispatches",
                          e.target, e.workgroupCounts.size(),
                          dispatches.size()));
    if (!e.workgroupSizes.empty() &&
        e.workgroupSizes.size() != dispatches.size())
      return fail(formatv("executable for target '{0}' has {1} workgroup "
                          "sizes for {2} dispatches",
                          e.target, e.workgroupSizes.size(),
                          dispatches.size()));
  }
  return Error::success();
}

} // namespace zellige
