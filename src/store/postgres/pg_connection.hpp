#pragma once
// A thin RAII layer over one libpq connection: parameterised statements, prepared once per
// connection and cached by their SQL literal, results in text format. A connection is used
// by one thread at a time (the pool hands it out).
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace gc::store::postgres {

// An error the server reported for a statement. Losing the connection is not one of these:
// that is core::unavailable (503), as the database is then out of reach.
class PgError : public std::runtime_error {
 public:
  PgError(const std::string& what, std::string sqlState, std::string constraint)
      : std::runtime_error(what),
        sqlState_(std::move(sqlState)),
        constraint_(std::move(constraint)) {}
  const std::string& sqlState() const noexcept { return sqlState_; }
  const std::string& constraint() const noexcept { return constraint_; }
  bool isUniqueViolation() const noexcept { return sqlState_ == "23505"; }
  // The transaction was rolled back by the server and may simply be run again.
  bool isRetryable() const noexcept { return sqlState_ == "40001" || sqlState_ == "40P01"; }

 private:
  std::string sqlState_;
  std::string constraint_;
};

class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  bool empty() const { return rows() == 0; }
  bool isNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) != 0; }
  std::string text(int row, int col) const {
    return std::string(PQgetvalue(result_.get(), row, col),
                       static_cast<std::size_t>(PQgetlength(result_.get(), row, col)));
  }
  std::int64_t int64(int row, int col) const;
  bool boolean(int row, int col) const { return PQgetvalue(result_.get(), row, col)[0] == 't'; }
  std::optional<std::int64_t> optionalInt64(int row, int col) const {
    if (isNull(row, col)) return std::nullopt;
    return int64(row, col);
  }
  // Rows an INSERT, UPDATE or DELETE touched.
  std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// For columns where "absent" is NULL and the model says so with an empty string.
struct NullIfEmpty {
  std::string_view text;
};

// Statement parameters in text format; NULL is an empty optional.
class PgParams {
 public:
  template <class T>
  void add(const T& value) {
    using V = std::decay_t<T>;
    if constexpr (std::is_same_v<V, bool>) {
      values_.emplace_back(value ? "true" : "false");
    } else if constexpr (std::is_integral_v<V>) {
      values_.emplace_back(std::to_string(value));
    } else if constexpr (std::is_same_v<V, std::nullopt_t>) {
      values_.emplace_back(std::nullopt);
    } else if constexpr (std::is_same_v<V, NullIfEmpty>) {
      if (value.text.empty()) {
        values_.emplace_back(std::nullopt);
      } else {
        values_.emplace_back(std::string(value.text));
      }
    } else if constexpr (requires { value.has_value(); }) {
      if (value) {
        add(*value);
      } else {
        values_.emplace_back(std::nullopt);
      }
    } else {
      values_.emplace_back(std::string(std::string_view(value)));
    }
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// Array literals for `$n::text[]` / `$n::bigint[]` parameters: a whole batch of rows goes
// to the server as one statement (INSERT ... SELECT FROM unnest(...)).
std::string pgArray(const std::vector<std::optional<std::string>>& values);
std::string pgArray(const std::vector<std::string>& values);
std::string pgArray(const std::vector<std::int64_t>& values);

class PgConnection {
 public:
  // `readOnly`: every transaction of the session is read-only, so a write fails at once.
  PgConnection(std::string url, bool readOnly);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // Runs SQL without parameters, possibly several statements (BEGIN, COMMIT, migrations).
  void exec(const char* sql);
  // Runs a parameterised statement, prepared on first use. `sql` must be a literal (or a
  // string that outlives the connection): the cache is keyed by its address.
  template <class... Args>
  PgResult query(const char* sql, const Args&... args) {
    PgParams params;
    (params.add(args), ...);
    return execPrepared(sql, params);
  }
  // BEGIN. A connection the server dropped while it sat idle (a database restart) is only
  // found out when used: then this reconnects once and begins again, which loses nothing, as
  // no statement of the transaction was sent yet.
  void begin();
  // The same with parameters gathered beforehand (when their number is known only at run time).
  PgResult query(const char* sql, const PgParams& params) { return execPrepared(sql, params); }
  // Runs `body(*this)` between BEGIN and COMMIT, once. On any failure the transaction is
  // rolled back (quietly, see rollbackAfterFailure) and the failure propagates.
  template <class F>
  auto transaction(F&& body) -> decltype(body(*this)) {
    begin();
    try {
      if constexpr (std::is_void_v<decltype(body(*this))>) {
        body(*this);
        exec("COMMIT");
        return;
      } else {
        auto result = body(*this);
        exec("COMMIT");
        return result;
      }
    } catch (...) {
      rollbackAfterFailure();
      throw;
    }
  }
  // ROLLBACK after a failed statement: nothing to do when the connection went (the server
  // rolled back then); a ROLLBACK that fails is logged, not thrown, so the first error is the
  // one that propagates.
  void rollbackAfterFailure();
  // True when the connection was lost.
  bool broken() const;
  // Before a use: reads (without blocking) what the server sent while the connection sat
  // idle; a server that restarted or ended this session has closed it, and then this
  // connects again. Throws core::unavailable while the database is out of reach.
  void reconnectIfDropped();

 private:
  void connect();
  PgResult execPrepared(const char* sql, const PgParams& params);
  PgResult check(PGresult* result, const char* sql);

  std::string url_;
  bool readOnly_;
  PGconn* conn_ = nullptr;
  std::unordered_map<const char*, std::string> prepared_;  // SQL literal → statement name
};

}  // namespace gc::store::postgres
