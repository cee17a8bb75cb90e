//===- Strategy.cpp - Search strategies -------------------------*- C++ -*-===//
//
// This file implements the search strategies: exhaustive, random, anneal,
// genetic and model. Each keeps its own seeded random engine and never
// proposes a point that is already in the history or twice in one batch.
//
//===----------------------------------------------------------------------===//

#include "zellige/Autotune/Strategy.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <set>

using namespace llvm;
using namespace zellige::autotune;

Strategy::~Strategy() = default;

namespace {

/// Points already measured or already proposed in this batch.
struct Seen {
  std::set<Point> points;
  explicit Seen(ArrayRef<Trial> history) {
    for (const Trial &t : history)
      points.insert(t.point);
  }
  /// Adds `p` to `out` when it is new; returns whether it was.
  bool take(const Point &p, std::vector<Point> &out) {
    if (!points.insert(p).second)
      return false;
    out.push_back(p);
    return true;
  }
};

/// Points small spaces enumerate and large ones sample, for strategies that
/// need a pool of candidates.
constexpr uint64_t kPoolSize = 4096;

/// Up to `n` new points drawn at random (without replacement when the space
/// is small enough to enumerate).
void fillRandom(const SearchSpace &space, Seen &seen, std::mt19937_64 &rng,
                unsigned n, std::vector<Point> &out) {
  size_t target = out.size() + n;
  if (space.countLegal(kPoolSize + 1) <= kPoolSize) {
    std::vector<Point> pool;
    space.enumerate([&](const Point &p) {
      if (!seen.points.count(p))
        pool.push_back(p);
      return true;
    });
    std::shuffle(pool.begin(), pool.end(), rng);
    for (const Point &p : pool) {
      if (out.size() >= target)
        break;
      seen.take(p, out);
    }
    return;
  }
  for (unsigned attempt = 0; attempt < 100 * n && out.size() < target;
       ++attempt)
    if (std::optional<Point> p = space.sample(rng))
      seen.take(*p, out);
}

/// The ok trials, fastest first.
std::vector<const Trial *> rankOk(ArrayRef<Trial> history) {
  std::vector<const Trial *> ok;
  for (const Trial &t : history)
    if (t.ok)
      ok.push_back(&t);
  std::stable_sort(ok.begin(), ok.end(), [](const Trial *a, const Trial *b) {
    return a->cost < b->cost;
  });
  return ok;
}

// --- exhaustive --------------------------------------------------------------

/// Every legal point in enumeration order.
class Exhaustive : public Strategy {
public:
  StringRef name() const override { return "exhaustive"; }
  std::vector<Point> propose(const SearchSpace &space, ArrayRef<Trial> history,
                             unsigned n) override {
    Seen seen(history);
    std::vector<Point> out;
    if (n == 0)
      return out;
    space.enumerate([&](const Point &p) {
      seen.take(p, out);
      return out.size() < n;
    });
    return out;
  }
};

// --- random ------------------------------------------------------------------

/// Uniform sampling of legal points without repetition.
class Random : public Strategy {
public:
  explicit Random(uint64_t seed) : rng(seed) {}
  StringRef name() const override { return "random"; }
  std::vector<Point> propose(const SearchSpace &space, ArrayRef<Trial> history,
                             unsigned n) override {
    Seen seen(history);
    std::vector<Point> out;
    fillRandom(space, seen, rng, n, out);
    return out;
  }

private:
  std::mt19937_64 rng;
};

// --- anneal ------------------------------------------------------------------

/// Simulated annealing: a walk over neighbours that accepts a slower point
/// with probability exp(-(cost / current - 1) / T), T cooling per trial.
class Anneal : public Strategy {
public:
  explicit Anneal(uint64_t seed) : rng(seed) {}
  StringRef name() const override { return "anneal"; }
  std::vector<Point> propose(const SearchSpace &space, ArrayRef<Trial> history,
                             unsigned n) override {
    std::uniform_real_distribution<double> unit(0, 1);
    for (; processed < history.size(); ++processed) {
      const Trial &t = history[processed];
      temperature = std::max(temperature * kCooling, kMinTemperature);
      if (!t.ok)
        continue;
      if (current.empty() || t.cost < currentCost ||
          unit(rng) < std::exp(-(t.cost / currentCost - 1) / temperature)) {
        current = t.point;
        currentCost = t.cost;
      }
    }
    Seen seen(history);
    std::vector<Point> out;
    if (current.empty()) {
      Point start = space.initial();
      if (space.isLegal(start))
        seen.take(start, out);
      fillRandom(space, seen, rng, n - std::min<unsigned>(n, out.size()), out);
      return out;
    }
    // Neighbours of the current point, then of the best, then a restart.
    std::vector<Point> around = space.neighbours(current);
    std::shuffle(around.begin(), around.end(), rng);
    for (const Point &p : around)
      if (out.size() < n)
        seen.take(p, out);
    if (out.size() < n) {
      std::vector<const Trial *> ok = rankOk(history);
      if (!ok.empty()) {
        std::vector<Point> best = space.neighbours(ok.front()->point);
        std::shuffle(best.begin(), best.end(), rng);
        for (const Point &p : best)
          if (out.size() < n)
            seen.take(p, out);
      }
    }
    if (out.size() < n)
      fillRandom(space, seen, rng, n - out.size(), out);
    return out;
  }

private:
  static constexpr double kCooling = 0.9, kMinTemperature = 1e-3;
  std::mt19937_64 rng;
  size_t processed = 0;
  Point current;
  double currentCost = 0;
  double temperature = 0.5;
};

// --- genetic -----------------------------------------------------------------

/// A population of the fastest points; children take each knob from one of
/// two tournament-selected parents and mutate one step at a time.
class Genetic : public Strategy {
public:
  explicit Genetic(uint64_t seed) : rng(seed) {}
  StringRef name() const override { return "genetic"; }
  std::vector<Point> propose(const SearchSpace &space, ArrayRef<Trial> history,
                             unsigned n) override {
    Seen seen(history);
    std::vector<Point> out;
    std::vector<const Trial *> population = rankOk(history);
    if (population.size() > kPopulation)
      population.resize(kPopulation);
    if (population.size() < 2) {
      fillRandom(space, seen, rng, n, out);
      return out;
    }
    size_t numKnobs = space.knobs().size();
    std::uniform_real_distribution<double> unit(0, 1);
    auto tournament = [&]() -> const Point & {
      const Trial *a = population[rng() % population.size()];
      const Trial *b = population[rng() % population.size()];
      return a->cost <= b->cost ? a->point : b->point;
    };
    for (unsigned attempt = 0; attempt < 200 * n && out.size() < n; ++attempt) {
      const Point &mother = tournament();
      const Point &father = tournament();
      Point child(numKnobs);
      for (size_t k = 0; k < numKnobs; ++k)
        child[k] = (rng() & 1) ? mother[k] : father[k];
      for (size_t k = 0; k < numKnobs; ++k) {
        if (unit(rng) >= 1.0 / numKnobs)
          continue;
        const std::vector<int64_t> &values = space.knobs()[k].values;
        int i = space.indexOf(k, child[k]);
        if (unit(rng) < 0.3 || i < 0)
          i = rng() % values.size();
        else
          i = std::clamp<int>(i + ((rng() & 1) ? 1 : -1), 0,
                              int(values.size()) - 1);
        child[k] = values[i];
      }
      if (space.isLegal(child))
        seen.take(child, out);
    }
    if (out.size() < n)
      fillRandom(space, seen, rng, n - out.size(), out);
    return out;
  }

private:
  static constexpr size_t kPopulation = 8;
  std::mt19937_64 rng;
};

// --- model -------------------------------------------------------------------

/// Ridge regression of log(time) on one-hot and log2 features of each knob,
/// refitted on every call; proposes the unmeasured points with the lowest
/// prediction, plus a quarter of random picks for exploration. Until
/// kMinTrials points ran, it proposes the initial point, then the points
/// with the lowest prior estimate when it has one, else random points.
class Model : public Strategy {
public:
  explicit Model(uint64_t seed) : rng(seed) {}
  StringRef name() const override { return "model"; }
  std::vector<Point> propose(const SearchSpace &space, ArrayRef<Trial> history,
                             unsigned n) override {
    Seen seen(history);
    std::vector<Point> out;
    std::vector<const Trial *> ok = rankOk(history);
    if (ok.size() < kMinTrials) {
      Point start = space.initial();
      if (space.isLegal(start) && n > 0)
        seen.take(start, out);
      if (prior)
        fillByPrior(space, seen, n - std::min<unsigned>(n, out.size()), out);
      fillRandom(space, seen, rng, n - std::min<unsigned>(n, out.size()), out);
      return out;
    }
    std::vector<double> weights = fit(space, ok);
    // The candidate pool: every legal point of a small space, else samples.
    std::vector<Point> pool;
    if (space.countLegal(kPoolSize + 1) <= kPoolSize) {
      space.enumerate([&](const Point &p) {
        if (!seen.points.count(p))
          pool.push_back(p);
        return true;
      });
    } else {
      std::set<Point> drawn;
      for (unsigned a = 0; a < 4 * kPoolSize && pool.size() < kPoolSize; ++a)
        if (std::optional<Point> p = space.sample(rng))
          if (!seen.points.count(*p) && drawn.insert(*p).second)
            pool.push_back(*p);
      // The best point's neighbours are always candidates.
      for (const Point &p : space.neighbours(ok.front()->point))
        if (!seen.points.count(p) && drawn.insert(p).second)
          pool.push_back(p);
    }
    std::vector<std::pair<double, size_t>> ranked;
    for (auto [i, p] : llvm::enumerate(pool))
      ranked.push_back({predict(space, weights, p), i});
    std::stable_sort(ranked.begin(), ranked.end());
    unsigned explore = n >= 4 ? n / 4 : (rng() % 4 == 0 ? 1 : 0);
    unsigned exploit = n - std::min(n, explore);
    size_t next = 0;
    for (; next < ranked.size() && out.size() < exploit; ++next)
      seen.take(pool[ranked[next].second], out);
    if (out.size() < n && next < ranked.size()) {
      std::vector<size_t> rest;
      for (size_t i = next; i < ranked.size(); ++i)
        rest.push_back(ranked[i].second);
      std::shuffle(rest.begin(), rest.end(), rng);
      for (size_t i : rest)
        if (out.size() < n)
          seen.take(pool[i], out);
    }
    return out;
  }

private:
  static constexpr size_t kMinTrials = 3;

