#include "store/postgres/pg_pool.hpp"

#include <spdlog/spdlog.h>

namespace gc::store::postgres {

PgPool::PgPool(const std::string& url, int size, bool readOnly) {
  // All opened up front, so a wrong URL or password stops the server at start-up.
  for (int i = 0; i < size; ++i) free_.push_back(std::make_unique<PgConnection>(url, readOnly));
}

std::unique_ptr<PgConnection> PgPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !free_.empty(); });
  auto conn = std::move(free_.back());
  free_.pop_back();
  return conn;
}

void PgPool::release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard lock(mutex_);
  free_.push_back(std::move(conn));
  available_.notify_one();
}

}  // namespace gc::store::postgres
