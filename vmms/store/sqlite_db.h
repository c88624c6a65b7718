// Thin RAII wrappers over the SQLite C API: a connection and a prepared
// statement with typed binds and reads. Errors become absl::Status with the
// SQLite message and the SQL that failed. Not thread-safe: the owner
// serializes access.
#ifndef HV_VMMS_STORE_SQLITE_DB_H_
#define HV_VMMS_STORE_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hv::vmms {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Binds are 1-based, like SQLite's.
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, absl::string_view value);
  // Steps once: true if a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Runs to completion, expecting no rows.
  absl::Status Run();

  int64_t Int(int column) const;
  std::string Text(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  absl::Status bind_status_;
};

class SqliteDb {
 public:
  // Opens `path` read-write; creates it only if `create`. Fails naming the path.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path, bool create);
  ~SqliteDb();

  absl::Status Exec(absl::string_view sql);
  absl::StatusOr<std::unique_ptr<SqliteStatement>> Prepare(absl::string_view sql);
  // Single-value query helpers.
  absl::StatusOr<int64_t> QueryInt(absl::string_view sql);
  absl::StatusOr<std::string> QueryText(absl::string_view sql);
  // Number of rows changed by the last statement.
  int Changes() const;
  bool ReadOnly() const;
  const std::string& path() const { return path_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// Maps an SQLite result code to a canonical status with `context` prepended.
absl::Status SqliteError(int code, absl::string_view context, absl::string_view detail);

}  // namespace hv::vmms

#endif  // HV_VMMS_STORE_SQLITE_DB_H_
