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

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<SqliteDb> writer_;
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
  // The test's writer commits one batch at a time under `commits`; a hold is wanted first,
  // so that the loop below stops taking the mutex and the hold cannot be starved of it.
  std::mutex commits;
  std::condition_variable unheld;
  std::atomic<bool> holdWanted{false};
  checkpointer.watch(*writer_);
  checkpointer.holdWriterWith(
      [&](const std::function<void()>& f) {
        holdWanted = true;
        {
          std::lock_guard hold(commits);
          f();
          holdWanted = false;
        }
        unheld.notify_all();
      },
      40);
  checkpointer.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (checkpointer.resets() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::unique_lock commit(commits);
    unheld.wait(commit, [&] { return !holdWanted.load(); });
    commitPages(1);
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
  std::mutex commits;
  std::condition_variable unheld;
  std::atomic<bool> holdWanted{false};
  std::mutex heldMutex;
  std::vector<std::chrono::steady_clock::duration> held;
  checkpointer.watch(*writer_);
  checkpointer.holdWriterWith(
      [&](const std::function<void()>& f) {
        holdWanted = true;
        {
          std::lock_guard hold(commits);
          const auto began = std::chrono::steady_clock::now();
          f();
          std::lock_guard record(heldMutex);
          held.push_back(std::chrono::steady_clock::now() - began);
          holdWanted = false;
        }
        unheld.notify_all();
      },
      1'000'000);  // no resets but the RESTART's
  const auto commit = [&](int n) {
    std::unique_lock lock(commits);
    unheld.wait(lock, [&] { return !holdWanted.load(); });
    commitPages(n);
  };
  commit(30);  // past the hard limit of 40 frames
  checkpointer.start();
  const auto holds = [&] {
    std::lock_guard record(heldMutex);
    return held.size();
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (holds() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(holds(), 1u);
  {
    std::lock_guard record(heldMutex);
    EXPECT_LT(held.front(), std::chrono::seconds(1)) << "the writer was held while the reader read";
  }
  EXPECT_EQ(checkpointer.restarts(), 0u);

  reader.exec("COMMIT");
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (checkpointer.resets() == 0 && std::chrono::steady_clock::now() < deadline) commit(1);
  checkpointer.stop();
  EXPECT_GE(checkpointer.restarts(), 1u);
  EXPECT_GE(checkpointer.resets(), 1u);
}

}  // namespace
}  // namespace gc::store::sqlite
