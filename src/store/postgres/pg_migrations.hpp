#pragma once
#include "store/postgres/pg_connection.hpp"

namespace gc::store::postgres {

// Brings the schema to the newest version, each step in its own transaction. Several servers
// starting at once take turns (an advisory lock), so each step runs exactly once.
void migrate(PgConnection& conn);

}  // namespace gc::store::postgres