  /// Up to `n` new points with the lowest prior estimate (ties in
  /// enumeration order): every legal point of a small space, else samples.
  void fillByPrior(const SearchSpace &space, Seen &seen, unsigned n,
                   std::vector<Point> &out) {
    if (n == 0)
      return;
    std::vector<Point> pool;
    if (space.countLegal(kPoolSize + 1) <= kPoolSize) {
      space.enumerate([&](const Point &p) {
        if (!seen.points.count(p))
          pool.push_back(p);
        return true;
      });
    } else {
      std::set<Point> drawn;
      for (unsigned a = 0; a < 4 * kPoolSize && pool.size() < kPoolSize; ++a)
        if (std::optional<Point> p = space.sample(rng))
          if (!seen.points.count(*p) && drawn.insert(*p).second)
            pool.push_back(*p);
    }
    std::vector<std::pair<double, size_t>> ranked;
    for (auto [i, p] : llvm::enumerate(pool)) {
      double e = prior(p);
      if (e > 0 && std::isfinite(e))
        ranked.push_back({e, i});
    }
    std::stable_sort(ranked.begin(), ranked.end());
    size_t target = out.size() + n;
    for (auto [e, i] : ranked) {
      if (out.size() >= target)
        break;
      seen.take(pool[i], out);
    }
  }
  static constexpr double kLambda = 0.1;

