#pragma once
// Copies the WAL back into the database on a thread of its own, so that no commit waits for
// a checkpoint.
//
// SQLite's default (wal_autocheckpoint) runs the checkpoint inside the COMMIT that took the
// WAL past 1,000 frames: that commit, and every send queued behind it, waits while ~4 MB of
// pages are copied and the database file is fsynced. Measured on the message schema, a
// fifth of the commits of 50-message batches took over 10 ms that way. Here the writer's
// WAL hook only reports how many frames the WAL holds; this thread runs PASSIVE
// checkpoints, which take no lock the writer needs, whenever `threshold` frames wait to be
// copied. Under steady load a passive checkpoint rarely catches up completely, and the WAL
// only starts again from its beginning once it has; so past `hardLimit` frames the thread
// runs one RESTART checkpoint (writers wait while it copies the few frames still left) to
// bound the file.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_db.hpp"

namespace gc::store::sqlite {

class SqliteCheckpointer {
 public:
  static constexpr int kDefaultThreshold = 1000;    // SQLite's own autocheckpoint size
  static constexpr int kDefaultHardLimit = 16'000;  // 64 MB of 4 KiB pages

  SqliteCheckpointer(const std::string& path, int threshold = kDefaultThreshold,
                     int hardLimit = kDefaultHardLimit);
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;
  ~SqliteCheckpointer();

  // Makes `writer` leave checkpoints to this thread: turns its autocheckpoint off and
  // reports its WAL size after every commit. Call before the writer's first commit.
  void watch(SqliteDb& writer);
  // Opens the thread's own connection (the database exists by now) and starts it.
  void start();
  void stop();
  // RESTART checkpoints done (the WAL reached the hard limit).
  std::uint64_t restarts() const { return restarts_.load(std::memory_order_relaxed); }

 private:
  static int onCommit(void* self, sqlite3* db, const char* name, int frames);
  void walHolds(int frames);
  bool due() const;  // with mutex_ held
  void loop();

  std::string path_;
  std::unique_ptr<SqliteDb> db_;
  const int threshold_;
  const int hardLimit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Guarded by mutex_: the WAL's size as the writer last reported it, how much of it the
  // last checkpoint had copied, and its size when that checkpoint started (a reader's
  // snapshot can hold a checkpoint back; it is not retried before the WAL grew again).
  int walFrames_ = 0;
  int backfilled_ = 0;
  int lastRunAt_ = 0;
  bool stopping_ = false;
  std::atomic<std::uint64_t> restarts_{0};
  std::thread thread_;
};

}  // namespace gc::store::sqlite
