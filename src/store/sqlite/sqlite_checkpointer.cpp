#include "store/sqlite/sqlite_checkpointer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/metrics.hpp"
#include "core/thread_name.hpp"
#include "core/thread_priority.hpp"

namespace gc::store::sqlite {

SqliteCheckpointer::SqliteCheckpointer(const std::string& path, int threshold, int hardLimit)
    : path_(path), threshold_(threshold), hardLimit_(hardLimit) {}

SqliteCheckpointer::~SqliteCheckpointer() {
  stop();
}

void SqliteCheckpointer::watch(SqliteDb& writer) {
  // A WAL hook replaces the autocheckpoint (which is itself a WAL hook).
  sqlite3_wal_hook(writer.handle(), &SqliteCheckpointer::onCommit, this);
}

int SqliteCheckpointer::onCommit(void* self, sqlite3*, const char*, int frames) {
  static_cast<SqliteCheckpointer*>(self)->walHolds(frames);
  return SQLITE_OK;
}

void SqliteCheckpointer::holdWriterWith(WriterHold hold, int resetAt) {
  std::lock_guard lock(mutex_);
  hold_ = std::move(hold);
  resetAt_ = resetAt;
}

void SqliteCheckpointer::walHolds(int frames) {
  std::lock_guard lock(mutex_);
  if (frames < walFrames_) {
    // Fewer frames than before: the WAL started again from its beginning.
    backfilled_ = lastRunAt_ = lastHeldAt_ = 0;
    resets_.fetch_add(1, std::memory_order_relaxed);
    core::metrics().walResets.fetch_add(1, std::memory_order_relaxed);
  }
  walFrames_ = frames;
  if (due()) wake_.notify_one();
}

bool SqliteCheckpointer::resetDue() const {
  // Spaced by `threshold` frames: a reader that kept the WAL from starting over is given
  // time to finish before the writer is held again.
  return hold_ && walFrames_ >= resetAt_ && walFrames_ - lastHeldAt_ >= threshold_;
}

bool SqliteCheckpointer::due() const {
  return walFrames_ - lastRunAt_ >= threshold_ / 8 &&
         (walFrames_ - backfilled_ >= threshold_ || resetDue());
}

void SqliteCheckpointer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  db_ = std::make_unique<SqliteDb>(path_, false);
  // A RESTART waits for the readers still reading from the WAL with the writer held, so
  // every send waits with it: not the connections' 5 s, but this long. It fails (BUSY)
  // after that, and is tried again once `threshold` more frames are written.
  sqlite3_busy_timeout(db_->handle(), kRestartWaitMs);
  // A connection learns that the database is in WAL mode when it first reads it; until then
  // a checkpoint is a no-op.
  db_->exec("SELECT count(*) FROM sqlite_schema");
  thread_ = std::thread([this] {
    core::nameThisThread("gc-checkpoint");
    // Copying pages back is background work: under load it yields the cores to the threads
    // every send waits for (the WAL grows meanwhile, bounded by the RESTART limit).
    core::setThisThreadNice(5);
    loop();
  });
}

void SqliteCheckpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void SqliteCheckpointer::loop() {
  for (;;) {
    int frames = 0;
    bool restart = false, held = false;
    std::uint64_t resetsBefore = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || due(); });
      if (stopping_) return;
      frames = lastRunAt_ = walFrames_;
      // Spaced like the held checkpoints: a reader that made one fail is given time to go.
      restart = frames >= hardLimit_ && frames - lastHeldAt_ >= threshold_;
      // Held for a short copy: with more left, one passive run catches up first (it copies
      // past resetAt, and what is committed while it runs is left for the held one).
      held = hold_ && (restart || (resetDue() &&
                                   (frames - backfilled_ < threshold_ || backfilled_ >= resetAt_)));
      if (held || restart) lastHeldAt_ = frames;
      resetsBefore = resets_.load(std::memory_order_relaxed);
    }
    const int mode = restart ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE;
    const auto started = std::chrono::steady_clock::now();
    int logFrames = 0, copied = 0, rc = SQLITE_OK;
    const auto checkpoint = [&] {
      rc = sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, mode, &logFrames, &copied);
    };
    if (held) {
      hold_(checkpoint);
    } else {
      checkpoint();
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    core::metrics().walCheckpointSeconds.observe(took.count());
    std::lock_guard lock(mutex_);
    if (rc == SQLITE_OK && restart) restarts_.fetch_add(1, std::memory_order_relaxed);
    // The writer may have started the WAL over while this ran: its counts are new then.
    if (resets_.load(std::memory_order_relaxed) != resetsBefore) continue;
    if (rc == SQLITE_OK || rc == SQLITE_BUSY) {
      // BUSY: a RESTART that could not get the readers out of the way in the busy timeout;
      // what it could not copy is retried after later commits.
      backfilled_ = copied;
    } else {
      spdlog::warn("wal checkpoint failed: {}", sqlite3_errmsg(db_->handle()));
      backfilled_ = walFrames_;  // try again only once more has accumulated
    }
  }
}

}  // namespace gc::store::sqlite
