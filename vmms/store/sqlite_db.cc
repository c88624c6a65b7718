#include "vmms/store/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace hv::vmms {

absl::Status SqliteError(int code, absl::string_view context, absl::string_view detail) {
  std::string msg = absl::StrCat(context, ": ", detail, " (sqlite ", sqlite3_errstr(code), ")");
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return absl::UnavailableError(msg);
    case SQLITE_CONSTRAINT: return absl::AlreadyExistsError(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return absl::DataLossError(msg);
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY: return absl::PermissionDeniedError(msg);
    case SQLITE_FULL: return absl::ResourceExhaustedError(msg);
    default: return absl::InternalError(msg);
  }
}

SqliteStatement::SqliteStatement(SqliteDb* owner, sqlite3_stmt* stmt, std::string sql)
    : db_(owner->db_), stmt_(stmt), sql_(std::move(sql)), owner_(owner) {}

SqliteStatement::~SqliteStatement() {
  // A reset ends the statement's read transaction; cleared bindings are NULL,
  // so a reuse never sees the last caller's values.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  owner_->GiveBack(sql_, stmt_);
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = SqliteError(rc, sql_, "bind");
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, absl::string_view value) {
  int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                             SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_status_.ok()) bind_status_ = SqliteError(rc, sql_, "bind");
  return *this;
}

absl::StatusOr<bool> SqliteStatement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(rc, sql_, sqlite3_errmsg(db_));
}

absl::Status SqliteStatement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  return absl::OkStatus();
}

int64_t SqliteStatement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string SqliteStatement::Text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
}

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, bool create) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db ? sqlite3_errmsg(db) : "cannot open";
    sqlite3_close(db);
    return SqliteError(rc, absl::StrCat("database '", path, "'"), detail);
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<SqliteDb>(new SqliteDb(db, path));
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmts] : idle_) {
    for (sqlite3_stmt* s : stmts) sqlite3_finalize(s);
  }
  sqlite3_close(db_);
}

void SqliteDb::GiveBack(const std::string& sql, sqlite3_stmt* stmt) {
  auto it = idle_.find(sql);
  if (it == idle_.end() && idle_.size() >= kMaxKeptSql) {
    sqlite3_finalize(stmt);
    return;
  }
  std::vector<sqlite3_stmt*>& stmts = it != idle_.end() ? it->second : idle_[sql];
  if (stmts.size() >= kMaxIdlePerSql) {
    sqlite3_finalize(stmt);
    return;
  }
  stmts.push_back(stmt);
}

absl::Status SqliteDb::Exec(absl::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return absl::OkStatus();
  std::string detail = err ? err : sqlite3_errmsg(db_);
  sqlite3_free(err);
  return SqliteError(rc, absl::StrCat("database '", path_, "'"), detail);
}

absl::StatusOr<std::unique_ptr<SqliteStatement>> SqliteDb::Prepare(absl::string_view sql) {
  if (auto it = idle_.find(sql); it != idle_.end() && !it->second.empty()) {
    sqlite3_stmt* stmt = it->second.back();
    it->second.pop_back();
    return std::make_unique<SqliteStatement>(this, stmt, std::string(sql));
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return SqliteError(rc, absl::StrCat("database '", path_, "'"), sqlite3_errmsg(db_));
  }
  ++compiled_;
  return std::make_unique<SqliteStatement>(this, stmt, std::string(sql));
}

absl::StatusOr<int64_t> SqliteDb::QueryInt(absl::string_view sql) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError(absl::StrCat("no row from: ", sql));
  return (*stmt)->Int(0);
}

absl::StatusOr<std::string> SqliteDb::QueryText(absl::string_view sql) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  absl::StatusOr<bool> row = (*stmt)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError(absl::StrCat("no row from: ", sql));
  return (*stmt)->Text(0);
}

int SqliteDb::Changes() const { return sqlite3_changes(db_); }

bool SqliteDb::ReadOnly() const { return sqlite3_db_readonly(db_, "main") == 1; }

}  // namespace hv::vmms
