#pragma once
// A thin RAII layer over one sqlite3 connection with a cache of prepared statements.
// A connection is used by one thread at a time.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gc::store::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const noexcept { return code_; }
  bool isConstraint() const noexcept { return (code_ & 0xff) == SQLITE_CONSTRAINT; }

 private:
  int code_;
};

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Clears bindings and the previous result; every use starts here.
  Statement& reset();
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bindNull(int index);
  Statement& bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bindNull(index);
  }
  Statement& bindOptional(int index, const std::optional<std::string>& value) {
    return value ? bind(index, std::string_view(*value)) : bindNull(index);
  }
  // For columns where "absent" is NULL and the model says so with an empty string.
  Statement& bindNullIfEmpty(int index, std::string_view text) {
    return text.empty() ? bindNull(index) : bind(index, text);
  }
  // True while a row is available.
  bool step();
  // Steps once and, when a row came, hands the statement to `read`; then resets, so a
  // single-row query never holds its read transaction open.
  template <class F>
  auto one(F read) -> std::optional<decltype(read(*this))> {
    std::optional<decltype(read(*this))> out;
    if (step()) out.emplace(read(*this));
    sqlite3_reset(stmt_);
    return out;
  }
  // Runs a statement that returns no rows.
  void run() {
    while (step()) {
    }
  }

  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool isNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string text(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  // `vfs`: the name of a registered VFS, or null for the default.
  SqliteDb(const std::string& path, bool readOnly, const char* vfs = nullptr);
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  void exec(const char* sql);
  // The cached prepared statement for `sql`, reset and ready to bind.
  Statement& prepare(const char* sql);
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
};

}  // namespace gc::store::sqlite
