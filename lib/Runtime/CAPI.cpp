//===- CAPI.cpp - C API of the Zellige runtime ------------------*- C++ -*-===//
//
// This file implements include/zellige/zellige.h on top of Bundle and
// Session. No C++ exception or LLVM error escapes: every failure becomes a
// status and a thread-local message.
//
//===----------------------------------------------------------------------===//

#include "zellige/zellige.h"

#include "zellige/Runtime/Bundle.h"
#include "zellige/Runtime/HAL.h"
#include "zellige/Runtime/Session.h"

#include "llvm/Support/FormatVariadic.h"

#include <exception>
#include <string>

using namespace zellige;

static_assert(
    ZLG_DTYPE_F32 == int(DType::F32) && ZLG_DTYPE_F16 == int(DType::F16) &&
        ZLG_DTYPE_BF16 == int(DType::BF16) &&
        ZLG_DTYPE_F64 == int(DType::F64) && ZLG_DTYPE_I8 == int(DType::I8) &&
        ZLG_DTYPE_I16 == int(DType::I16) && ZLG_DTYPE_I32 == int(DType::I32) &&
        ZLG_DTYPE_I64 == int(DType::I64) && ZLG_DTYPE_U8 == int(DType::U8) &&
        ZLG_DTYPE_U16 == int(DType::U16) && ZLG_DTYPE_U32 == int(DType::U32) &&
        ZLG_DTYPE_U64 == int(DType::U64) && ZLG_DTYPE_BOOL == int(DType::Bool),
    "zlg_dtype must mirror zellige::DType");

struct zlg_session {
  std::unique_ptr<Bundle> bundle;
  std::unique_ptr<Session> session;
  /// One per manifest input, in order; data is empty until set.
  std::vector<HostTensor> inputs;
  std::vector<bool> inputSet;
  std::vector<HostTensor> outputs; ///< From the last successful run.
  std::string deviceName;
};

