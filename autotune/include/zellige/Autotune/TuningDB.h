//===- TuningDB.h - The tuning database -------------------------*- C++ -*-===//
//
// This file declares TuningDB, the SQLite database of autotuning
// measurements. One row is one measured schedule: a device fingerprint, a
// kernel signature, the canonical knob string and the result. The database
// is in WAL mode and every row is committed as soon as it is inserted, so a
// tuner killed with SIGKILL loses nothing it finished, and a rerun resumes
// where it stopped.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_AUTOTUNE_TUNINGDB_H
#define ZELLIGE_AUTOTUNE_TUNINGDB_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace zellige {
namespace autotune {

/// One row of the `measurements` table.
struct Measurement {
  int64_t id = 0;        ///< Assigned by the database.
  std::string device;    ///< hal::Device::fingerprint().
  std::string signature; ///< kernelSignature() of the dispatch.
  std::string knobs;     ///< Canonical "name=value;..." sorted by name.
  double medianMs = 0;   ///< Median time of the dispatch, in ms.
  double spread = 0;     ///< (p90 - p10) / median of the timed runs.
  int64_t runs = 0;      ///< Timed runs behind the median.
  std::string status;    ///< ok, invalid, timeout, crash, compile-error.
  std::string compiler;  ///< "zellige <version>" that produced it.
  std::string created;   ///< UTC, ISO 8601; set by insert() when empty.
  /// What proposed it: a strategy name, or "default" for the heuristic
  /// schedule the tuner measures first. Empty in rows of older databases.
  std::string strategy;
  /// A readable name of the kernel: the model file and one dispatch of the
  /// signature's group ("mlp.onnx:dispatch_0_matmul"). Informative only.
  std::string kernel;
};

/// Whether `status` is one the table accepts.
bool isValidStatus(llvm::StringRef status);

class TuningDB {
public:
  /// Opens (creating when needed, with its parent folders) the database at
  /// `path`.
  static llvm::Expected<std::unique_ptr<TuningDB>> open(llvm::StringRef path);
  /// $XDG_CACHE_HOME/zellige/tuning.db, else ~/.cache/zellige/tuning.db.
  static std::string defaultPath();
  ~TuningDB();

  /// Inserts `m`, replacing the row with the same device, signature and
  /// knobs, and commits it before returning.
  llvm::Error insert(const Measurement &m);
  /// The row for exactly these device, signature and knobs.
  llvm::Expected<std::optional<Measurement>> lookup(llvm::StringRef device,
                                                    llvm::StringRef signature,
                                                    llvm::StringRef knobs);
  /// The fastest row with status ok for `device` and `signature`.
  llvm::Expected<std::optional<Measurement>> best(llvm::StringRef device,
                                                  llvm::StringRef signature);
  /// Every row, or those of one device and/or signature (empty: any), by
  /// device, signature, then median time.
  llvm::Expected<std::vector<Measurement>> rows(llvm::StringRef device = "",
                                                llvm::StringRef signature = "");

  const std::string &path() const { return path_; }

private:
  TuningDB() = default;
  llvm::Error exec(llvm::StringRef sql);
  /// Adds the columns that later versions introduced to an older table.
  llvm::Error migrate();
  llvm::Expected<std::vector<Measurement>>
  query(llvm::StringRef sql, llvm::ArrayRef<std::string> args);

  sqlite3 *db = nullptr;
  std::string path_;
  std::mutex mutex; ///< One statement at a time from tuner threads.
};

} // namespace autotune
} // namespace zellige

#endif // ZELLIGE_AUTOTUNE_TUNINGDB_H
