#include "chat/delivery_order.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/metrics.hpp"
#include "hub/outbox.hpp"

namespace gc::chat {

DeliveryOrder::DeliveryOrder(Deliver deliver, Missed missed, After after, Options options)
    : deliver_(std::move(deliver)),
      missed_(std::move(missed)),
      after_(std::move(after)),
      options_(std::move(options)) {}

DeliveryOrder::Shard& DeliveryOrder::shardOf(const std::string& conversationId) {
  return shards_[std::hash<std::string>{}(conversationId) % kShards];
}

void DeliveryOrder::operator()(const broker::Delivery& delivery) {
  if (delivery.seq == 0) {
    deliver_(delivery);  // not a message: no order to keep across instances
    return;
  }
  auto& shard = shardOf(delivery.conversationId);
  std::lock_guard lock(shard.mutex);
  // Handed to the connections before the lock goes, not with the commit batch's Outbox
  // later: another thread's next seq must not overtake this one on a connection.
  hub::Outbox handOver;
  auto it = shard.conversations.find(delivery.conversationId);
  if (it == shard.conversations.end()) {
    if (shard.conversations.size() >= options_.capacity / kShards) forgetIdle(shard);
    shard.conversations[delivery.conversationId].last = delivery.seq;
    deliver_(delivery);
    return;
  }
  auto& c = it->second;
  if (delivery.seq > c.last + 1) {
    c.waiting.emplace(delivery.seq, delivery);
    if (!c.fillScheduled) {
      c.fillScheduled = true;
      after_(options_.wait, [this, id = delivery.conversationId] { fill(id); });
    }
    return;
  }
  sendOrAckLate(c, delivery);
  drain(c);
}

void DeliveryOrder::sendOrAckLate(Conversation& c, const broker::Delivery& delivery) {
  if (delivery.seq == c.last + 1) {
    c.last = delivery.seq;
    deliver_(delivery);
    return;
  }
  // Delivered already: filled from the store before its own instance's delivery came. Its
  // sender's ack still goes, late rather than never.
  if (delivery.originFrame) {
    auto ackOnly = delivery;
    ackOnly.frame = nullptr;
    deliver_(ackOnly);
  }
}

void DeliveryOrder::drain(Conversation& c) {
  while (!c.waiting.empty() && c.waiting.begin()->first <= c.last + 1) {
    sendOrAckLate(c, c.waiting.begin()->second);
    c.waiting.erase(c.waiting.begin());
  }
}

void DeliveryOrder::fill(const std::string& conversationId) {
  auto& shard = shardOf(conversationId);
  std::lock_guard lock(shard.mutex);
  hub::Outbox handOver;
  auto it = shard.conversations.find(conversationId);
  if (it == shard.conversations.end()) return;
  auto& c = it->second;
  c.fillScheduled = false;
  if (c.waiting.empty() && c.catchUpTo <= c.last) {  // the gap closed by itself
    c.deferrals = 0;
    return;
  }
  if (options_.ownSendPending && c.deferrals < options_.maxDeferrals &&
      options_.ownSendPending(conversationId)) {
    ++c.deferrals;  // the missing message may be ours, its delivery and ack on the way
    c.fillScheduled = true;
    after_(options_.wait, [this, conversationId] { fill(conversationId); });
    return;
  }
  c.deferrals = 0;
  const auto before = c.waiting.empty() ? c.catchUpTo + 1 : c.waiting.begin()->first;
  c.catchUpTo = 0;
  try {
    for (const auto& missed : missed_(conversationId, c.last, before)) {
      if (missed.seq != c.last + 1 || missed.seq >= before) continue;
      c.last = missed.seq;
      deliver_(missed);
      core::metrics().messagesHealed.fetch_add(1, std::memory_order_relaxed);
    }
  } catch (const std::exception& e) {
    spdlog::warn("messages {}..{} of a conversation not fetched to fill a gap: {}", c.last + 1,
                 before - 1, e.what());
  }
  // What the store could not give (it is away, or the gap is longer than it returns) is the
  // clients' resync to fill: the waiting messages go out rather than wait for ever.
  if (!c.waiting.empty() && c.waiting.begin()->first > c.last + 1) {
    c.last = c.waiting.begin()->first - 1;
  }
  drain(c);
  if (!c.waiting.empty()) {  // a further gap behind the first one
    c.fillScheduled = true;
    after_(options_.wait, [this, conversationId] { fill(conversationId); });
  }
}

void DeliveryOrder::catchUp(const std::string& conversationId, std::int64_t lastSeq) {
  auto& shard = shardOf(conversationId);
  std::lock_guard lock(shard.mutex);
  auto it = shard.conversations.find(conversationId);
  if (it == shard.conversations.end()) return;
  auto& c = it->second;
  if (lastSeq <= c.last) return;  // heard it all already
  c.catchUpTo = std::max(c.catchUpTo, lastSeq);
  if (c.fillScheduled) return;
  c.fillScheduled = true;
  after_(options_.wait, [this, conversationId] { fill(conversationId); });
}

void DeliveryOrder::startAt(const std::string& conversationId, std::int64_t seq) {
  auto& shard = shardOf(conversationId);
  std::lock_guard lock(shard.mutex);
  hub::Outbox handOver;
  if (!shard.conversations.contains(conversationId) &&
      shard.conversations.size() >= options_.capacity / kShards) {
    forgetIdle(shard);
  }
  auto& c = shard.conversations[conversationId];
  if (seq <= c.last) return;
  c.last = seq;
  drain(c);  // what waited at or below it is history now (its acks still go)
}

void DeliveryOrder::forget(const std::string& conversationId) {
  auto& shard = shardOf(conversationId);
  std::lock_guard lock(shard.mutex);
  hub::Outbox handOver;
  auto it = shard.conversations.find(conversationId);
  if (it == shard.conversations.end()) return;
  for (const auto& [seq, delivery] : it->second.waiting) deliver_(delivery);
  shard.conversations.erase(it);  // a fill still scheduled finds nothing to do
}

void DeliveryOrder::forgetIdle(Shard& shard) {
  std::erase_if(shard.conversations, [](const auto& entry) {
    return entry.second.waiting.empty() && !entry.second.fillScheduled;
  });
}

void DeliveryOrder::reset() {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    hub::Outbox handOver;
    for (auto& [id, c] : shard.conversations) {
      for (const auto& [seq, delivery] : c.waiting) deliver_(delivery);
    }
    shard.conversations.clear();  // a fill still scheduled finds nothing to do
  }
}

}  // namespace gc::chat
