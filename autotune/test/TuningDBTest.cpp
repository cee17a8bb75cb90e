//===- TuningDBTest.cpp - TuningDB tests ------------------------*- C++ -*-===//
//
// This file tests the tuning database: insert, lookup, best, replacement of
// a re-measured row, reopening (resume), the status check, and that a writer
// killed with SIGKILL in the middle of its inserts leaves a database that
// passes `PRAGMA integrity_check` with every committed row in it.
//
//===----------------------------------------------------------------------===//

#include "zellige/Autotune/TuningDB.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace zellige::autotune;

namespace {

class TuningDBTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("zellige-tunedb", dir));
    path = dir;
    llvm::sys::path::append(path, "sub", "tuning.db");
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::unique_ptr<TuningDB> open() {
    auto db = TuningDB::open(path);
    if (!db) {
      ADD_FAILURE() << llvm::toString(db.takeError());
      return nullptr;
    }
    return std::move(*db);
  }

  static Measurement row(std::string knobs, double ms,
                         std::string status = "ok") {
    Measurement m;
    m.device = "dev";
    m.signature = "sig";
    m.knobs = std::move(knobs);
    m.medianMs = ms;
    m.spread = 0.01;
    m.runs = 10;
    m.status = std::move(status);
    return m;
  }

  llvm::SmallString<128> dir, path;
};

TEST_F(TuningDBTest, StrategyAndKernelRoundTrip) {
  auto db = open();
  ASSERT_TRUE(db);
  Measurement m = row("a=1", 2.0);
  m.strategy = "anneal";
  m.kernel = "model.onnx:dispatch_3_matmul";
  ASSERT_FALSE(bool(db->insert(m)));
  auto got = db->lookup("dev", "sig", "a=1");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->strategy, "anneal");
  EXPECT_EQ((*got)->kernel, "model.onnx:dispatch_3_matmul");
}

TEST_F(TuningDBTest, OlderTablesGainTheNewColumns) {
  // The table as the first version created it: no strategy, no kernel.
  ASSERT_FALSE(
      llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path)));
  sqlite3 *raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "CREATE TABLE measurements (id INTEGER PRIMARY KEY "
                         "AUTOINCREMENT, device TEXT NOT NULL, signature TEXT "
                         "NOT NULL, knobs TEXT NOT NULL, median_ms REAL, "
                         "spread REAL, runs INTEGER, status TEXT NOT NULL, "
                         "compiler TEXT, created TEXT, UNIQUE (device, "
                         "signature, knobs));"
                         "INSERT INTO measurements (device, signature, knobs, "
                         "median_ms, status) VALUES ('dev', 'sig', 'a=1', 3, "
                         "'ok');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto db = open();
  ASSERT_TRUE(db);
  auto old = db->lookup("dev", "sig", "a=1");
  ASSERT_TRUE(old && *old);
  EXPECT_EQ((*old)->strategy, "");
  Measurement m = row("a=2", 1.0);
  m.strategy = "model";
  ASSERT_FALSE(bool(db->insert(m)));
  auto rows = db->rows();
  ASSERT_TRUE(bool(rows));
  EXPECT_EQ(rows->size(), 2u);
  EXPECT_EQ(rows->front().strategy, "model");
}

