// The writer's durability pipeline: completions run after the WAL fsync, in commit order,
// and a failed fsync stops the process instead of acknowledging.
#include "store/sqlite/sqlite_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>

#include "core/ids.hpp"
#include "core/logging.hpp"

namespace gc::store::sqlite {
namespace {

class SqliteWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("gc-writer-" + core::newId());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteDb> openDb() {
    auto db = std::make_unique<SqliteDb>((dir_ / "w.db").string(), false);
    db->exec("PRAGMA journal_mode = WAL");
    db->exec("PRAGMA synchronous = NORMAL");
    db->exec("CREATE TABLE IF NOT EXISTS t (n INTEGER)");
    return db;
  }
  std::filesystem::path dir_;
};

TEST_F(SqliteWriterTest, CompletionsRunInSubmitOrderAfterTheirCommit) {
  SqliteWriter writer(openDb(), 64, (dir_ / "w.db-wal").string());
  writer.start();
  std::vector<int> order;
  std::promise<void> done;
  constexpr int kOps = 200;
  for (int i = 0; i < kOps; ++i) {
    writer.submit(SqliteWriter::Op{
        .apply =
            [i](SqliteDb& db) {
              db.prepare("INSERT INTO t (n) VALUES (?1)").bind(1, std::int64_t{i}).run();
            },
        .complete =
            [&, i](const std::exception_ptr& error) {
              EXPECT_FALSE(error);
              order.push_back(i);  // completions run on one thread
              if (i == kOps - 1) done.set_value();
            },
    });
  }
  done.get_future().wait();
  ASSERT_EQ(order.size(), std::size_t{kOps});
  for (int i = 0; i < kOps; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  const auto rows = writer.run([](SqliteDb& db) {
    return *db.prepare("SELECT count(*) FROM t").one([](const Statement& s) { return s.int64(0); });
  });
  EXPECT_EQ(rows, kOps);
}

TEST_F(SqliteWriterTest, AFailingOpFailsAloneAndTheOthersCommit) {
  SqliteWriter writer(openDb(), 64, (dir_ / "w.db-wal").string());
  writer.start();
  std::atomic<int> ok{0}, failed{0};
  std::promise<void> done;
  std::atomic<int> left{3};
  auto complete = [&](const std::exception_ptr& error) {
    (error ? failed : ok)++;
    if (--left == 0) done.set_value();
  };
  writer.submit({[](SqliteDb& db) { db.exec("INSERT INTO t (n) VALUES (1)"); }, complete});
  writer.submit({[](SqliteDb& db) { db.exec("INSERT INTO nowhere VALUES (1)"); }, complete});
  writer.submit({[](SqliteDb& db) { db.exec("INSERT INTO t (n) VALUES (3)"); }, complete});
  done.get_future().wait();
  EXPECT_EQ(ok.load(), 2);
  EXPECT_EQ(failed.load(), 1);
}

// Batches that commit while the syncer is busy are synced together, and their completions
// run inside one batch scope (one Outbox: one hand-over per connection for all of them).
TEST_F(SqliteWriterTest, BatchesSyncedTogetherShareOneCompletionScope) {
  SqliteWriter writer(openDb(), 64, (dir_ / "w.db-wal").string());
  int scopes = 0;  // syncer thread only, like everything the hooks and completions touch
  bool inScope = false;
  writer.addBatchHooks({.beforeCommit = [](SqliteDb&) {},
                        .afterRollback = [] {},
                        .beforeCompletions =
                            [&] {
                              ++scopes;
                              inScope = true;
                            },
                        .afterCompletions = [&] { inScope = false; }});
  writer.start();
  constexpr int kOps = 4;
  std::vector<int> scopeOf(kOps, -1);
  std::promise<void> firstCompleting, release, done;
  std::vector<std::promise<void>> applied(kOps);
  auto op = [&](int i) {
    return SqliteWriter::Op{
        .apply =
            [&, i](SqliteDb& db) {
              db.exec("INSERT INTO t (n) VALUES (1)");
              applied[static_cast<std::size_t>(i)].set_value();
            },
        .complete =
            [&, i](const std::exception_ptr& error) {
              EXPECT_FALSE(error);
              scopeOf[static_cast<std::size_t>(i)] = inScope ? scopes : -1;
              if (i == 0) {
                firstCompleting.set_value();
                release.get_future().wait();  // holds the syncer
              }
              if (i == kOps - 1) done.set_value();
            },
    };
  };
  writer.submit(op(0));
  firstCompleting.get_future().wait();
  // One op per batch: each is submitted once the previous one was applied, and an op is
  // applied only after the batch before it committed and went to the syncer.
  for (int i = 1; i < kOps; ++i) {
    writer.submit(op(i));
    applied[static_cast<std::size_t>(i)].get_future().wait();
  }
  release.set_value();
  done.get_future().wait();
  EXPECT_EQ(scopeOf[0], 1);
  EXPECT_EQ(scopeOf[1], 2);
  EXPECT_EQ(scopeOf[2], 2);  // committed separately, completed in one scope
}

// The WAL checkpointer holds the writer to copy the WAL's last frames (sqlite_checkpointer.hpp):
// what is submitted meanwhile waits, and commits once the hold ends.
TEST_F(SqliteWriterTest, NothingCommitsWhileHeldAndWhatQueuedCommitsAfter) {
  SqliteWriter writer(openDb(), 64, (dir_ / "w.db-wal").string());
  writer.start();
  std::promise<void> applied, completed;
  writer.whileHeld([&] {
    writer.submit({[&](SqliteDb& db) {
                     db.exec("INSERT INTO t (n) VALUES (1)");
                     applied.set_value();
                   },
                   [&](const std::exception_ptr& error) {
                     EXPECT_FALSE(error);
                     completed.set_value();
                   }});
    // Unheld, the writer applies a queued op within a millisecond or so.
    EXPECT_EQ(applied.get_future().wait_for(std::chrono::milliseconds(200)),
              std::future_status::timeout)
        << "the writer started a transaction while held";
  });
  EXPECT_EQ(completed.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST_F(SqliteWriterTest, AHoldWaitsForTheBatchBeingCommitted) {
  SqliteWriter writer(openDb(), 64, (dir_ / "w.db-wal").string());
  writer.start();
  std::promise<void> applying, release;
  writer.submit({[&](SqliteDb& db) {
                   db.exec("INSERT INTO t (n) VALUES (1)");
                   applying.set_value();
                   release.get_future().wait();
                 },
                 [](const std::exception_ptr& error) { EXPECT_FALSE(error); }});
  applying.get_future().wait();
  auto held = std::async(std::launch::async, [&] {
    std::int64_t rows = -1;
    writer.whileHeld([&] {
      // The batch that was being applied has committed by now.
      SqliteDb reader((dir_ / "w.db").string(), true);
      rows = *reader.prepare("SELECT count(*) FROM t").one([](const Statement& st) {
        return st.int64(0);
      });
    });
    return rows;
  });
  EXPECT_EQ(held.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
      << "the hold began in the middle of a batch";
  release.set_value();
  ASSERT_EQ(held.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(held.get(), 1);
}

TEST_F(SqliteWriterTest, FailedWalSyncStopsTheProcessBeforeAnyCompletion) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        // The WAL path names nothing: the fsync cannot happen, so nothing may be acked.
        core::setupLogging("text", "info");  // the server's logger: stderr
        SqliteWriter writer(openDb(), 64, (dir_ / "missing" / "w.db-wal").string());
        writer.start();
        std::promise<void> completed;
        writer.submit({[](SqliteDb& db) { db.exec("INSERT INTO t (n) VALUES (1)"); },
                       [&](const std::exception_ptr&) {
                         std::fprintf(stderr, "completed before sync\n");
                         completed.set_value();
                       }});
        completed.get_future().wait();
      },
      "cannot fsync");
}

}  // namespace
}  // namespace gc::store::sqlite
