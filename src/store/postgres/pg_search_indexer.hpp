#pragma once
// Keeps the trigram index of message bodies (message_search) on PostgreSQL, off the send path.
//
// A send, an edit or a delete queues the message's id (search_queue) in its own transaction,
// which costs a row; this thread, on a connection of its own, takes the queue in chunks and
// copies the bodies into the index, a fraction of a second (at most about one) behind. One
// server indexes at a time (an advisory lock held for the chunk's transaction), the whole
// queue whoever queued it; the others find the lock taken and look again a second later, so
// nothing is indexed twice at once and several servers together index at one server's pace.
// A chunk's queue rows are deleted in the transaction that indexes them: a crash loses no
// work, it is simply done again.
//
// Under load the index lags rather than slows chat (as the SQLite store's does): while the
// store's writer commits large batches it waits, and behind a backlog it rests three times as
// long as each chunk took, so it takes at most a quarter of one backend's time. Indexing a
// body costs more than storing it (a trigram index: measured 26,409 against 17,959 acks/s
// with and without it in the send's transaction), and on a machine whose cores are all busy
// every microsecond of it is taken from the sends.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "store/postgres/pg_connection.hpp"

namespace gc::store::postgres {

class PgSearchIndexer {
 public:
  // `storeBusy()` true: the store is under heavy load; indexing waits until it is not.
  PgSearchIndexer(std::unique_ptr<PgConnection> conn, std::function<bool()> storeBusy);
  ~PgSearchIndexer();

  void start();
  // Something was queued: index it soon. Cheap; any thread.
  void poke();
  // Finishes the chunk in hand, if any, and stops.
  void stop();

 private:
  void loop();
  // One chunk in one transaction: how many queue rows it took, or -1 when another server
  // holds the indexer's lock.
  int indexChunk();
  // Waits `delay`, or less when stopped (or, with `wakeOnPoke`, when poked).
  void rest(std::chrono::milliseconds delay, bool wakeOnPoke);

  std::unique_ptr<PgConnection> conn_;
  std::function<bool()> storeBusy_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = true;  // the queue may hold work from before a restart
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gc::store::postgres
