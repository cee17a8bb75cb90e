//===- SearchSpaceTest.cpp - SearchSpace tests ------------------*- C++ -*-===//
//
// This file tests the search space: counts with and without the GPU
// workgroup constraint (checked against brute force), that enumeration and
// sampling yield only legal points, neighbours, the canonical key, and
// pruning by a cost estimate.
//
//===----------------------------------------------------------------------===//

#include "zellige/Autotune/SearchSpace.h"

#include <gtest/gtest.h>

#include <set>

using namespace zellige::autotune;

namespace {

std::vector<int64_t> pow2(int64_t max) {
  std::vector<int64_t> v;
  for (int64_t x = 1; x <= max; x *= 2)
    v.push_back(x);
  return v;
}

SearchSpace gpuSpace(int64_t maxThreads) {
  return SearchSpace({{"wg.0", pow2(64), 16},
                      {"thread.0", pow2(8), 1},
                      {"wg.1", pow2(64), 16},
                      {"thread.1", pow2(8), 1},
                      {"vector", {1, 2, 4}, 1}},
                     gpuWorkgroupConstraint(maxThreads));
}

TEST(SearchSpaceTest, CartesianCount) {
  SearchSpace space({{"a", {1, 2, 4}, 1}, {"b", {8, 16}, 8}});
  EXPECT_EQ(space.cartesianSize(), 6u);
  EXPECT_EQ(space.countLegal(), 6u);
  EXPECT_EQ(space.countLegal(4), 4u);
}

TEST(SearchSpaceTest, ConstraintMatchesBruteForce) {
  SearchSpace space = gpuSpace(256);
  uint64_t brute = 0;
  for (int64_t w0 : pow2(64))
    for (int64_t t0 : pow2(8))
      for (int64_t w1 : pow2(64))
        for (int64_t t1 : pow2(8))
          if (w0 % t0 == 0 && w1 % t1 == 0 && (w0 / t0) * (w1 / t1) <= 256)
            brute += 3;
  EXPECT_EQ(space.countLegal(), brute);
  EXPECT_LT(brute, space.cartesianSize());
  std::set<Point> seen;
  space.enumerate([&](const Point &p) {
    EXPECT_TRUE(space.isLegal(p));
    EXPECT_TRUE(seen.insert(p).second);
    int64_t threads = (p[0] / p[1]) * (p[2] / p[3]);
    EXPECT_LE(threads, 256);
    return true;
  });
  EXPECT_EQ(seen.size(), brute);
}

TEST(SearchSpaceTest, SamplesAreLegal) {
  SearchSpace space = gpuSpace(64);
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::optional<Point> p = space.sample(rng);
    ASSERT_TRUE(p);
    EXPECT_TRUE(space.isLegal(*p));
  }
}

TEST(SearchSpaceTest, Neighbours) {
  SearchSpace space({{"a", {1, 2, 4}, 2}, {"b", {8, 16}, 8}});
  std::vector<Point> n = space.neighbours({2, 8});
  std::set<Point> got(n.begin(), n.end());
  EXPECT_EQ(got, (std::set<Point>{{1, 8}, {4, 8}, {2, 16}}));
  SearchSpace gpu = gpuSpace(256);
  for (const Point &q : gpu.neighbours({16, 1, 16, 1, 1}))
    EXPECT_TRUE(gpu.isLegal(q));
  // 32x16 threads is over the limit.
  for (const Point &q : gpu.neighbours({16, 1, 16, 1, 1}))
    EXPECT_NE(q, (Point{32, 1, 16, 1, 1}));
}

TEST(SearchSpaceTest, KeyRoundTrip) {
  SearchSpace space({{"tile.1", {1, 2, 4}, 2}, {"tile.0", {8, 16}, 8}});
  Point p = {4, 16};
  EXPECT_EQ(space.key(p), "tile.0=16;tile.1=4");
  EXPECT_EQ(space.parseKey("tile.0=16;tile.1=4"), p);
  EXPECT_FALSE(space.parseKey("tile.0=16"));
  EXPECT_FALSE(space.parseKey("tile.0=3;tile.1=4"));
  EXPECT_FALSE(space.parseKey("tile.0=16;tile.1=4;x=1"));
  EXPECT_EQ(space.initial(), (Point{2, 8}));
}

TEST(SearchSpaceTest, PrunesByEstimate) {
  // The estimate: the product of the values; the best is 1 * 8 = 8.
  std::vector<Knob> knobs = {{"a", {1, 2, 4}, 4}, {"b", {8, 16}, 8}};
  auto estimate = [](llvm::ArrayRef<int64_t> p) { return double(p[0] * p[1]); };
  SearchSpace full(knobs);
  std::optional<double> best =
      full.bestEstimate([&](const Point &p) { return estimate(p); });
  ASSERT_TRUE(best);
  EXPECT_DOUBLE_EQ(*best, 8.0);
  // Within 2x of the best: 1*8, 2*8, 1*16 (16 <= 16); 4*8 and the rest go.
  SearchSpace pruned(knobs,
                     pruneByEstimate(nullptr, knobs.size(), estimate, 2 * 8.0));
  std::set<Point> kept;
  pruned.enumerate([&](const Point &p) {
    kept.insert(p);
    return true;
  });
  EXPECT_EQ(kept, (std::set<Point>{{1, 8}, {2, 8}, {1, 16}}));
  EXPECT_FALSE(pruned.isLegal({4, 8}));
  EXPECT_TRUE(pruned.isLegal({2, 8}));
  // The base constraint still applies, and unknown estimates are kept.
  SearchSpace both(knobs,
                   pruneByEstimate(
                       [](llvm::ArrayRef<Knob>, llvm::ArrayRef<int64_t> v) {
                         return v.size() < 2 || v[1] != 16;
                       },
                       knobs.size(),
                       [](llvm::ArrayRef<int64_t> p) {
                         return p[0] == 4 ? 0.0 : double(p[0] * p[1]);
                       },
                       16.0));
  EXPECT_EQ(both.countLegal(), 3u); // {1,8}, {2,8}, {4,8} (unknown)
  // No positive estimate: no best.
  EXPECT_FALSE(full.bestEstimate([](const Point &) { return 0.0; }));
}

} // namespace
