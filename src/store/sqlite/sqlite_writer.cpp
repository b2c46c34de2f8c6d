#include "store/sqlite/sqlite_writer.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/error.hpp"
#include "core/metrics.hpp"
#include "core/thread_name.hpp"
#include "core/thread_priority.hpp"

namespace gc::store::sqlite {
namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

SqliteWriter::SqliteWriter(std::unique_ptr<SqliteDb> db, std::size_t maxBatch, std::string walPath)
    : db_(std::move(db)),
      maxBatch_(maxBatch),
      hooks_(std::make_shared<const std::vector<BatchHooks>>()),
      walPath_(std::move(walPath)) {}

SqliteWriter::~SqliteWriter() {
  drain();
}

void SqliteWriter::addBatchHooks(BatchHooks hooks) {
  std::lock_guard lock(mutex_);
  addedHooks_.push_back(std::move(hooks));
}

void SqliteWriter::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  syncThread_ = std::thread([this] {
    core::nameThisThread("gc-wal-sync");
    syncLoop();
  });
  thread_ = std::thread([this] {
    core::nameThisThread("gc-store-writer");
    loop();
  });
}

void SqliteWriter::submit(Op op) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(op));
      if (queue_.size() == 1 || queue_.size() == maxBatch_) wake_.notify_one();
      return;
    }
  }
  Committed refused{.ops = {}, .errors = {}, .hooks = {}};
  refused.ops.push_back(std::move(op));
  refused.errors.push_back(
      std::make_exception_ptr(core::unavailable("the store is shutting down")));
  runCompletions(refused);
}

void SqliteWriter::drain() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();  // everything queued is committed and handed on
  {
    std::lock_guard lock(syncMutex_);
    syncStopping_ = true;
    syncWake_.notify_one();
  }
  if (syncThread_.joinable()) syncThread_.join();  // ... and synced and completed
}

void SqliteWriter::loop() {
  // Every commit goes through this one thread: when it waits for a core, every send waits.
  // A higher CFS weight (nice -5) lets it run as soon as it is runnable; without the
  // privilege to raise it (not root) it simply keeps the default.
  if (!core::setThisThreadNice(-5)) {
    spdlog::debug("store writer keeps its default priority: {}", std::strerror(errno));
  }
  std::deque<Op> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      // A full batch does not wait for the sync: it bounds the memory a slow disk can hold.
      // A hold is short (one checkpoint's last frames) and waits for nothing the writer
      // does, so it holds even a full queue; a drain goes ahead.
      wake_.wait(lock, [this] {
        return stopping_ ||
               (!queue_.empty() && !holdRequested_ &&
                (!syncing_.load(std::memory_order_acquire) || queue_.size() >= maxBatch_));
      });
      if (queue_.empty()) return;  // stopping and nothing left to commit
      if (!addedHooks_.empty()) {
        auto all = std::make_shared<std::vector<BatchHooks>>(*hooks_);
        for (auto& h : addedHooks_) all->push_back(std::move(h));
        addedHooks_.clear();
        hooks_ = std::move(all);
      }
      // Take what has queued while the previous batch committed: that wait is the batching.
      while (!queue_.empty() && batch.size() < maxBatch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      committing_ = true;
    }
    if (batch.size() >= kBusyBatch) {
      lastBusyBatch_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                           std::memory_order_relaxed);
    }
    const auto began = std::chrono::steady_clock::now();
    Committed done{.ops = {}, .errors = commitBatch(batch), .hooks = hooks_};
    core::metrics().commitSeconds.observe(secondsSince(began));
    {
      std::lock_guard lock(mutex_);
      committing_ = false;
      if (holdRequested_) betweenBatches_.notify_all();
    }
    done.ops.swap(batch);
    if (walPath_.empty()) {
      runCompletions(done);
      continue;
    }
    std::lock_guard lock(syncMutex_);
    committed_.push_back(std::move(done));
    syncWake_.notify_one();
  }
}

void SqliteWriter::whileHeld(const std::function<void()>& f) {
  {
    std::unique_lock lock(mutex_);
    holdRequested_ = true;
    betweenBatches_.wait(lock, [this] { return !committing_; });
  }
  const auto began = std::chrono::steady_clock::now();
  struct Release {
    SqliteWriter& writer;
    ~Release() {
      std::lock_guard lock(writer.mutex_);
      writer.holdRequested_ = false;
      if (!writer.queue_.empty()) writer.wake_.notify_one();
    }
  } release{*this};
  f();
  core::metrics().writerHeldSeconds.observe(secondsSince(began));
}

bool SqliteWriter::busyWithin(std::chrono::steady_clock::duration window) const {
  const auto last =
      std::chrono::steady_clock::duration(lastBusyBatch_.load(std::memory_order_relaxed));
  return last.count() != 0 && std::chrono::steady_clock::now().time_since_epoch() - last < window;
}

