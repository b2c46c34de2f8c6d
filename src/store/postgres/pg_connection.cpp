#include "store/postgres/pg_connection.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "core/error.hpp"

namespace gc::store::postgres {
namespace {

void logNotice(void*, const char* message) {
  spdlog::debug("postgres: {}", message);
}

std::string field(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value ? value : "";
}

void appendQuoted(std::string& out, std::string_view value) {
  out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::int64_t PgResult::int64(int row, int col) const {
  const char* text = PQgetvalue(result_.get(), row, col);
  std::int64_t value = 0;
  std::from_chars(text, text + PQgetlength(result_.get(), row, col), value);
  return value;
}

std::int64_t PgResult::affected() const {
  const char* text = PQcmdTuples(result_.get());
  std::int64_t value = 0;
  std::from_chars(text, text + std::char_traits<char>::length(text), value);
  return value;
}

std::string pgArray(const std::vector<std::optional<std::string>>& values) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    if (v) {
      appendQuoted(out, *v);
    } else {
      out += "NULL";
    }
  }
  out += '}';
  return out;
}

std::string pgArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    appendQuoted(out, v);
  }
  out += '}';
  return out;
}

std::string pgArray(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (const auto v : values) {
    if (out.size() > 1) out += ',';
    out += std::to_string(v);
  }
  out += '}';
  return out;
}

PgConnection::PgConnection(std::string url, bool readOnly)
    : url_(std::move(url)), readOnly_(readOnly) {
  connect();
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

void PgConnection::connect() {
  if (conn_) PQfinish(conn_);
  prepared_.clear();
  conn_ = PQconnectdb(url_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    // libpq's message names the host and the reason (never the password): for the log, not
    // for clients, who learn only that the database is out of reach.
    const std::string why = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    spdlog::warn("postgres: cannot connect: {}", why.substr(0, why.find('\n')));
    throw core::unavailable("database unavailable");
  }
  PQsetNoticeProcessor(conn_, &logNotice, nullptr);
  // Statements are prepared once per connection, and PostgreSQL would switch a prepared
  // statement to a generic plan after five runs and keep it: a plan made while a table was
  // still empty (a fresh deployment, a test, a benchmark) may stay a sequential scan however
  // large the table grows (measured: the writer's seq reservation, prepared on an empty table,
  // later hashed its batch against a scan of all 200,000 conversations, 61 ms instead of
  // 0.4). Planned on each run, a statement sees the table as it is; planning costs tens of
  // microseconds.
  exec("SET plan_cache_mode = force_custom_plan");
  if (readOnly_) exec("SET default_transaction_read_only = on");
}

bool PgConnection::broken() const {
  return conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK;
}

void PgConnection::reconnectIfDropped() {
  // A closed socket turns the status bad once its end is read: the first read may only take
  // the server's farewell message, the next finds the end.
  for (int read = 0; read < 2 && conn_ != nullptr && PQconsumeInput(conn_) != 0; ++read) {
  }
  if (broken()) connect();
}

void PgConnection::exec(const char* sql) {
  if (broken()) throw core::unavailable("database connection lost");
  check(PQexec(conn_, sql), sql);
}

void PgConnection::rollbackAfterFailure() {
  if (broken()) return;
  try {
    exec("ROLLBACK");
  } catch (const std::exception& e) {
    spdlog::error("postgres rollback failed: {}", e.what());
  }
}

void PgConnection::begin() {
  reconnectIfDropped();
  try {
    exec("BEGIN");
  } catch (const core::ApiError&) {
    if (!broken()) throw;
    connect();
    exec("BEGIN");
  }
}

PgResult PgConnection::execPrepared(const char* sql, const PgParams& params) {
  if (broken()) throw core::unavailable("database connection lost");
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "gc" + std::to_string(prepared_.size() + 1);
    check(PQprepare(conn_, name.c_str(), sql, 0, nullptr), sql);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(params.values().size());
  for (const auto& v : params.values()) values.push_back(v ? v->c_str() : nullptr);
  return check(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                              values.data(), nullptr, nullptr, 0),
               sql);
}

PgResult PgConnection::check(PGresult* raw, const char* sql) {
  PgResult result(raw);
  const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  if (broken()) throw core::unavailable("database connection lost");
  std::string message = raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_);
  if (!message.empty() && message.back() == '\n') message.pop_back();
  // The statement text, not its parameters: those may be user data or secrets.
  throw PgError(message + " (in: " + std::string(sql).substr(0, 120) + ")",
                raw ? field(raw, PG_DIAG_SQLSTATE) : "",
                raw ? field(raw, PG_DIAG_CONSTRAINT_NAME) : "");
}

}  // namespace gc::store::postgres
