#pragma once
// The full-text index of message bodies: an FTS5 table with the trigram tokenizer, so that
// any substring of 3+ characters is found (partial words, and Chinese, Japanese and Korean
// text, which has no spaces between words).
//
// It lives in its own SQLite file next to the database and is written by its own thread,
// a fraction of a second behind the message store, at the lowest CPU priority. Indexing a
// body into a trigram index costs several times what storing the message costs, and the
// store has one writer whose speed every send waits for: so the index never runs inside
// the writer's transactions, and a busy machine delays search, not chat.
//
// It follows new messages by rowid and edits and deletes through the main database's
// `search_changes` table; its progress (both watermarks) is stored in the index file in the
// same transactions as the index itself, so after a crash it resumes where it was. A missing
// or damaged index file is rebuilt from the messages.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_db.hpp"

namespace gc::store::sqlite {

class SqliteSearchIndexer {
 public:
  // `trimChanges(id)` is called from the indexer thread when change-feed rows up to `id` are
  // indexed and may be deleted (through the database's writer).
  // `storeBusy()` true: the store is under heavy load; indexing waits until it is not.
  SqliteSearchIndexer(std::string databasePath, std::string indexPath,
                      std::function<void(std::int64_t)> trimChanges,
                      std::function<bool()> storeBusy);
  ~SqliteSearchIndexer();

  const std::string& indexPath() const { return indexPath_; }
  void start();
  // New commits are waiting: index them soon. Cheap; any thread.
  void poke();
  void stop();

 private:
  void loop();
  // One chunk of each kind of work; returns how many rows it handled.
  int indexNewMessages();
  int applyChanges();
  // BEGIN (deferred), body, COMMIT; ROLLBACK and rethrow if the body throws.
  template <class Body>
  void deferredTransaction(Body&& body);

  std::string databasePath_;
  std::string indexPath_;
  std::function<void(std::int64_t)> trimChanges_;
  std::function<bool()> storeBusy_;
  std::unique_ptr<SqliteDb> db_;  // the index file, with the database attached as `chat`
  std::int64_t messageWatermark_ = 0;
  std::int64_t changeWatermark_ = 0;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gc::store::sqlite
