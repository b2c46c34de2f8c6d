#include "store/sqlite/sqlite_writer.hpp"

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/metrics.hpp"

namespace gc::store::sqlite {

SqliteWriter::SqliteWriter(std::unique_ptr<SqliteDb> db, std::size_t maxBatch)
    : db_(std::move(db)), maxBatch_(maxBatch) {}

SqliteWriter::~SqliteWriter() {
  drain();
}

void SqliteWriter::addBatchHooks(BatchHooks hooks) {
  std::lock_guard lock(mutex_);
  addedHooks_.push_back(std::move(hooks));
}

void SqliteWriter::start() {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { loop(); });
}

void SqliteWriter::submit(Op op) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(op));
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
  }
  complete(op, std::make_exception_ptr(core::unavailable("the store is shutting down")));
}

void SqliteWriter::drain() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void SqliteWriter::loop() {
  std::deque<Op> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and nothing left to commit
      // Hooks added since the last batch; hooks_ itself is the writer thread's alone.
      for (auto& h : addedHooks_) hooks_.push_back(std::move(h));
      addedHooks_.clear();
      // Take what has queued while the previous batch committed: that wait is the batching.
      while (!queue_.empty() && batch.size() < maxBatch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commitBatch(batch);
    batch.clear();
  }
}

void SqliteWriter::transaction(const std::function<void()>& body) {
  db_->exec("BEGIN IMMEDIATE");
  try {
    body();
    for (auto& h : hooks_) h.beforeCommit(*db_);
    db_->exec("COMMIT");
  } catch (...) {
    try {
      db_->exec("ROLLBACK");
    } catch (const std::exception& e) {
      spdlog::error("rollback failed: {}", e.what());
    }
    for (auto& h : hooks_) h.afterRollback();
    throw;
  }
}

void SqliteWriter::commitBatch(std::deque<Op>& batch) {
  core::metrics().commitBatchSize.observe(static_cast<double>(batch.size()));
  for (auto& h : hooks_) {
    if (h.beforeCompletions) h.beforeCompletions();
  }
  struct AfterCompletions {
    std::vector<BatchHooks>& hooks;
    ~AfterCompletions() {
      for (auto& h : hooks) {
        if (h.afterCompletions) h.afterCompletions();
      }
    }
  } after{hooks_};
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
    for (auto& op : batch) {
      std::exception_ptr error;
      try {
        transaction([&] { op.apply(*db_); });
      } catch (...) {
        error = std::current_exception();
      }
      complete(op, error);
    }
    return;
  }
  for (auto& op : batch) complete(op, nullptr);
}

void SqliteWriter::complete(Op& op, std::exception_ptr error) noexcept {
  // A completion that throws must not take the writer thread, and every later commit, down.
  try {
    op.complete(error);
  } catch (const std::exception& e) {
    spdlog::error("store completion failed: {}", e.what());
  } catch (...) {
    spdlog::error("store completion failed");
  }
}

}  // namespace gc::store::sqlite
