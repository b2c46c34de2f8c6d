// Options that only the SQLite backend has (the store suite covers what every backend shares).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "core/ids.hpp"
#include "store/store.hpp"

namespace gc::store {
namespace {

int pageSizeOf(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &q, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(q), SQLITE_ROW);
  const int size = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  return size;
}

// A send batch rewrites every index leaf it touched whole, so the page size sets how much WAL
// each message costs (docs/performance.md): the option must reach a new file, and an existing
// file must keep the size it was made with.
TEST(SqliteStoreOptions, PageSizeAppliesToANewFileOnly) {
  const auto dir = std::filesystem::temp_directory_path() / ("gc-page-" + core::newId());
  std::filesystem::create_directories(dir);
  const auto path = (dir / "chat.db").string();
  openStore("sqlite://" + path, {.synchronous = "full", .pageSize = 2048, .readers = 1}).reset();
  EXPECT_EQ(pageSizeOf(path), 2048);
  openStore("sqlite://" + path, {.synchronous = "full", .pageSize = 1024, .readers = 1}).reset();
  EXPECT_EQ(pageSizeOf(path), 2048);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gc::store
