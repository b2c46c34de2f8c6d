#pragma once
// The one writer of a SQLite database. Every write becomes an Op on its queue; the writer
// thread takes everything queued (up to a cap), applies it in one transaction and commits
// once: group commit.
//
// Durability is a pipeline of two threads. The writer commits with SQLite's
// synchronous=NORMAL (the WAL is written, not yet fsynced) and hands the batch to the
// syncer, then starts on the next batch at once. The syncer fdatasyncs the WAL, which makes
// every batch committed before it durable, and only then runs their completions (acks and
// fan-out), in commit order. So nothing is acknowledged or delivered before it is on disk,
// as with synchronous=FULL, but the fsync of batch N overlaps the work of batch N+1.
// (One difference: a reader connection can see a batch a few milliseconds before it is
// durable; nothing is announced to clients before it is.)
//
// While an fdatasync runs the writer does not commit: what arrives then could not be synced
// before the next fdatasync anyway, so it waits and commits as one batch when the sync
// returns, while the syncer runs the completions. Committing it in several small batches
// instead (as they arrive) gives no ack sooner but writes every page those batches share
// (the conversation's newest index pages, the table's last page) once per batch: at 20,000
// msgs/s that was ~4 commits per fsync, most of them of one or two messages.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_db.hpp"

namespace gc::store::sqlite {

class SqliteWriter {
 public:
  struct Op {
    // Runs inside the batch transaction. May run twice: if any op of a batch throws, the
    // batch is rolled back and each op is retried in a transaction of its own.
    std::function<void(SqliteDb&)> apply;
    // After commit (error empty) or after the op's own transaction failed (error set).
    std::function<void(std::exception_ptr)> complete;
  };

  // Per-transaction work of a sub-store that keeps state across the ops of a batch:
  // `beforeCommit` writes it out inside the transaction; `afterRollback` forgets it.
  struct BatchHooks {
    std::function<void(SqliteDb&)> beforeCommit;
    std::function<void()> afterRollback;
    // Around the completions of a batch (may be empty).
    std::function<void()> beforeCompletions;
    std::function<void()> afterCompletions;
  };

  // `walPath` empty: no fsync before completions (synchronous=normal or off).
  SqliteWriter(std::unique_ptr<SqliteDb> db, std::size_t maxBatch, std::string walPath);
  ~SqliteWriter();

  // Any thread; the writer picks the hooks up before its next batch.
  void addBatchHooks(BatchHooks hooks);
  void start();

  void submit(Op op);
  // True when a batch of kBusyBatch ops or more started within `window`: the store is under
  // heavy load, and background work (the search index) should wait for a quieter moment.
  bool busyWithin(std::chrono::steady_clock::duration window) const;
  static constexpr std::size_t kBusyBatch = 200;
  // Blocks the calling (non-network) thread until `apply` committed; rethrows its error.
  template <class F>
  auto run(F apply) -> decltype(apply(std::declval<SqliteDb&>()));

  // Commits and syncs what is queued, runs its completions, then stops the threads. Later
  // submits fail with unavailable.
  void drain();

  // Runs `f` (on the calling thread) while the writer starts no transaction: waits for the
  // batch being committed, if any, to finish first. The WAL checkpointer uses it to copy the
  // last frames with no commit adding more, so that the next commit starts the WAL again from
  // its beginning (sqlite_checkpointer.hpp). Sends queue meanwhile and commit together after.
  void whileHeld(const std::function<void()>& f);

 private:
  using Hooks = std::shared_ptr<const std::vector<BatchHooks>>;
  struct Committed {
    std::deque<Op> ops;
    std::vector<std::exception_ptr> errors;  // one per op, empty when it committed
    Hooks hooks;                             // as they were when the batch committed
  };

  void loop();
  void syncLoop();
  // Applies and commits; returns each op's error (all empty when the batch committed).
  std::vector<std::exception_ptr> commitBatch(std::deque<Op>& batch);
  void syncWal();
  static void runCompletions(Committed& batch);
  // BEGIN IMMEDIATE, body, hooks, COMMIT; on failure ROLLBACK, hooks, rethrow.
  void transaction(const std::function<void()>& body);

  std::unique_ptr<SqliteDb> db_;
  std::size_t maxBatch_;
  std::atomic<std::chrono::steady_clock::rep> lastBusyBatch_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Op> queue_;
  std::vector<BatchHooks> addedHooks_;  // guarded by mutex_
  Hooks hooks_;                         // writer thread only
  bool stopping_ = false;
  bool holdRequested_ = false;  // whileHeld() waits for, or runs, its function
  bool committing_ = false;     // the writer thread is between taking a batch and its COMMIT
  std::condition_variable betweenBatches_;  // signalled when committing_ turns false
  std::thread thread_;

  std::string walPath_;
  // True while the syncer is inside fdatasync; the writer holds its commits meanwhile (set by
  // the syncer; cleared under mutex_ so the writer's wait cannot miss it).
  std::atomic<bool> syncing_{false};
  std::mutex syncMutex_;
  std::condition_variable syncWake_;
  std::deque<Committed> committed_;  // guarded by syncMutex_
  bool syncStopping_ = false;
  std::thread syncThread_;
};

template <class F>
auto SqliteWriter::run(F apply) -> decltype(apply(std::declval<SqliteDb&>())) {
  using R = decltype(apply(std::declval<SqliteDb&>()));
  auto promise = std::make_shared<std::promise<R>>();
  auto result = std::make_shared<std::optional<std::conditional_t<std::is_void_v<R>, int, R>>>();
  auto future = promise->get_future();
  submit(Op{
      .apply =
          [apply = std::move(apply), result](SqliteDb& db) {
            if constexpr (std::is_void_v<R>) {
              apply(db);
            } else {
              result->emplace(apply(db));
            }
          },
      .complete =
          [promise, result](std::exception_ptr error) {
            if (error) {
              promise->set_exception(error);
            } else if constexpr (std::is_void_v<R>) {
              promise->set_value();
            } else {
              promise->set_value(std::move(**result));
            }
          },
  });
  return future.get();
}

}  // namespace gc::store::sqlite
