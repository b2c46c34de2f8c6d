#include "chat/delivery_order.hpp"

#include <spdlog/spdlog.h>

#include "core/metrics.hpp"

namespace gc::chat {

DeliveryOrder::DeliveryOrder(Deliver deliver, Missed missed, std::size_t capacity)
    : deliver_(std::move(deliver)),
      missed_(std::move(missed)),
      perShard_(std::max<std::size_t>(1, capacity / kShards)) {}

void DeliveryOrder::operator()(const broker::Delivery& delivery) {
  if (delivery.seq == 0) {
    deliver_(delivery);  // not a message: no order to keep across instances
    return;
  }
  auto& shard = shards_[std::hash<std::string>{}(delivery.conversationId) % kShards];
  std::lock_guard lock(shard.mutex);
  auto it = shard.lastSeq.find(delivery.conversationId);
  if (it == shard.lastSeq.end()) {
    if (shard.lastSeq.size() >= perShard_) shard.lastSeq.clear();  // rare: start afresh
    shard.lastSeq.emplace(delivery.conversationId, delivery.seq);
    deliver_(delivery);
    return;
  }
  auto& last = it->second;
  if (delivery.seq <= last) return;  // delivered already, when its gap was filled
  if (delivery.seq > last + 1) {
    try {
      for (const auto& missed : missed_(delivery.conversationId, last, delivery.seq)) {
        if (missed.seq <= last || missed.seq >= delivery.seq) continue;
        deliver_(missed);
        core::metrics().messagesHealed.fetch_add(1, std::memory_order_relaxed);
      }
    } catch (const std::exception& e) {
      // The store is away: the clients' next resync brings them; this one still goes out.
      spdlog::warn("messages {}..{} of a conversation not fetched to fill a gap: {}", last + 1,
                   delivery.seq - 1, e.what());
    }
  }
  last = delivery.seq;
  deliver_(delivery);
}

void DeliveryOrder::reset() {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.lastSeq.clear();
  }
}

}  // namespace gc::chat
