//===- ONNXLibrary.cpp - Calls into libonnx behind a no-throw wall --------===//
//
// This file implements the importer's calls into libonnx. libonnx reports
// errors by throwing; this file is compiled with exceptions (and RTTI) on and
// catches everything, so no exception crosses into code built like LLVM.
//
// libonnx also trusts its input more than a model file deserves: its shape
// inference divides by a zero stride and indexes with unchecked axes. So the
// checker, shape inference and the version converter run in a child process
// (fork) with a time limit; the child sends its result back through a pipe,
// and a crash, a hang or an exhausted memory limit there becomes an error
// message here.
//
//===----------------------------------------------------------------------===//

#include "ONNXLibrary.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <google/protobuf/io/coded_stream.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace zellige::import_detail;

namespace {
/// Gives every unnamed node of the main graph the name the importer uses for
/// it in messages ("<OpType>_<index>") while libonnx runs, so that the
/// checker's and shape inference's messages name the node; the names are
/// taken away again afterwards.
class TemporaryNodeNames {
public:
  explicit TemporaryNodeNames(onnx::ModelProto &model) : model(model) {
    auto *nodes = model.mutable_graph()->mutable_node();
    for (int i = 0, e = nodes->size(); i < e; ++i) {
      onnx::NodeProto &node = nodes->at(i);
      if (!node.name().empty())
        continue;
      node.set_name(node.op_type() + "_" + std::to_string(i));
      named.push_back(i);
    }
  }
  ~TemporaryNodeNames() {
    auto *nodes = model.mutable_graph()->mutable_node();
    for (int i : named)
      if (i < nodes->size())
        nodes->at(i).clear_name();
  }

private:
  onnx::ModelProto &model;
  std::vector<int> named;
};
/// How long one libonnx call may run on a model.
constexpr int kLibraryTimeoutSeconds = 30;

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZELLIGE_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ZELLIGE_ASAN 1
#endif

/// Writes all of `data` to `fd`; false on error.
bool writeAll(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data += n;
    size -= size_t(n);
  }
  return true;
}

/// Runs `work` in a forked child. `work` returns true with `payload` or false
/// with `error`; both travel back through a pipe. Returns what `work`
/// returned, or false with a message naming `what` when the child crashed,
/// ran out of time or memory, or could not be started.
bool isolateLibrary = true;

bool runIsolated(const char *what,
                 const std::function<bool(std::string &, std::string &)> &work,
                 std::string &payload, std::string &error) {
  if (!isolateLibrary)
    return work(payload, error);
  int fds[2];
  if (::pipe(fds) != 0) {
    error = std::string("cannot run ") + what + ": pipe: " + strerror(errno);
    return false;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    error = std::string("cannot run ") + what + ": fork: " + strerror(errno);
    return false;
  }
  if (pid == 0) {
    // The child: no way back but the pipe and _exit. A crash must end it
    // quietly (not in LLVM's stack dump, which the parent's handlers would
    // print), and libonnx's own chatter must not reach the user.
    ::close(fds[0]);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS})
      ::signal(sig, SIG_DFL);
    int devNull = ::open("/dev/null", O_WRONLY);
    if (devNull >= 0) {
      ::dup2(devNull, STDOUT_FILENO);
      ::dup2(devNull, STDERR_FILENO);
      ::close(devNull);
    }
#ifndef ZELLIGE_ASAN
    // At most 16 GiB of address space (ASan reserves far more for its
    // shadow, so sanitized builds go without the limit).
    constexpr rlim_t kLibraryMemoryLimit = rlim_t(16) << 30;
    struct rlimit limit = {kLibraryMemoryLimit, kLibraryMemoryLimit};
    ::setrlimit(RLIMIT_AS, &limit);
#endif
    std::string result, message;
    bool ok = false;
    try {
      ok = work(result, message);
    } catch (const std::bad_alloc &) {
      message = std::string(what) + " ran out of memory";
    } catch (...) {
      message = std::string(what) + " failed";
    }
    const std::string &body = ok ? result : message;
    uint64_t size = body.size();
    char status = ok ? 1 : 0;
    bool sent =
        writeAll(fds[1], &status, 1) &&
        writeAll(fds[1], reinterpret_cast<const char *>(&size), sizeof(size)) &&
        writeAll(fds[1], body.data(), body.size());
    ::_exit(sent ? 0 : 3);
  }

  // The parent: read everything until the child closes the pipe, within the
  // time limit.
  ::close(fds[1]);
  std::string received;
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::seconds(kLibraryTimeoutSeconds);
  bool timedOut = false;
  char buffer[65536];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) {
      timedOut = true;
      break;
    }
    struct pollfd pfd = {fds[0], POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready == 0) {
      timedOut = true;
      break;
    }
    ssize_t n = ::read(fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    received.append(buffer, size_t(n));
  }
  ::close(fds[0]);
  if (timedOut)
    ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (timedOut) {
    error = std::string(what) + " did not finish within " +
            std::to_string(kLibraryTimeoutSeconds) + " s on this model";
    return false;
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    error = std::string(what) + " crashed on this model (signal " +
            std::to_string(sig) + ", " + strsignal(sig) +
            (sig == SIGKILL ? "; out of memory?" : "") +
            "): the model is malformed (an attribute or a shape out of "
            "range?)";
    return false;
  }
  uint64_t size = 0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      received.size() < 1 + sizeof(size)) {
    error = std::string(what) +
            " failed on this model (its process ended "
            "with status " +
            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
    return false;
  }
  std::memcpy(&size, received.data() + 1, sizeof(size));
  if (size != received.size() - 1 - sizeof(size)) {
    error = std::string(what) + " sent back a truncated result";
    return false;
  }
  std::string body = received.substr(1 + sizeof(size));
  if (received[0] == 1) {
    payload = std::move(body);
    return true;
  }
  error = std::move(body);
  return false;
}

