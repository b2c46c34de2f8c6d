#include "store/postgres/pg_search_indexer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/thread_name.hpp"
#include "store/postgres/pg_sql.hpp"

namespace gc::store::postgres {
namespace {

// Queue rows per transaction: large enough that the trigram index merges its entries in bulk,
// small enough that one chunk holds the index's lock for tens of milliseconds, not seconds.
constexpr std::int64_t kChunk = 1000;
// With nothing poked, the queue is looked at this often anyway: work another server queued
// and could not finish (it stopped, or lost the database) is not left for ever.
constexpr std::chrono::milliseconds kIdleLook{1000};
// While the store is busy, whether it still is is asked this often.
constexpr std::chrono::milliseconds kBusyLook{250};
// Another server holds the indexer's lock: it is indexing (the whole queue, whoever queued it);
// look again after this. Long, so that servers do not take turns at full pace: with several,
// the index still takes about a quarter of one backend, not a quarter each (docs/performance.md,
// "Search off the PostgreSQL send path").
constexpr std::chrono::milliseconds kLockTaken{1000};
// The database is out of reach: try again after this.
constexpr std::chrono::milliseconds kAfterFailure{1000};

}  // namespace

PgSearchIndexer::PgSearchIndexer(std::unique_ptr<PgConnection> conn,
                                 std::function<bool()> storeBusy)
    : conn_(std::move(conn)), storeBusy_(std::move(storeBusy)) {}

PgSearchIndexer::~PgSearchIndexer() {
  stop();
}

void PgSearchIndexer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    core::nameThisThread("gc-pg-search");
    loop();
  });
}

void PgSearchIndexer::poke() {
  std::lock_guard lock(mutex_);
  if (poked_) return;
  poked_ = true;
  wake_.notify_one();
}

void PgSearchIndexer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void PgSearchIndexer::rest(std::chrono::milliseconds delay, bool wakeOnPoke) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, delay, [&] { return stopping_ || (wakeOnPoke && poked_); });
}

void PgSearchIndexer::loop() {
  bool failing = false;
  for (;;) {
    while (storeBusy_ && storeBusy_()) {
      rest(kBusyLook, false);
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      poked_ = false;  // what is queued from here on is seen by this chunk or pokes again
    }
    const auto began = std::chrono::steady_clock::now();
    int taken = 0;
    try {
      taken = indexChunk();
      if (failing) spdlog::info("search indexer: the database is back");
      failing = false;
    } catch (const std::exception& e) {
      if (!failing) spdlog::warn("search indexer: {}; trying again every second", e.what());
      failing = true;
      rest(kAfterFailure, false);
      continue;
    }
    if (taken < 0) {
      rest(kLockTaken, false);
    } else if (taken == kChunk) {
      // More is waiting: rest three times as long as the chunk took, so indexing takes at most
      // a quarter of a database backend's time while sends keep coming.
      const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - began);
      rest(std::max(3 * took, std::chrono::milliseconds(1)), false);
    } else {
      rest(kIdleLook, true);
    }
  }
}

int PgSearchIndexer::indexChunk() {
  return conn_->transaction([](PgConnection& conn) {
    if (!conn.query(sql::kTryLockIndexer).boolean(0, 0)) return -1;
    const auto taken = conn.query(sql::kTakeSearchQueue, kChunk);
    std::vector<std::string> ids;
    ids.reserve(static_cast<std::size_t>(taken.rows()));
    for (int i = 0; i < taken.rows(); ++i) ids.push_back(taken.text(i, 0));
    if (!ids.empty()) {
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      const auto array = pgArray(ids);
      conn.query(sql::kIndexBodies, array);
      conn.query(sql::kUnindexDeleted, array);
    }
    return taken.rows();
  });
}

}  // namespace gc::store::postgres
