//===- SearchSpace.cpp - The knobs of one dispatch as a space ---*- C++ -*-===//
//
// This file implements SearchSpace: depth-first enumeration with pruning of
// partial points, rejection sampling, neighbours and the canonical knob
// string.
//
//===----------------------------------------------------------------------===//

#include "zellige/Autotune/SearchSpace.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <map>

using namespace llvm;
using namespace zellige::autotune;

Constraint zellige::autotune::gpuWorkgroupConstraint(int64_t maxThreads) {
  return [maxThreads](ArrayRef<Knob> knobs, ArrayRef<int64_t> values) {
    std::map<std::string, int64_t> wg, thread;
    for (auto [knob, value] : llvm::zip(knobs, values)) {
      StringRef name = knob.name;
      if (name.consume_front("wg."))
        wg[name.str()] = value;
      else if (name.consume_front("thread."))
        thread[name.str()] = value;
    }
    int64_t threads = 1;
    for (auto &[dim, t] : thread) {
      auto w = wg.find(dim);
      if (w == wg.end())
        continue;
      if (t <= 0 || w->second % t != 0)
        return false;
      threads *= w->second / t;
      if (threads > maxThreads)
        return false;
    }
    return true;
  };
}

Constraint zellige::autotune::pruneByEstimate(
    Constraint base, size_t numKnobs,
    std::function<double(ArrayRef<int64_t>)> estimate, double limit) {
  return [base = std::move(base), numKnobs, estimate = std::move(estimate),
          limit](ArrayRef<Knob> knobs, ArrayRef<int64_t> assigned) {
    if (base && !base(knobs, assigned))
      return false;
    if (assigned.size() < numKnobs)
      return true;
    double e = estimate(assigned);
    return !(e > 0) || e <= limit;
  };
}

SearchSpace::SearchSpace(std::vector<Knob> knobs, Constraint constraint)
    : knobs_(std::move(knobs)), constraint(std::move(constraint)) {
  for (Knob &k : knobs_) {
    llvm::sort(k.values);
    k.values.erase(std::unique(k.values.begin(), k.values.end()),
                   k.values.end());
    if (k.values.empty())
      k.values.push_back(k.initial);
  }
}

uint64_t SearchSpace::cartesianSize() const {
  uint64_t size = 1;
  for (const Knob &k : knobs_) {
    if (size > UINT64_MAX / k.values.size())
      return UINT64_MAX;
    size *= k.values.size();
  }
  return size;
}

int SearchSpace::indexOf(size_t k, int64_t value) const {
  auto it = llvm::lower_bound(knobs_[k].values, value);
  if (it == knobs_[k].values.end() || *it != value)
    return -1;
  return it - knobs_[k].values.begin();
}

bool SearchSpace::isLegal(ArrayRef<int64_t> point) const {
  if (point.size() != knobs_.size())
    return false;
  for (size_t k = 0; k < point.size(); ++k)
    if (indexOf(k, point[k]) < 0)
      return false;
  return !constraint || constraint(knobs_, point);
}

Point SearchSpace::initial() const {
  Point p;
  for (const Knob &k : knobs_)
    p.push_back(k.initial);
  return p;
}

void SearchSpace::enumerate(function_ref<bool(const Point &)> fn,
                            uint64_t limit) const {
  Point p;
  p.reserve(knobs_.size());
  uint64_t visited = 0;
  // Returns false to stop.
  std::function<bool(size_t)> visit = [&](size_t k) -> bool {
    if (k == knobs_.size()) {
      if (visited++ >= limit)
        return false;
      return fn(p);
    }
    for (int64_t v : knobs_[k].values) {
      p.push_back(v);
      bool keep = !constraint ||
                  constraint(ArrayRef(knobs_).take_front(k + 1), ArrayRef(p));
      if (keep && !visit(k + 1)) {
        p.pop_back();
        return false;
      }
      p.pop_back();
    }
    return true;
  };
  visit(0);
}

uint64_t SearchSpace::countLegal(uint64_t limit) const {
  uint64_t n = 0;
  enumerate(
      [&](const Point &) {
        ++n;
        return true;
      },
      limit);
  return n;
}

std::optional<double>
SearchSpace::bestEstimate(function_ref<double(const Point &)> estimate,
                          uint64_t limit) const {
  std::optional<double> best;
  auto consider = [&](const Point &p) {
    double e = estimate(p);
    if (e > 0 && std::isfinite(e) && (!best || e < *best))
      best = e;
    return true;
  };
  enumerate(consider, limit);
  Point start = initial();
  if (isLegal(start))
    consider(start);
  return best;
}

std::optional<Point> SearchSpace::sample(std::mt19937_64 &rng,
                                         unsigned attempts) const {
  for (unsigned a = 0; a < attempts; ++a) {
    Point p;
    for (const Knob &k : knobs_)
      p.push_back(k.values[rng() % k.values.size()]);
    if (!constraint || constraint(knobs_, p))
      return p;
  }
  return std::nullopt;
}

std::vector<Point> SearchSpace::neighbours(const Point &p) const {
  std::vector<Point> out;
  for (size_t k = 0; k < knobs_.size(); ++k) {
    int i = indexOf(k, p[k]);
    if (i < 0)
      continue;
    for (int step : {-1, 1}) {
      int j = i + step;
      if (j < 0 || j >= int(knobs_[k].values.size()))
        continue;
      Point q = p;
      q[k] = knobs_[k].values[j];
      if (isLegal(q))
        out.push_back(std::move(q));
    }
  }
  return out;
}

std::string SearchSpace::key(const Point &p) const {
  std::vector<std::pair<std::string, int64_t>> pairs;
  for (auto [k, v] : llvm::zip(knobs_, p))
    pairs.push_back({k.name, v});
  llvm::sort(pairs);
  return llvm::join(llvm::map_range(pairs,
                                    [](const auto &kv) {
                                      return kv.first + "=" +
                                             std::to_string(kv.second);
                                    }),
                    ";");
}

std::optional<std::vector<std::pair<std::string, int64_t>>>
zellige::autotune::parseKnobString(StringRef key) {
  std::vector<std::pair<std::string, int64_t>> out;
  SmallVector<StringRef> parts;
  key.split(parts, ';', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    auto [name, value] = part.split('=');
    int64_t v;
    if (name.empty() || value.getAsInteger(10, v))
      return std::nullopt;
    out.push_back({name.str(), v});
  }
  return out;
}

std::optional<Point> SearchSpace::parseKey(StringRef key) const {
  auto pairs = parseKnobString(key);
  if (!pairs || pairs->size() != knobs_.size())
    return std::nullopt;
  Point p(knobs_.size());
  std::vector<bool> seen(knobs_.size(), false);
  for (auto &[name, value] : *pairs) {
    auto it =
        llvm::find_if(knobs_, [&](const Knob &k) { return k.name == name; });
    if (it == knobs_.end())
      return std::nullopt;
    size_t k = it - knobs_.begin();
    p[k] = value;
    seen[k] = true;
  }
  if (!llvm::all_of(seen, [](bool b) { return b; }) || !isLegal(p))
    return std::nullopt;
  return p;
}
