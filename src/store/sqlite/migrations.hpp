#pragma once
#include "store/sqlite/sqlite_db.hpp"

namespace gc::store::sqlite {

// Brings the schema up to the newest version, one transaction per step; the version is
// kept in PRAGMA user_version. Safe to run at every start.
void migrate(SqliteDb& db);

}  // namespace gc::store::sqlite