TEST_F(TuningDBTest, InsertLookupBest) {
  auto db = open();
  ASSERT_TRUE(db);
  ASSERT_FALSE(bool(db->insert(row("a=1;b=2", 3.0))));
  ASSERT_FALSE(bool(db->insert(row("a=2;b=2", 1.5))));
  ASSERT_FALSE(bool(db->insert(row("a=4;b=2", 0.5, "invalid"))));
  ASSERT_FALSE(bool(db->insert(row("a=8;b=2", 0, "timeout"))));

  auto found = db->lookup("dev", "sig", "a=1;b=2");
  ASSERT_TRUE(bool(found));
  ASSERT_TRUE(found->has_value());
  EXPECT_DOUBLE_EQ((*found)->medianMs, 3.0);
  EXPECT_EQ((*found)->runs, 10);
  EXPECT_FALSE((*found)->created.empty());
  EXPECT_EQ((*found)->compiler.rfind("zellige ", 0), 0u);

  auto missing = db->lookup("dev", "sig", "a=3;b=2");
  ASSERT_TRUE(bool(missing));
  EXPECT_FALSE(missing->has_value());

  // The invalid row is faster but does not count.
  auto best = db->best("dev", "sig");
  ASSERT_TRUE(bool(best));
  ASSERT_TRUE(best->has_value());
  EXPECT_EQ((*best)->knobs, "a=2;b=2");
  auto none = db->best("other-device", "sig");
  ASSERT_TRUE(bool(none));
  EXPECT_FALSE(none->has_value());

  auto all = db->rows();
  ASSERT_TRUE(bool(all));
  EXPECT_EQ(all->size(), 4u);
}

TEST_F(TuningDBTest, RemeasureReplaces) {
  auto db = open();
  ASSERT_TRUE(db);
  ASSERT_FALSE(bool(db->insert(row("a=1", 3.0))));
  ASSERT_FALSE(bool(db->insert(row("a=1", 2.0))));
  auto all = db->rows("dev", "sig");
  ASSERT_TRUE(bool(all));
  ASSERT_EQ(all->size(), 1u);
  EXPECT_DOUBLE_EQ(all->front().medianMs, 2.0);
}

TEST_F(TuningDBTest, ResumeAfterReopen) {
  {
    auto db = open();
    ASSERT_TRUE(db);
    ASSERT_FALSE(bool(db->insert(row("a=1", 3.0))));
  }
  auto db = open();
  ASSERT_TRUE(db);
  auto found = db->lookup("dev", "sig", "a=1");
  ASSERT_TRUE(bool(found));
  EXPECT_TRUE(found->has_value());
}

TEST_F(TuningDBTest, RejectsUnknownStatus) {
  auto db = open();
  ASSERT_TRUE(db);
  llvm::Error e = db->insert(row("a=1", 1.0, "fast"));
  EXPECT_TRUE(bool(e));
  llvm::consumeError(std::move(e));
}

TEST_F(TuningDBTest, DefaultPathHonoursXDG) {
  const char *old = getenv("XDG_CACHE_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", "/tmp/xdg-test", 1);
  EXPECT_EQ(TuningDB::defaultPath(), "/tmp/xdg-test/zellige/tuning.db");
  if (old)
    setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  else
    unsetenv("XDG_CACHE_HOME");
}

TEST_F(TuningDBTest, SurvivesKillDuringWrites) {
  // The child inserts rows as fast as it can and reports each committed row
  // over a pipe; the parent kills it mid-stream.
  { ASSERT_TRUE(open()); }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    auto db = TuningDB::open(path);
    if (!db)
      _exit(2);
    for (int i = 0;; ++i) {
      if ((*db)->insert(row("i=" + std::to_string(i), i)))
        _exit(3);
      if (write(fds[1], &i, sizeof(i)) != sizeof(i))
        _exit(4);
    }
  }
  close(fds[1]);
  int last = -1, value;
  while (last < 40 && read(fds[0], &value, sizeof(value)) == sizeof(value))
    last = value;
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  // Anything still in the pipe was committed too.
  while (read(fds[0], &value, sizeof(value)) == sizeof(value))
    last = value;
  close(fds[0]);
  ASSERT_GE(last, 40);

  sqlite3 *raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt *stmt = nullptr;
  ASSERT_EQ(
      sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &stmt, nullptr),
      SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0)),
               "ok");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);

  auto db = open();
  ASSERT_TRUE(db);
  for (int i = 0; i <= last; ++i) {
    auto found = db->lookup("dev", "sig", "i=" + std::to_string(i));
    ASSERT_TRUE(bool(found));
    EXPECT_TRUE(found->has_value()) << "row " << i << " of " << last;
  }
}

} // namespace
