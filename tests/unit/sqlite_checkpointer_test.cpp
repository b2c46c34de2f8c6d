#include "store/sqlite/sqlite_checkpointer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/ids.hpp"

namespace gc::store::sqlite {
namespace {

class SqliteCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("gc-ckpt-" + core::newId());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "chat.db").string();
    writer_ = std::make_unique<SqliteDb>(path_, false);
    writer_->exec("PRAGMA journal_mode = WAL");
    writer_->exec("PRAGMA synchronous = NORMAL");
    writer_->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  }
  void TearDown() override {
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Each commit writes a few fresh pages to the WAL.
  void commitPages(int commits) {
    for (int i = 0; i < commits; ++i) {
      writer_->exec("BEGIN");
      writer_->exec("INSERT INTO t (body) VALUES (printf('%.*c', 3000, 'x'))");
      writer_->exec("INSERT INTO t (body) VALUES (printf('%.*c', 3000, 'y'))");
      writer_->exec("COMMIT");
    }
  }
  std::uintmax_t databaseBytes() const { return std::filesystem::file_size(path_); }

  // The test's writer as the store's behaves with a checkpointer that holds it: commits go
  // one batch at a time, and a hold waits for the batch in progress and keeps the next back.
  // A hold is wanted before it takes the mutex, so that the committing loop cannot starve it.
  SqliteCheckpointer::WriterHold holdWriter() {
    return [this](const std::function<void()>& f) {
      holdWanted_ = true;
      {
        std::lock_guard hold(commits_);
        const auto began = std::chrono::steady_clock::now();
        f();
        holds_.push_back(std::chrono::steady_clock::now() - began);
        holdWanted_ = false;
      }
      unheld_.notify_all();
    };
  }
  void commitUnlessHeld(int commits) {
    std::unique_lock lock(commits_);
    unheld_.wait(lock, [this] { return !holdWanted_.load(); });
    commitPages(commits);
  }
  // How long each hold so far lasted, once there was one (or `timeout` passed).
  std::vector<std::chrono::steady_clock::duration> holdsAfterTheFirst(
      std::chrono::seconds timeout) {
    std::unique_lock lock(commits_);
    unheld_.wait_for(lock, timeout, [this] { return !holds_.empty(); });
    return holds_;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<SqliteDb> writer_;
  std::mutex commits_;
  std::condition_variable unheld_;
  std::atomic<bool> holdWanted_{false};
  std::vector<std::chrono::steady_clock::duration> holds_;  // guarded by commits_
};

TEST_F(SqliteCheckpointerTest, CommitsNeverCheckpointThemselves) {
  SqliteCheckpointer checkpointer(path_, 10, 1000);
  checkpointer.watch(*writer_);  // not started: nobody checkpoints
  const auto before = databaseBytes();
  commitPages(600);  // well past SQLite's own 1,000-frame autocheckpoint
  EXPECT_EQ(databaseBytes(), before) << "a commit copied the WAL into the database";
  EXPECT_GT(std::filesystem::file_size(path_ + "-wal"), 1000u * 4096u);
}

TEST_F(SqliteCheckpointerTest, CopiesTheWalInTheBackgroundOnceEnoughHasAccumulated) {
  SqliteCheckpointer checkpointer(path_, 10, 1000);
  checkpointer.watch(*writer_);
  checkpointer.start();
  const auto before = databaseBytes();
  commitPages(50);
  // The checkpoint runs on the checkpointer's thread; wait (bounded) for its result.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (databaseBytes() == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_GT(databaseBytes(), before);
  checkpointer.stop();
}

TEST_F(SqliteCheckpointerTest, PastTheHardLimitTheWalStartsAgainFromItsBeginning) {
  SqliteCheckpointer checkpointer(path_, 10, 40);
  checkpointer.watch(*writer_);
  // ~60 frames, past the hard limit, before the thread starts: its first run is the RESTART.
  // (Started first, a busy machine could let it restart mid-way, and the WAL would then
  // rightly hold the frames committed after that restart.)
  commitPages(30);
  checkpointer.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (checkpointer.restarts() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(checkpointer.restarts(), 1u);
  commitPages(1);
  // The WAL now holds only that commit's frames, not the 60 before it.
  auto& q = writer_->prepare("PRAGMA wal_checkpoint(PASSIVE)");
  ASSERT_TRUE(q.step());
  EXPECT_LT(q.int64(1), 10);
  q.reset();
  checkpointer.stop();
}

// Under commits that never pause, a passive checkpoint never catches up (the writer adds
// frames while it copies), so the WAL would only start over at the hard limit's RESTART.
// Holding the writer for the last copy lets it start over long before.
TEST_F(SqliteCheckpointerTest, HoldingTheWriterLetsTheWalStartOverWithoutARestart) {
  SqliteCheckpointer checkpointer(path_, 10, 1'000'000);
  checkpointer.watch(*writer_);
  checkpointer.holdWriterWith(holdWriter(), 40);
  checkpointer.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (checkpointer.resets() < 3 && std::chrono::steady_clock::now() < deadline) {
    commitUnlessHeld(1);
  }
  checkpointer.stop();
  EXPECT_GE(checkpointer.resets(), 3u);
  EXPECT_EQ(checkpointer.restarts(), 0u);
  // Started over each time soon after 40 frames, the WAL file never grew far (unheld, these
  // commits take it past a GB in the 20 s).
  EXPECT_LT(std::filesystem::file_size(path_ + "-wal"), 4000u * 4096u);
}

// A RESTART cannot start the WAL over while a reader still reads from it, and it waits for
// the reader with the writer held: that wait is bounded (every send waits with it), and the
// RESTART is tried again once the reader is gone.
TEST_F(SqliteCheckpointerTest, ARestartWaitsForAReaderOnlyBrieflyAndRetriesAfterIt) {
  commitPages(5);
  SqliteDb reader(path_, true);
  reader.exec("BEGIN");
  auto& count = reader.prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.step());  // the reader's snapshot now holds the WAL's first frames
  count.reset();

  SqliteCheckpointer checkpointer(path_, 10, 40);
  checkpointer.watch(*writer_);
  checkpointer.holdWriterWith(holdWriter(), 1'000'000);  // no resets but the RESTART's
  commitUnlessHeld(30);                                  // past the hard limit of 40 frames
  checkpointer.start();
  const auto holds = holdsAfterTheFirst(std::chrono::seconds(20));
  ASSERT_GE(holds.size(), 1u);
  EXPECT_LT(holds.front(), std::chrono::seconds(1)) << "the writer was held while the reader read";
  EXPECT_EQ(checkpointer.restarts(), 0u);

  reader.exec("COMMIT");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (checkpointer.resets() == 0 && std::chrono::steady_clock::now() < deadline) {
    commitUnlessHeld(1);
  }
  checkpointer.stop();
  EXPECT_GE(checkpointer.restarts(), 1u);
  EXPECT_GE(checkpointer.resets(), 1u);
}

}  // namespace
}  // namespace gc::store::sqlite
