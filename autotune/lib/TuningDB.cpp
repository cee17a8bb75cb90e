//===- TuningDB.cpp - The tuning database -----------------------*- C++ -*-===//
//
// This file implements TuningDB on the SQLite C API: the schema, WAL mode
// with full synchronisation (each insert is its own committed transaction),
// and the queries the tuner and the compiler use.
//
//===----------------------------------------------------------------------===//

#include "zellige/Autotune/TuningDB.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <sqlite3.h>

#include <ctime>

using namespace llvm;
using namespace zellige::autotune;

namespace {

Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

constexpr const char *kSchema = R"sql(
CREATE TABLE IF NOT EXISTS measurements (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device TEXT NOT NULL,
  signature TEXT NOT NULL,
  knobs TEXT NOT NULL,
  median_ms REAL,
  spread REAL,
  runs INTEGER,
  status TEXT NOT NULL CHECK (status IN
    ('ok', 'invalid', 'timeout', 'crash', 'compile-error')),
  compiler TEXT,
  created TEXT,
  strategy TEXT,
  kernel TEXT,
  UNIQUE (device, signature, knobs)
);
CREATE INDEX IF NOT EXISTS measurements_best
  ON measurements (device, signature, status, median_ms);
)sql";

constexpr const char *kColumns =
    "id, device, signature, knobs, median_ms, spread, runs, status, "
    "compiler, created, strategy, kernel";