  static std::vector<double> features(const SearchSpace &space,
                                      const Point &p) {
    std::vector<double> f = {1.0};
    for (auto [k, knob] : llvm::enumerate(space.knobs())) {
      int i = space.indexOf(k, p[k]);
      for (size_t j = 0; j < knob.values.size(); ++j)
        f.push_back(int(j) == i ? 1.0 : 0.0);
      f.push_back(std::log2(double(std::max<int64_t>(p[k], 1))));
    }
    return f;
  }

  static double predict(const SearchSpace &space, const std::vector<double> &w,
                        const Point &p) {
    std::vector<double> f = features(space, p);
    double y = 0;
    for (size_t i = 0; i < f.size(); ++i)
      y += w[i] * f[i];
    return y;
  }

  /// Solves (XᵀX + λI) w = Xᵀy by Cholesky; y = log(cost).
  static std::vector<double> fit(const SearchSpace &space,
                                 ArrayRef<const Trial *> trials) {
    size_t d = features(space, trials.front()->point).size();
    std::vector<double> a(d * d, 0.0), b(d, 0.0);
    for (const Trial *t : trials) {
      std::vector<double> f = features(space, t->point);
      double y = std::log(std::max(t->cost, 1e-9));
      for (size_t i = 0; i < d; ++i) {
        b[i] += f[i] * y;
        for (size_t j = 0; j < d; ++j)
          a[i * d + j] += f[i] * f[j];
      }
    }
    for (size_t i = 0; i < d; ++i)
      a[i * d + i] += kLambda;
    // A = L Lᵀ, in place in the lower triangle.
    for (size_t j = 0; j < d; ++j) {
      double s = a[j * d + j];
      for (size_t k = 0; k < j; ++k)
        s -= a[j * d + k] * a[j * d + k];
      a[j * d + j] = std::sqrt(std::max(s, 1e-12));
      for (size_t i = j + 1; i < d; ++i) {
        double t = a[i * d + j];
        for (size_t k = 0; k < j; ++k)
          t -= a[i * d + k] * a[j * d + k];
        a[i * d + j] = t / a[j * d + j];
      }
    }
    std::vector<double> z(d), w(d);
    for (size_t i = 0; i < d; ++i) {
      double t = b[i];
      for (size_t k = 0; k < i; ++k)
        t -= a[i * d + k] * z[k];
      z[i] = t / a[i * d + i];
    }
    for (size_t i = d; i-- > 0;) {
      double t = z[i];
      for (size_t k = i + 1; k < d; ++k)
        t -= a[k * d + i] * w[k];
      w[i] = t / a[i * d + i];
    }
    return w;
  }

  std::mt19937_64 rng;
};

const StringRef kNames[] = {"model", "anneal", "genetic", "random",
                            "exhaustive"};

} // namespace

std::unique_ptr<Strategy> zellige::autotune::createStrategy(StringRef name,
                                                            uint64_t seed) {
  if (name == "exhaustive")
    return std::make_unique<Exhaustive>();
  if (name == "random")
    return std::make_unique<Random>(seed);
  if (name == "anneal")
    return std::make_unique<Anneal>(seed);
  if (name == "genetic")
    return std::make_unique<Genetic>(seed);
  if (name == "model")
    return std::make_unique<Model>(seed);
  return nullptr;
}

ArrayRef<StringRef> zellige::autotune::getStrategyNames() { return kNames; }

StringRef zellige::autotune::getDefaultStrategyName() { return "model"; }
