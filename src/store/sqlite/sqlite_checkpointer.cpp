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

void SqliteCheckpointer::walHolds(int frames) {
  std::lock_guard lock(mutex_);
  // Fewer frames than before: the WAL started again from its beginning.
  if (frames < walFrames_) backfilled_ = lastRunAt_ = 0;
  walFrames_ = frames;
  if (due()) wake_.notify_one();
}

bool SqliteCheckpointer::due() const {
  return walFrames_ - backfilled_ >= threshold_ && walFrames_ - lastRunAt_ >= threshold_ / 8;
}

void SqliteCheckpointer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  db_ = std::make_unique<SqliteDb>(path_, false);
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
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || due(); });
      if (stopping_) return;
      frames = lastRunAt_ = walFrames_;
    }
    const int mode = frames >= hardLimit_ ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE;
    const auto started = std::chrono::steady_clock::now();
    int logFrames = 0, copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, mode, &logFrames, &copied);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    core::metrics().walCheckpointSeconds.observe(took.count());
    std::lock_guard lock(mutex_);
    if (rc == SQLITE_OK) {
      // A restart copied everything; the WAL starts over at the writer's next commit.
      backfilled_ = mode == SQLITE_CHECKPOINT_RESTART ? 0 : copied;
      if (mode == SQLITE_CHECKPOINT_RESTART) {
        walFrames_ = lastRunAt_ = 0;
        restarts_.fetch_add(1, std::memory_order_relaxed);
      }
    } else if (rc == SQLITE_BUSY) {
      // A restart that could not get the writer out of the way in the busy timeout: the
      // frames it left are retried after the next commit.
      backfilled_ = copied;
    } else {
      spdlog::warn("wal checkpoint failed: {}", sqlite3_errmsg(db_->handle()));
      backfilled_ = walFrames_;  // try again only once more has accumulated
    }
  }
}

}  // namespace gc::store::sqlite