/// Serializes `message`; false (with `error`) when protobuf cannot.
bool serialize(const google::protobuf::Message &message, std::string &out,
               std::string &error) {
  if (message.SerializeToString(&out))
    return true;
  error = "the result is too large to serialize";
  return false;
}

} // namespace

bool zellige::import_detail::lookupSchema(const std::string &opType,
                                          int64_t opset, SchemaArity *arity,
                                          int64_t *sinceVersion) {
  try {
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
        opType, static_cast<int>(opset), onnx::ONNX_DOMAIN);
    if (!schema || schema->Deprecated())
      return false;
    if (sinceVersion)
      *sinceVersion = schema->SinceVersion();
    if (arity) {
      const auto &inputs = schema->inputs();
      const auto &outputs = schema->outputs();
      arity->numInputs = inputs.size();
      arity->numOutputs = outputs.size();
      arity->variadicInput =
          !inputs.empty() &&
          inputs.back().GetOption() ==
              onnx::OpSchema::FormalParameterOption::Variadic;
      arity->variadicOutput =
          !outputs.empty() &&
          outputs.back().GetOption() ==
              onnx::OpSchema::FormalParameterOption::Variadic;
    }
    return true;
  } catch (...) {
    return false;
  }
}

void zellige::import_detail::setLibraryIsolation(bool isolate) {
  isolateLibrary = isolate;
}

namespace {
bool checkInProcess(onnx::ModelProto &model, std::string &error) {
  // libonnx 1.12 insists that every main-graph output declares a full
  // tensor type with a shape, which newer ONNX (and shape inference) does
  // not need. Outputs declared without one are hidden from the checker; the
  // graph keeps them and shape inference fills their types in.
  auto *outputs = model.mutable_graph()->mutable_output();
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> all;
  all.Swap(outputs);
  for (const onnx::ValueInfoProto &vi : all)
    if (vi.type().has_tensor_type() && vi.type().tensor_type().has_shape())
      *outputs->Add() = vi;
  bool ok = false;
  try {
    TemporaryNodeNames names(model);
    onnx::checker::check_model(model);
    ok = true;
  } catch (const std::exception &e) {
    error = e.what();
  } catch (...) {
    error = "unknown checker failure";
  }
  outputs->Swap(&all);
  return ok;
}
} // namespace

bool zellige::import_detail::runChecker(onnx::ModelProto &model,
                                        std::string &error) {
  std::string unused;
  return runIsolated(
      "the ONNX checker",
      [&](std::string &, std::string &message) {
        return checkInProcess(model, message);
      },
      unused, error);
}

namespace {
bool inferInProcess(onnx::ModelProto &model, std::string &error, bool strict) {
  try {
    TemporaryNodeNames names(model);
    onnx::ShapeInferenceOptions options(/*check_type_val=*/false,
                                        /*strict_mode_val=*/strict ? 1 : 0,
                                        /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
    return true;
  } catch (const std::exception &e) {
    error = e.what();
  } catch (...) {
    error = "unknown shape inference failure";
  }
  return false;
}
} // namespace

bool zellige::import_detail::runShapeInference(onnx::ModelProto &model,
                                               std::string &error,
                                               bool strict) {
  // The child sends back only what inference changes: the graph's
  // value_info and outputs.
  std::string payload;
  bool ok = runIsolated(
      "ONNX shape inference",
      [&](std::string &result, std::string &message) {
        if (!inferInProcess(model, message, strict))
          return false;
        onnx::GraphProto types;
        types.mutable_value_info()->Swap(
            model.mutable_graph()->mutable_value_info());
        types.mutable_output()->Swap(model.mutable_graph()->mutable_output());
        return serialize(types, result, message);
      },
      payload, error);
  if (!ok)
    return false;
  onnx::GraphProto types;
  if (!types.ParseFromString(payload)) {
    error = "ONNX shape inference sent back a malformed result";
    return false;
  }
  model.mutable_graph()->mutable_value_info()->Swap(types.mutable_value_info());
  model.mutable_graph()->mutable_output()->Swap(types.mutable_output());
  return true;
}

bool zellige::import_detail::runVersionConverter(onnx::ModelProto &model,
                                                 int64_t targetOpset,
                                                 std::string &error) {
  std::string payload;
  bool ok = runIsolated(
      "the ONNX version converter",
      [&](std::string &result, std::string &message) {
        try {
          onnx::ModelProto converted = onnx::version_conversion::ConvertVersion(
              model, static_cast<int>(targetOpset));
          return serialize(converted, result, message);
        } catch (const std::exception &e) {
          message = e.what();
        } catch (...) {
          message = "unknown version converter failure";
        }
        return false;
      },
      payload, error);
  if (!ok)
    return false;
  onnx::ModelProto converted;
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(payload.data()),
      static_cast<int>(std::min<size_t>(payload.size(), INT_MAX)));
  stream.SetTotalBytesLimit(INT_MAX);
  if (payload.size() > INT_MAX || !converted.ParseFromCodedStream(&stream)) {
    error = "the ONNX version converter sent back a malformed model";
    return false;
  }
  model = std::move(converted);
  return true;
}
