#include <filesystem>

#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"

namespace gc::store {

std::unique_ptr<Store> openStore(const std::string& url, const StoreOptions& options) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.starts_with(kSqlite)) {
    const std::string path = url.substr(kSqlite.size());
    if (path.empty())
      throw std::invalid_argument("sqlite URL needs a path: sqlite:///path/chat.db");
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !options.readOnly) std::filesystem::create_directories(parent);
    return std::make_unique<sqlite::SqliteStore>(path, options);
  }
  // Handed to libpq as it is: host, port, database, user, password and options all come
  // from the URL (or libpq's PG* environment variables and ~/.pgpass).
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return std::make_unique<postgres::PgStore>(url, options);
  }
  throw std::invalid_argument(
      "unsupported database URL (expected sqlite://PATH or postgres://...): " +
      url.substr(0, url.find(':')));
}

}  // namespace gc::store
