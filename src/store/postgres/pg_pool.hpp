#pragma once
// A small pool of connections for queries and for the writes that are not sends (sends go
// through the group-committing PgAppendWriter). Each caller holds one connection at a time.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/pg_connection.hpp"

namespace gc::store::postgres {

class PgPool {
 public:
  PgPool(const std::string& url, int size, bool readOnly);

  template <class F>
  auto with(F use) -> decltype(use(std::declval<PgConnection&>())) {
    std::unique_ptr<PgConnection> conn = acquire();
    struct Release {
      PgPool* pool;
      std::unique_ptr<PgConnection>& conn;
      ~Release() { pool->release(std::move(conn)); }
    } release{this, conn};
    conn->reconnectIfDropped();  // the server may have restarted since it was last used
    return use(*conn);
  }

  // Runs `body` in one transaction (READ COMMITTED; the body takes the row or advisory locks
  // its rules need). Run again from the start when the server rolled it back on a deadlock or
  // serialization failure; any other error rolls back and propagates.
  template <class F>
  auto transaction(F body) -> decltype(body(std::declval<PgConnection&>())) {
    return with([&body](PgConnection& conn) {
      for (int attempt = 1;; ++attempt) {
        try {
          return conn.transaction(body);
        } catch (const PgError& e) {
          if (!e.isRetryable() || attempt == kAttempts) throw;
        }
      }
    });
  }

 private:
  static constexpr int kAttempts = 10;
  std::unique_ptr<PgConnection> acquire();
  void release(std::unique_ptr<PgConnection> conn);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> free_;
};

}  // namespace gc::store::postgres
