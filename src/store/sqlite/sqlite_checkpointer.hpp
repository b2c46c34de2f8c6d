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
// copied.
//
// A passive checkpoint copies what was committed when it started, and the writer commits
// more meanwhile; the WAL starts again from its beginning only when a commit begins with
// every frame copied (and no reader still reading from it). So under steady load it never
// does by itself, and the file grows: writes past its end cost the file system a block
// allocation and every fdatasync a journal commit (measured: ack p50 3 ms became 8–10 ms at
// 10,000 msgs/s). Once the WAL holds `resetAt` frames, the next checkpoint runs with the
// writer held (`holdWriterWith`), after at most one passive run to catch up when more than
// `threshold` frames were left to copy: it copies the last frames with no commit adding
// more, and the writer's next commit starts the WAL over (SQLite does that itself, without
// waiting, when no reader is in the way).
// Past `hardLimit` frames (readers kept getting in the way) the thread runs one RESTART
// checkpoint, also with the writer held, which waits up to 100 ms for the readers to finish.
//
// Before the hold, the WAL was bounded by RESTART checkpoints alone, which take SQLite's
// write lock: the writer's BEGIN met it and slept in SQLite's busy handler (1, 2, 5, 10, 15,
// 20 ms... between tries), 18 to 133 ms twice a second at 10,000 msgs/s. Held, it waits for
// the checkpoint alone (10-28 ms, mostly the database file's fdatasync) and resumes at once.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_db.hpp"

namespace gc::store::sqlite {

class SqliteCheckpointer {
 public:
  static constexpr int kDefaultThreshold = 1000;    // SQLite's own autocheckpoint size
  static constexpr int kDefaultResetAt = 16'000;    // 64 MB of 4 KiB pages
  static constexpr int kDefaultHardLimit = 64'000;  // 256 MB
  static constexpr int kRestartWaitMs = 100;        // for readers, by a RESTART (see start())
  // Runs its argument while the writer commits nothing (SqliteWriter::whileHeld).
  using WriterHold = std::function<void(const std::function<void()>&)>;

  SqliteCheckpointer(const std::string& path, int threshold = kDefaultThreshold,
                     int hardLimit = kDefaultHardLimit);
  SqliteCheckpointer(const SqliteCheckpointer&) = delete;
  SqliteCheckpointer& operator=(const SqliteCheckpointer&) = delete;
  ~SqliteCheckpointer();

  // Makes `writer` leave checkpoints to this thread: turns its autocheckpoint off and
  // reports its WAL size after every commit. Call before the writer's first commit.
  void watch(SqliteDb& writer);
  // Lets the WAL start over once it holds `resetAt` frames (see above). Without it only the
  // RESTART past the hard limit bounds the WAL. Call before start().
  void holdWriterWith(WriterHold hold, int resetAt = kDefaultResetAt);
  // Opens the thread's own connection (the database exists by now) and starts it.
  void start();
  void stop();
  // RESTART checkpoints done (the WAL reached the hard limit).
  std::uint64_t restarts() const { return restarts_.load(std::memory_order_relaxed); }
  // Times the WAL started again from its beginning, by a RESTART or after a held checkpoint.
  std::uint64_t resets() const { return resets_.load(std::memory_order_relaxed); }

 private:
  static int onCommit(void* self, sqlite3* db, const char* name, int frames);
  void walHolds(int frames);
  bool due() const;       // with mutex_ held
  bool resetDue() const;  // with mutex_ held
  void loop();

  std::string path_;
  std::unique_ptr<SqliteDb> db_;
  const int threshold_;
  const int hardLimit_;
  WriterHold hold_;  // set before start()
  int resetAt_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Guarded by mutex_: the WAL's size as the writer last reported it, how much of it the
  // last checkpoint had copied, and its size when that checkpoint started (a reader's
  // snapshot can hold a checkpoint back; it is not retried before the WAL grew again).
  int walFrames_ = 0;
  int backfilled_ = 0;
  int lastRunAt_ = 0;
  int lastHeldAt_ = 0;  // the WAL's size when the last held checkpoint or RESTART started
  bool stopping_ = false;
  std::atomic<std::uint64_t> restarts_{0};
  std::atomic<std::uint64_t> resets_{0};
  std::thread thread_;
};

}  // namespace gc::store::sqlite
