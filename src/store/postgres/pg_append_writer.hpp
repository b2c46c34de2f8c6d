#pragma once
// Group commit of sends on PostgreSQL. Every append joins a queue; one thread takes what has
// queued (up to a cap) and commits it as one transaction on its own connection, in a fixed
// number of statements whatever the batch size: each step is one statement over arrays
// (INSERT ... SELECT FROM unnest(...)). Then it runs the batch's callbacks, in commit order.
//
// seq stays gap-free per conversation even with several servers writing to one
// conversation: the transaction locks the batch's conversation rows (in id order, so two
// servers never deadlock), and reserves n seqs with UPDATE ... SET last_seq = last_seq + n
// RETURNING last_seq. A retry (same sender, conversation and clientMsgId) is looked up under
// that lock, so it finds the first message whichever server stored it; the unique constraint
// on those three columns is the backstop.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"

namespace gc::store::postgres {

class PgAppendWriter {
 public:
  // `afterBatch` runs on the writer's thread after each batch's callbacks (it pokes the
  // search indexer: the batch queued its messages for the index).
  PgAppendWriter(std::unique_ptr<PgConnection> conn, std::size_t maxBatch,
                 std::function<void()> afterBatch);
  ~PgAppendWriter();

  // Runs around the callbacks of each committed batch (from the next batch on).
  void setBatchScope(std::function<void()> begin, std::function<void()> end);
  void start();
  void append(NewMessage message, MessageStore::AppendCallback done);
  // Commits what is queued and runs its callbacks, then stops; later appends fail with 503.
  void drain();
  // True when a batch of kBusyBatch sends or more started within `window`: the store is under
  // heavy load (the search indexer then waits, as the SQLite store's does).
  bool busyWithin(std::chrono::steady_clock::duration window) const;
  static constexpr std::size_t kBusyBatch = 200;

 private:
  struct Pending {
    NewMessage draft;
    MessageStore::AppendCallback done;
    AppendResult result;
    std::exception_ptr error;  // a rule only the transaction could check, or the commit failed
  };
  using Batch = std::vector<Pending>;

  void loop();
  void commit(Batch& batch);
  // One attempt: BEGIN, writeBatch, COMMIT; on failure ROLLBACK and rethrow.
  void transaction(Batch& batch);
  // One transaction for `batch`: fills each Pending's result or (rule) error. Throws when the
  // transaction itself failed; then nothing of it was stored.
  void writeBatch(Batch& batch);
  void complete(Batch& batch);

  std::unique_ptr<PgConnection> conn_;
  std::size_t maxBatch_;
  // Conversations committed to by this writer (so they exist: none is ever deleted), and
  // those of the batch in hand; only the writer's thread touches them.
  std::unordered_set<std::string> knownConversations_;
  std::vector<std::string> batchConversations_;
  std::function<void()> afterBatch_;
  std::function<void()> scopeBegin_;
  std::function<void()> scopeEnd_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::atomic<std::chrono::steady_clock::rep> lastBusyBatch_{0};  // since the clock's epoch
  std::thread thread_;
};

}  // namespace gc::store::postgres
