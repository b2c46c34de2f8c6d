#include "store/postgres/pg_migrations.hpp"

#include "store/postgres/pg_sql.hpp"

namespace gc::store::postgres {

void migrate(PgConnection& conn) {
  conn.query(sql::kLockMigrations);
  try {
    conn.exec(sql::kCreateVersionTable);
    const auto current = conn.query(sql::kSchemaVersion).int64(0, 0);
    for (auto v = current; v < static_cast<std::int64_t>(sql::kMigrations.size()); ++v) {
      conn.exec("BEGIN");
      try {
        conn.exec(sql::kMigrations[static_cast<std::size_t>(v)]);
        conn.query(sql::kSetSchemaVersion, v + 1);
        conn.exec("COMMIT");
      } catch (...) {
        if (!conn.broken()) conn.exec("ROLLBACK");
        throw;
      }
    }
  } catch (...) {
    if (!conn.broken()) conn.query(sql::kUnlockMigrations);
    throw;
  }
  conn.query(sql::kUnlockMigrations);
}

}  // namespace gc::store::postgres
