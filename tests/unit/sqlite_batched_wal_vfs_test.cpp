#include "store/sqlite/sqlite_batched_wal_vfs.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/ids.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace gc::store::sqlite {
namespace {

class BatchedWalVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("gc-bwal-" + core::newId());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "chat.db").string();
    writer_ = openWriter();
    writer_->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL, body TEXT NOT NULL)");
    writer_->exec("CREATE INDEX t_k ON t (k)");
    // A reader on the default VFS, as the store's readers and checkpointer are.
    reader_ = std::make_unique<SqliteDb>(path_, true);
  }
  void TearDown() override {
    reader_.reset();
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<SqliteDb> openWriter() {
    auto db = std::make_unique<SqliteDb>(path_, false, batchedWalVfs());
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = NORMAL");
    db->exec("PRAGMA wal_autocheckpoint = 0");
    return db;
  }
  // One transaction of `rows` rows whose keys scatter over the index's pages.
  void commitRows(int rows) {
    writer_->exec("BEGIN IMMEDIATE");
    auto& insert = writer_->prepare(
        "INSERT INTO t (k, body) VALUES (hex(randomblob(8)), printf('%.*c', 600, 'x'))");
    for (int i = 0; i < rows; ++i) insert.run();
    writer_->exec("COMMIT");
  }
  static std::int64_t scalar(SqliteDb& db, const char* sql) {
    auto& s = db.prepare(sql);
    EXPECT_TRUE(s.step());
    const auto v = s.int64(0);
    s.reset();
    return v;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<SqliteDb> writer_;
  std::unique_ptr<SqliteDb> reader_;
};

TEST_F(BatchedWalVfsTest, ACommitOfManyFramesReachesTheWalInOneWrite) {
  commitRows(200);  // warm: the index has many leaf pages
  const auto before = batchedWalStats();
  commitRows(200);  // ~30 pages of rows, and index pages all over
  const auto after = batchedWalStats();
  const auto gathered = after.writesGathered - before.writesGathered;
  const auto made = after.writesMade - before.writesMade;
  EXPECT_GE(gathered, 60u) << "two writes per frame, at least 30 frames of rows";
  // In pieces of up to 120 KiB (the unix VFS's limit per write): ~30 frames each.
  EXPECT_LE(made * 20, gathered) << "the frames go to the file together, at the commit";
}

TEST_F(BatchedWalVfsTest, EveryCommitIsVisibleToAnotherConnectionAtOnce) {
  for (int i = 1; i <= 100; ++i) {
    commitRows(3);
    ASSERT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), 3 * i) << "after commit " << i;
  }
}

TEST_F(BatchedWalVfsTest, PagesWrittenTwiceInOneTransactionKeepTheirLastContent) {
  // A tiny cache makes SQLite spill frames to the WAL mid-transaction and then write the
  // same pages again, over frames it wrote earlier in the same transaction.
  writer_->exec("PRAGMA cache_size = 10");
  writer_->exec("BEGIN IMMEDIATE");
  for (int round = 0; round < 3; ++round) {
    writer_->exec(
        "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 300) "
        "INSERT INTO t (k, body) SELECT hex(randomblob(8)), 'r' || v FROM n");
    writer_->exec("UPDATE t SET body = body || '+'");
  }
  writer_->exec("COMMIT");
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), 900);
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t WHERE body LIKE 'r%+++'"), 300);
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t WHERE body LIKE 'r%+'"), 900);
  auto& check = reader_->prepare("PRAGMA integrity_check");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.text(0), "ok");
  check.reset();
}

TEST_F(BatchedWalVfsTest, TheWalStartsOverAfterARestartCheckpointAndStaysReadable) {
  commitRows(50);
  // The checkpointer's own connection, on the default VFS.
  SqliteDb checkpointer(path_, false);
  auto& restart = checkpointer.prepare("PRAGMA wal_checkpoint(RESTART)");
  ASSERT_TRUE(restart.step());
  EXPECT_EQ(restart.int64(0), 0) << "not busy";
  restart.reset();
  for (int i = 0; i < 20; ++i) commitRows(5);  // from the WAL's first frame again
  EXPECT_EQ(scalar(*reader_, "SELECT count(*) FROM t"), 150);
}

TEST_F(BatchedWalVfsTest, ACommittedTransactionSurvivesReopeningWithoutACheckpoint) {
  commitRows(40);
  reader_.reset();
  // Copy the database and its WAL as they are on disk, as a crash would leave them: the
  // copy must recover every committed row from the WAL.
  const auto copy = dir_ / "copy.db";
  std::filesystem::copy_file(path_, copy);
  std::filesystem::copy_file(path_ + "-wal", copy.string() + "-wal");
  SqliteDb recovered(copy.string(), false);
  EXPECT_EQ(scalar(recovered, "SELECT count(*) FROM t"), 40);
}

}  // namespace
}  // namespace gc::store::sqlite
