#include "postgres_test_database.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "core/ids.hpp"
#include "store/postgres/pg_connection.hpp"

namespace gc::store {

std::vector<std::string> postgresClusters() {
  const char* url = std::getenv("GC_TEST_POSTGRES_URL");
  if (!url || !*url) return {};
  return {url};
}

std::string withDatabase(const std::string& url, const std::string& database) {
  const auto scheme = url.find("://");
  const auto hostStart = scheme == std::string::npos ? 0 : scheme + 3;
  const auto query = url.find('?', hostStart);
  const auto path = url.find('/', hostStart);
  const auto hostEnd = std::min(path, query);
  return url.substr(0, hostEnd) + "/" + database +
         (query == std::string::npos ? "" : url.substr(query));
}

PostgresTestDatabase::PostgresTestDatabase(const std::string& serverUrl)
    : serverUrl_(withDatabase(serverUrl, "postgres")),
      name_("gc_test_" + core::newId()),
      url_(withDatabase(serverUrl, name_)) {
  // Identifiers cannot be bound parameters; the name is ours (hex), never outside input.
  postgres::PgConnection admin(serverUrl_, false);
  admin.exec(("CREATE DATABASE " + name_).c_str());
}

PostgresTestDatabase::~PostgresTestDatabase() {
  try {
    postgres::PgConnection admin(serverUrl_, false);
    admin.exec(("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str());
  } catch (const std::exception& e) {
    spdlog::warn("could not drop test database {}: {}", name_, e.what());
  }
}

}  // namespace gc::store
