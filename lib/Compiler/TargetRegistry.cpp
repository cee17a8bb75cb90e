//===- TargetRegistry.cpp - Registry of target plugins ----------*- C++ -*-===//
//
// This file implements the process-wide list of registered TargetBackends.
//
//===----------------------------------------------------------------------===//

#include "zellige/Target/Target.h"

#include <mutex>

using namespace zellige;

TargetBackend::~TargetBackend() = default;

namespace {
struct Registry {
  std::mutex mutex;
  std::vector<std::unique_ptr<TargetBackend>> backends;
};
Registry &getRegistry() {
  static Registry registry;
  return registry;
}
} // namespace

void zellige::registerTargetBackend(std::unique_ptr<TargetBackend> backend) {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (const auto &existing : registry.backends)
    if (existing->getName() == backend->getName())
      return;
  registry.backends.push_back(std::move(backend));
}

const TargetBackend *zellige::lookupTargetBackend(llvm::StringRef name) {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (const auto &backend : registry.backends)
    if (backend->getName() == name)
      return backend.get();
  return nullptr;
}

std::vector<const TargetBackend *> zellige::getTargetBackends() {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  std::vector<const TargetBackend *> result;
  for (const auto &backend : registry.backends)
    result.push_back(backend.get());
  return result;
}