void SqliteWriter::syncLoop() {
  // Every acknowledgement waits for this thread too: when the fsync returns it must get a
  // core at once to hand the acks and messages on, so it runs at the writer's priority.
  if (!core::setThisThreadNice(-5)) {
    spdlog::debug("WAL syncer keeps its default priority: {}", std::strerror(errno));
  }
  std::deque<Committed> ready;
  for (;;) {
    {
      std::unique_lock lock(syncMutex_);
      syncWake_.wait(lock, [this] { return syncStopping_ || !committed_.empty(); });
      if (committed_.empty()) return;  // stopping and nothing left to sync
      ready.swap(committed_);
    }
    // One fdatasync covers every batch committed so far.
    const auto syncStarted = std::chrono::steady_clock::now();
    syncing_.store(true, std::memory_order_release);
    syncWal();
    {
      std::lock_guard lock(mutex_);
      syncing_.store(false, std::memory_order_release);
      if (!queue_.empty()) wake_.notify_one();
    }
    const auto completionsStarted = std::chrono::steady_clock::now();
    core::metrics().walSyncSeconds.observe(secondsSince(syncStarted));
    // ... and one batch scope covers their completions: the frames of all of them reach
    // each connection in one hand-over (one socket write), so the busier the server, the
    // more frames share a write. Hooks are only ever added, so the newest batch's are all.
    Hooks hooks = ready.back().hooks;
    if (hooks) {
      for (const auto& h : *hooks) {
        if (h.beforeCompletions) h.beforeCompletions();
      }
    }
    for (auto& batch : ready) {
      batch.hooks = nullptr;
      runCompletions(batch);
    }
    if (hooks) {
      for (const auto& h : *hooks) {
        if (h.afterCompletions) h.afterCompletions();
      }
    }
    core::metrics().completionSeconds.observe(secondsSince(completionsStarted));
    ready.clear();
  }
}

void SqliteWriter::syncWal() {
  // fsync works on the inode, so our own descriptor of the WAL flushes what SQLite wrote
  // through its own. Opened per sync: it stays right even if the WAL file is ever replaced.
  const int fd = ::open(walPath_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fdatasync(fd) != 0) {
    // Acknowledging without durability would break the one promise acks make, and after a
    // failed fsync the page cache cannot be trusted (PostgreSQL's "fsyncgate"): stop here.
    spdlog::critical("cannot fsync {}: {}", walPath_, std::strerror(errno));
    std::abort();
  }
  ::close(fd);
}

void SqliteWriter::transaction(const std::function<void()>& body) {
  // Prepared once, not parsed again for every batch as exec() would.
  db_->prepare("BEGIN IMMEDIATE").run();
  try {
    body();
    for (const auto& h : *hooks_) h.beforeCommit(*db_);
    db_->prepare("COMMIT").run();
  } catch (...) {
    try {
      db_->prepare("ROLLBACK").run();
    } catch (const std::exception& e) {
      spdlog::error("rollback failed: {}", e.what());
    }
    for (const auto& h : *hooks_) h.afterRollback();
    throw;
  }
}

std::vector<std::exception_ptr> SqliteWriter::commitBatch(std::deque<Op>& batch) {
  core::metrics().commitBatchSize.observe(static_cast<double>(batch.size()));
  std::vector<std::exception_ptr> errors(batch.size());
  try {
    transaction([&] {
      for (auto& op : batch) op.apply(*db_);
    });
  } catch (const std::exception& batchError) {
    if (batch.size() > 1) {
      spdlog::debug("batch of {} failed ({}); retrying one by one", batch.size(),
                    batchError.what());
    }
    // Isolate the failing op so the others still commit.
    for (std::size_t i = 0; i < batch.size(); ++i) {
      try {
        transaction([&] { batch[i].apply(*db_); });
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  }
  return errors;
}

void SqliteWriter::runCompletions(Committed& batch) {
  if (batch.hooks) {
    for (const auto& h : *batch.hooks) {
      if (h.beforeCompletions) h.beforeCompletions();
    }
  }
  for (std::size_t i = 0; i < batch.ops.size(); ++i) {
    // A completion that throws must not take the thread, and every later commit, down.
    try {
      batch.ops[i].complete(batch.errors[i]);
    } catch (const std::exception& e) {
      spdlog::error("store completion failed: {}", e.what());
    } catch (...) {
      spdlog::error("store completion failed");
    }
  }
  if (batch.hooks) {
    for (const auto& h : *batch.hooks) {
      if (h.afterCompletions) h.afterCompletions();
    }
  }
}

}  // namespace gc::store::sqlite
