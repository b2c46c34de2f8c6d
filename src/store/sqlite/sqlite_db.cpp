#include "store/sqlite/sqlite_db.hpp"

#include <fmt/format.h>

namespace gc::store::sqlite {
namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what) {
  throw SqliteError(sqlite3_extended_errcode(db),
                    fmt::format("sqlite {}: {} ({})", what, sqlite3_errmsg(db), rc));
}

}  // namespace

Statement& Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  const int rc =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

Statement& Statement::bindNull(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset so the statement does not keep a read transaction open after a failure.
  sqlite3_reset(stmt_);
  fail(db_, rc, "step");
}

std::string Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}

SqliteDb::SqliteDb(const std::string& path, bool readOnly, const char* vfs) {
  const int flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw SqliteError(rc, fmt::format("sqlite open {}: {}", path, msg));
  }
  sqlite3_extended_result_codes(db_, 1);
  // Readers and the writer meet on the WAL; a short wait covers checkpoints.
  sqlite3_busy_timeout(db_, 5000);
}

SqliteDb::~SqliteDb() {
  statements_.clear();
  sqlite3_close_v2(db_);
}

void SqliteDb::exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    throw SqliteError(sqlite3_extended_errcode(db_), fmt::format("sqlite exec: {}", msg));
  }
}

Statement& SqliteDb::prepare(const char* sql) {
  // Keyed by the literal's address: every call site passes a string literal.
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "prepare");
    it = statements_.emplace(sql, std::make_unique<Statement>(db_, stmt)).first;
  }
  return it->second->reset();
}

}  // namespace gc::store::sqlite