std::string nowUTC() {
  std::time_t t = std::time(nullptr);
  std::tm tm;
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string columnText(sqlite3_stmt *stmt, int col) {
  const unsigned char *text = sqlite3_column_text(stmt, col);
  return text ? reinterpret_cast<const char *>(text) : "";
}

/// Finalizes a statement when it goes out of scope.
struct Statement {
  sqlite3_stmt *stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

} // namespace

bool zellige::autotune::isValidStatus(StringRef status) {
  return status == "ok" || status == "invalid" || status == "timeout" ||
         status == "crash" || status == "compile-error";
}

std::string TuningDB::defaultPath() {
  SmallString<256> path;
  if (std::optional<std::string> xdg = sys::Process::GetEnv("XDG_CACHE_HOME");
      xdg && !xdg->empty()) {
    path = *xdg;
  } else {
    sys::path::home_directory(path);
    sys::path::append(path, ".cache");
  }
  sys::path::append(path, "zellige", "tuning.db");
  return std::string(path);
}

Expected<std::unique_ptr<TuningDB>> TuningDB::open(StringRef path) {
  StringRef parent = sys::path::parent_path(path);
  if (!parent.empty())
    if (std::error_code ec = sys::fs::create_directories(parent))
      return makeError(parent + ": cannot create directory: " + ec.message());
  std::unique_ptr<TuningDB> db(new TuningDB());
  db->path_ = path.str();
  int rc = sqlite3_open_v2(db->path_.c_str(), &db->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK)
    return makeError(path + ": cannot open the tuning database: " +
                     (db->db ? sqlite3_errmsg(db->db) : sqlite3_errstr(rc)));
  sqlite3_busy_timeout(db->db, 10000);
  // WAL keeps readers (a compile) and the tuner apart; FULL makes each
  // commit durable, not only atomic.
  if (Error e = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"))
    return std::move(e);
  if (Error e = db->exec(kSchema))
    return std::move(e);
  if (Error e = db->migrate())
    return std::move(e);
  return std::move(db);
}

TuningDB::~TuningDB() { sqlite3_close(db); }

Error TuningDB::exec(StringRef sql) {
  char *message = nullptr;
  std::string text = sql.str();
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return makeError(path_ + ": " + why);
  }
  return Error::success();
}

Error TuningDB::migrate() {
  std::vector<std::string> present;
  {
    Statement s;
    if (sqlite3_prepare_v2(db, "PRAGMA table_info(measurements)", -1, &s.stmt,
                           nullptr) != SQLITE_OK)
      return makeError(path_ + ": " + sqlite3_errmsg(db));
    while (sqlite3_step(s.stmt) == SQLITE_ROW)
      present.push_back(columnText(s.stmt, 1));
  }
  for (const char *column : {"strategy", "kernel"})
    if (!llvm::is_contained(present, column))
      if (Error e = exec(std::string("ALTER TABLE measurements ADD COLUMN ") +
                         column + " TEXT"))
        return e;
  return Error::success();
}

Error TuningDB::insert(const Measurement &m) {
  if (!isValidStatus(m.status))
    return makeError("tuning database: unknown status '" + m.status + "'");
  std::lock_guard<std::mutex> lock(mutex);
  Statement s;
  const char *sql =
      "INSERT INTO measurements (device, signature, knobs, median_ms, spread, "
      "runs, status, compiler, created, strategy, kernel) VALUES (?1, ?2, "
      "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (device, signature, "
      "knobs) DO UPDATE SET median_ms = excluded.median_ms, "
      "spread = excluded.spread, runs = excluded.runs, "
      "status = excluded.status, compiler = excluded.compiler, "
      "created = excluded.created, strategy = excluded.strategy, "
      "kernel = excluded.kernel";
  if (sqlite3_prepare_v2(db, sql, -1, &s.stmt, nullptr) != SQLITE_OK)
    return makeError(path_ + ": " + sqlite3_errmsg(db));
  std::string created = m.created.empty() ? nowUTC() : m.created;
  std::string compiler =
      m.compiler.empty() ? std::string("zellige " ZELLIGE_VERSION) : m.compiler;
  sqlite3_bind_text(s.stmt, 1, m.device.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 2, m.signature.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 3, m.knobs.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(s.stmt, 4, m.medianMs);
  sqlite3_bind_double(s.stmt, 5, m.spread);
  sqlite3_bind_int64(s.stmt, 6, m.runs);
  sqlite3_bind_text(s.stmt, 7, m.status.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 8, compiler.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 9, created.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 10, m.strategy.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s.stmt, 11, m.kernel.c_str(), -1, SQLITE_TRANSIENT);
  // Outside an explicit transaction the statement commits on its own.
  if (sqlite3_step(s.stmt) != SQLITE_DONE)
    return makeError(path_ +
                     ": cannot insert a measurement: " + sqlite3_errmsg(db));
  return Error::success();
}

Expected<std::vector<Measurement>> TuningDB::query(StringRef sql,
                                                   ArrayRef<std::string> args) {
  std::lock_guard<std::mutex> lock(mutex);
  Statement s;
  std::string text = sql.str();
  if (sqlite3_prepare_v2(db, text.c_str(), -1, &s.stmt, nullptr) != SQLITE_OK)
    return makeError(path_ + ": " + sqlite3_errmsg(db));
  for (auto [i, arg] : llvm::enumerate(args))
    sqlite3_bind_text(s.stmt, int(i) + 1, arg.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<Measurement> out;
  int rc;
  while ((rc = sqlite3_step(s.stmt)) == SQLITE_ROW) {
    Measurement m;
    m.id = sqlite3_column_int64(s.stmt, 0);
    m.device = columnText(s.stmt, 1);
    m.signature = columnText(s.stmt, 2);
    m.knobs = columnText(s.stmt, 3);
    m.medianMs = sqlite3_column_double(s.stmt, 4);
    m.spread = sqlite3_column_double(s.stmt, 5);
    m.runs = sqlite3_column_int64(s.stmt, 6);
    m.status = columnText(s.stmt, 7);
    m.compiler = columnText(s.stmt, 8);
    m.created = columnText(s.stmt, 9);
    m.strategy = columnText(s.stmt, 10);
    m.kernel = columnText(s.stmt, 11);
    out.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE)
    return makeError(path_ + ": " + sqlite3_errmsg(db));
  return out;
}

Expected<std::optional<Measurement>>
TuningDB::lookup(StringRef device, StringRef signature, StringRef knobs) {
  Expected<std::vector<Measurement>> r =
      query(std::string("SELECT ") + kColumns +
                " FROM measurements WHERE device = ?1 AND signature = ?2 "
                "AND knobs = ?3",
            {device.str(), signature.str(), knobs.str()});
  if (!r)
    return r.takeError();
  if (r->empty())
    return std::nullopt;
  return std::move(r->front());
}

Expected<std::optional<Measurement>> TuningDB::best(StringRef device,
                                                    StringRef signature) {
  Expected<std::vector<Measurement>> r =
      query(std::string("SELECT ") + kColumns +
                " FROM measurements WHERE device = ?1 AND signature = ?2 "
                "AND status = 'ok' ORDER BY median_ms ASC, id ASC LIMIT 1",
            {device.str(), signature.str()});
  if (!r)
    return r.takeError();
  if (r->empty())
    return std::nullopt;
  return std::move(r->front());
}

Expected<std::vector<Measurement>> TuningDB::rows(StringRef device,
                                                  StringRef signature) {
  return query(std::string("SELECT ") + kColumns +
                   " FROM measurements WHERE (?1 = '' OR device = ?1) AND "
                   "(?2 = '' OR signature = ?2) ORDER BY device, signature, "
                   "status != 'ok', median_ms, id",
               {device.str(), signature.str()});
}