namespace {
thread_local std::string lastError;

zlg_status fail(zlg_status status, std::string msg) {
  lastError = std::move(msg);
  return status;
}
zlg_status fail(zlg_status status, llvm::Error err) {
  return fail(status, llvm::toString(std::move(err)));
}

/// Runs `fn`, turning an escaping exception into ZLG_ERROR_RUN.
template <typename Fn> zlg_status guarded(Fn &&fn) {
  try {
    return fn();
  } catch (const std::exception &e) {
    return fail(ZLG_ERROR_RUN, std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(ZLG_ERROR_RUN, "internal error");
  }
}

const TensorDesc *tensorAt(const zlg_session_t *s, size_t index, bool output) {
  if (!s)
    return nullptr;
  const std::vector<TensorDesc> &ts =
      output ? s->session->manifest().outputs : s->session->manifest().inputs;
  return index < ts.size() ? &ts[index] : nullptr;
}

zlg_status shapeOf(const zlg_session_t *s, size_t index, const int64_t **dims,
                   size_t *rank, bool output) {
  const TensorDesc *t = tensorAt(s, index, output);
  if (!t || !dims || !rank)
    return fail(
        ZLG_ERROR_INVALID_ARGUMENT,
        !t ? llvm::formatv("no {0} #{1}", output ? "output" : "input", index)
                 .str()
           : std::string("null dims or rank pointer"));
  *dims = t->shape.data();
  *rank = t->shape.size();
  return ZLG_OK;
}

zlg_status dtypeOf(const zlg_session_t *s, size_t index, zlg_dtype *dtype,
                   bool output) {
  const TensorDesc *t = tensorAt(s, index, output);
  if (!t || !dtype)
    return fail(
        ZLG_ERROR_INVALID_ARGUMENT,
        !t ? llvm::formatv("no {0} #{1}", output ? "output" : "input", index)
                 .str()
           : std::string("null dtype pointer"));
  *dtype = zlg_dtype(t->dtype);
  return ZLG_OK;
}
} // namespace

extern "C" {

const char *zlg_last_error(void) { return lastError.c_str(); }

size_t zlg_dtype_size(zlg_dtype dtype) {
  if (int(dtype) < 0 || int(dtype) > int(DType::Bool))
    return 0;
  return dtypeSize(DType(dtype));
}

const char *zlg_dtype_name(zlg_dtype dtype) {
  if (int(dtype) < 0 || int(dtype) > int(DType::Bool))
    return nullptr;
  // dtypeName returns a literal, so its data is NUL-terminated.
  return dtypeName(DType(dtype)).data();
}

zlg_status zlg_session_create(const char *bundlePath, const char *device,
                              int threads, zlg_session_t **out) {
  return guarded([&]() -> zlg_status {
    if (!bundlePath || !out)
      return fail(ZLG_ERROR_INVALID_ARGUMENT, "null bundle path or output");
    *out = nullptr;
    if (threads < 0)
      return fail(ZLG_ERROR_INVALID_ARGUMENT,
                  "threads must be 0 (all cores) or positive");
    hal::registerRuntimeDrivers();
    auto s = std::make_unique<zlg_session>();
    llvm::Expected<std::unique_ptr<Bundle>> bundle = Bundle::open(bundlePath);
    if (!bundle)
      return fail(ZLG_ERROR_BUNDLE, bundle.takeError());
    s->bundle = std::move(*bundle);
    const BundleManifest &m = s->bundle->manifest();
    for (const std::vector<TensorDesc> *list : {&m.inputs, &m.outputs})
      for (const TensorDesc &d : *list)
        if (d.dtype == DType::String || d.countDim >= 0 || d.hidden)
          return fail(ZLG_ERROR_BUNDLE,
                      "tensor '" + d.name +
                          "' is a string tensor or has a size known only at "
                          "run time, which the C API does not support yet "
                          "(the zellige CLI and the C++ Session do)");
    SessionOptions options;
    options.threads = unsigned(threads);
    llvm::StringRef dev = device && *device ? device : "auto";
    llvm::Expected<std::unique_ptr<Session>> session =
        Session::create(*s->bundle, dev, options);
    if (!session)
      return fail(ZLG_ERROR_DEVICE, session.takeError());
    s->session = std::move(*session);
    s->deviceName = s->session->device().name().str();
    for (const TensorDesc &d : s->session->manifest().inputs) {
      HostTensor t;
      t.name = d.name;
      t.dtype = d.dtype;
      t.shape = d.shape;
      s->inputs.push_back(std::move(t));
    }
    s->inputSet.assign(s->inputs.size(), false);
    *out = s.release();
    return ZLG_OK;
  });
}

void zlg_session_destroy(zlg_session_t *session) { delete session; }

const char *zlg_session_device(const zlg_session_t *session) {
  if (!session)
    return nullptr;
  return session->deviceName.c_str();
}

size_t zlg_session_input_count(const zlg_session_t *session) {
  return session ? session->session->manifest().inputs.size() : 0;
}

const char *zlg_session_input_name(const zlg_session_t *session, size_t index) {
  const TensorDesc *t = tensorAt(session, index, /*output=*/false);
  return t ? t->name.c_str() : nullptr;
}

zlg_status zlg_session_input_shape(const zlg_session_t *session, size_t index,
                                   const int64_t **dims, size_t *rank) {
  return shapeOf(session, index, dims, rank, /*output=*/false);
}

zlg_status zlg_session_input_dtype(const zlg_session_t *session, size_t index,
                                   zlg_dtype *dtype) {
  return dtypeOf(session, index, dtype, /*output=*/false);
}

size_t zlg_session_output_count(const zlg_session_t *session) {
  return session ? session->session->manifest().outputs.size() : 0;
}

const char *zlg_session_output_name(const zlg_session_t *session,
                                    size_t index) {
  const TensorDesc *t = tensorAt(session, index, /*output=*/true);
  return t ? t->name.c_str() : nullptr;
}

zlg_status zlg_session_output_shape(const zlg_session_t *session, size_t index,
                                    const int64_t **dims, size_t *rank) {
  return shapeOf(session, index, dims, rank, /*output=*/true);
}

zlg_status zlg_session_output_dtype(const zlg_session_t *session, size_t index,
                                    zlg_dtype *dtype) {
  return dtypeOf(session, index, dtype, /*output=*/true);
}

zlg_status zlg_session_set_input(zlg_session_t *session, const char *name,
                                 const void *data, size_t bytes) {
  return guarded([&]() -> zlg_status {
    if (!session || !name || (!data && bytes))
      return fail(ZLG_ERROR_INVALID_ARGUMENT, "null session, name or data");
    const BundleManifest &m = session->session->manifest();
    for (size_t i = 0; i < m.inputs.size(); ++i) {
      if (m.inputs[i].name != name)
        continue;
      uint64_t expected = m.buffers[m.inputs[i].buffer].size;
      if (bytes != expected)
        return fail(ZLG_ERROR_INVALID_ARGUMENT,
                    llvm::formatv("input '{0}': expected {1} bytes ({2} {3}), "
                                  "got {4}",
                                  name, expected,
                                  formatShape(m.inputs[i].shape),
                                  dtypeName(m.inputs[i].dtype), bytes)
                        .str());
      const auto *p = static_cast<const uint8_t *>(data);
      session->inputs[i].data.assign(p, p + bytes);
      session->inputSet[i] = true;
      return ZLG_OK;
    }
    std::string names;
    for (const TensorDesc &t : m.inputs)
      names += (names.empty() ? "'" : ", '") + t.name + "'";
    return fail(ZLG_ERROR_INVALID_ARGUMENT,
                std::string("unknown input '") + name +
                    "' (expected inputs: " + names + ")");
  });
}

zlg_status zlg_session_run(zlg_session_t *session) {
  return guarded([&]() -> zlg_status {
    if (!session)
      return fail(ZLG_ERROR_INVALID_ARGUMENT, "null session");
    for (size_t i = 0; i < session->inputs.size(); ++i)
      if (!session->inputSet[i])
        return fail(ZLG_ERROR_INVALID_ARGUMENT,
                    "input '" + session->inputs[i].name + "' is not set");
    session->outputs.clear();
    if (llvm::Error e =
            session->session->run(session->inputs, session->outputs))
      return fail(ZLG_ERROR_RUN, std::move(e));
    return ZLG_OK;
  });
}

zlg_status zlg_session_get_output(zlg_session_t *session, const char *name,
                                  const void **data, size_t *bytes) {
  if (!session || !name || !data || !bytes)
    return fail(ZLG_ERROR_INVALID_ARGUMENT,
                "null session, name, data or bytes pointer");
  for (const HostTensor &t : session->outputs)
    if (t.name == name) {
      *data = t.data.data();
      *bytes = t.data.size();
      return ZLG_OK;
    }
  for (const TensorDesc &t : session->session->manifest().outputs)
    if (t.name == name)
      return fail(ZLG_ERROR_INVALID_ARGUMENT,
                  std::string("output '") + name +
                      "' is not available: run the session first");
  return fail(ZLG_ERROR_INVALID_ARGUMENT,
              std::string("unknown output '") + name + "'");
}

} // extern "C"
