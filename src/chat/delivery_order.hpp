#pragma once
// Puts each conversation's messages back in seq order across instances, and fills gaps.
//
// With one instance the store's commit order is the delivery order. With several, two
// instances committing to one conversation publish through separate Redis connections, so an
// instance may hear seq 6 before seq 5, or never hear 5 (pub/sub drops what a subscriber
// misses). Every message delivery passes through here: one whose seq is the next expected
// goes out; one at or below what went out already was delivered (healed) and is dropped; one
// that skips ahead first fetches the skipped messages from the store (committed: seq is
// assigned under a per-conversation lock, so 5 committed before 6 did) and delivers them.
//
// The first message seen of a conversation sets its baseline: clients resync history on
// connect, so only gaps after that are ours to fill. The table is bounded; a conversation
// that falls out starts again from a new baseline.
#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/broker.hpp"

namespace gc::chat {

class DeliveryOrder {
 public:
  using Deliver = std::function<void(const broker::Delivery&)>;
  // Blocking: the deliveries of a conversation's messages with after < seq < before, in order.
  using Missed = std::function<std::vector<broker::Delivery>(
      const std::string& conversationId, std::int64_t after, std::int64_t before)>;

  DeliveryOrder(Deliver deliver, Missed missed, std::size_t capacity = 200'000);

  void operator()(const broker::Delivery& delivery);
  // Forgets every baseline (after a broker outage the clients resync: nothing to fill).
  void reset();

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mutex;  // held while a conversation's messages go out, in order
    std::unordered_map<std::string, std::int64_t> lastSeq;
  };

  Deliver deliver_;
  Missed missed_;
  std::size_t perShard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace gc::chat
