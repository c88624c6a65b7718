// Thin RAII wrappers over the SQLite C API: a connection and a prepared
// statement with typed binds and reads. Errors become absl::Status with the
// SQLite message and the SQL that failed. Not thread-safe: the owner
// serializes access.
//
// The connection keeps the statements it prepared: a statement given back
// (destroyed) is reset, its bindings cleared, and handed out again for the
// same SQL text. Preparing was most of a store read (two prepares made a
// GetVm ~130 us; docs/scale/README.md finding 5).
#ifndef HV_VMMS_STORE_SQLITE_DB_H_
#define HV_VMMS_STORE_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hv::vmms {

class SqliteDb;

class SqliteStatement {
 public:
  // Made by SqliteDb::Prepare; `owner` takes the statement back (reset) when
  // this is destroyed.
  SqliteStatement(SqliteDb* owner, sqlite3_stmt* stmt, std::string sql);
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
  SqliteDb* owner_;
  absl::Status bind_status_;
};

class SqliteDb {
 public:
  // Opens `path` read-write; creates it only if `create`. Fails naming the path.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path, bool create);
  ~SqliteDb();

  absl::Status Exec(absl::string_view sql);
  // A statement for `sql`: a kept one if one is idle, else a new one. Every
  // statement must be destroyed before the connection.
  absl::StatusOr<std::unique_ptr<SqliteStatement>> Prepare(absl::string_view sql);
  // Statements compiled by sqlite3_prepare so far (for tests).
  uint64_t statements_compiled() const { return compiled_; }
  // Single-value query helpers.
  absl::StatusOr<int64_t> QueryInt(absl::string_view sql);
  absl::StatusOr<std::string> QueryText(absl::string_view sql);
  // Number of rows changed by the last statement.
  int Changes() const;
  bool ReadOnly() const;
  const std::string& path() const { return path_; }

 private:
  friend class SqliteStatement;
  // Most distinct SQL texts kept, and idle statements kept per text.
  static constexpr size_t kMaxKeptSql = 128;
  static constexpr size_t kMaxIdlePerSql = 4;

  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  // Takes back a statement that was reset; finalizes it if the cache is full.
  void GiveBack(const std::string& sql, sqlite3_stmt* stmt);

  sqlite3* db_;
  std::string path_;
  absl::flat_hash_map<std::string, std::vector<sqlite3_stmt*>> idle_;
  uint64_t compiled_ = 0;
};

// Maps an SQLite result code to a canonical status with `context` prepended.
absl::Status SqliteError(int code, absl::string_view context, absl::string_view detail);

}  // namespace hv::vmms

#endif  // HV_VMMS_STORE_SQLITE_DB_H_
