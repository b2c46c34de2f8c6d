#pragma once
// Sends split over several group-committing writers (PgAppendWriter), each on a connection
// and a thread of its own. A conversation always goes to the same writer (a hash of its id),
// so its sends keep their order and their callbacks run in commit order, as with one writer;
// and two writers of one server never lock the same counter row, so they never wait for each
// other.
//
// Why: one writer spends a batch's time on round trips and on COMMIT's WAL flush, one after
// the other, while the machine has cores to spare; with two, one batch's flush overlaps the
// other's statements. Measured on this 2-core machine at W=32: 36,069 and 37,637 acks/s with
// two against 24,840 and 24,316 with one. But each writer's batches are smaller, so
// PostgreSQL flushes its WAL more often for the same messages, and at a moderate 10,000
// msgs/s the ack p99 was worse (242 and 586 ms against 142 and 56). So one writer is the
// default and `--postgres-writers` the choice of a deployment that needs the throughput
// (docs/performance.md, "Two send writers on PostgreSQL, again").
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "store/postgres/pg_append_writer.hpp"

namespace gc::store::postgres {

class PgAppendShards {
 public:
  // At least one writer.
  explicit PgAppendShards(std::vector<std::unique_ptr<PgAppendWriter>> writers);

  // Each writer runs `begin` and `end` around the callbacks of its batches, on its own thread.
  void setBatchScope(const std::function<void()>& begin, const std::function<void()>& end);
  void start();
  void append(NewMessage message, MessageStore::AppendCallback done);
  // Every writer commits what it has queued and runs the callbacks, then stops.
  void drain();
  // True when any writer had a busy batch within `window` (PgAppendWriter::busyWithin).
  bool busyWithin(std::chrono::steady_clock::duration window) const;
  std::size_t size() const { return writers_.size(); }

 private:
  std::vector<std::unique_ptr<PgAppendWriter>> writers_;
};

}  // namespace gc::store::postgres
