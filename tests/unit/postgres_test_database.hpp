#pragma once
// A throwaway database on the test cluster (scripts/postgres.sh), one per test: created
// empty, dropped afterwards, so every test starts from a fresh schema as it does on SQLite.
#include <string>
#include <vector>

namespace gc::store {

class PostgresTestDatabase {
 public:
  // `serverUrl` names the cluster (GC_TEST_POSTGRES_URL); its database part is replaced.
  explicit PostgresTestDatabase(const std::string& serverUrl);
  PostgresTestDatabase(const PostgresTestDatabase&) = delete;
  PostgresTestDatabase& operator=(const PostgresTestDatabase&) = delete;
  ~PostgresTestDatabase();

  const std::string& url() const { return url_; }

 private:
  std::string serverUrl_;
  std::string name_;
  std::string url_;
};

// `url` with its database name replaced by `database`: postgresql://HOST:PORT/database?...
std::string withDatabase(const std::string& url, const std::string& database);

// The test cluster's URL when GC_TEST_POSTGRES_URL names one (scripts/test.sh always sets it),
// else nothing: the parameter list of the PostgreSQL-only suites.
std::vector<std::string> postgresClusters();

}  // namespace gc::store
