#include "store/postgres/pg_append_shards.hpp"

#include <stdexcept>
#include <string>

namespace gc::store::postgres {

PgAppendShards::PgAppendShards(std::vector<std::unique_ptr<PgAppendWriter>> writers)
    : writers_(std::move(writers)) {
  if (writers_.empty()) throw std::invalid_argument("PgAppendShards: no writer");
}

void PgAppendShards::setBatchScope(const std::function<void()>& begin,
                                   const std::function<void()>& end) {
  for (auto& w : writers_) w->setBatchScope(begin, end);
}

void PgAppendShards::start() {
  for (auto& w : writers_) w->start();
}

void PgAppendShards::append(NewMessage message, MessageStore::AppendCallback done) {
  const auto shard = std::hash<std::string>{}(message.message.conversationId) % writers_.size();
  writers_[shard]->append(std::move(message), std::move(done));
}

void PgAppendShards::drain() {
  for (auto& w : writers_) w->drain();
}

bool PgAppendShards::busyWithin(std::chrono::steady_clock::duration window) const {
  for (const auto& w : writers_) {
    if (w->busyWithin(window)) return true;
  }
  return false;
}

}  // namespace gc::store::postgres
