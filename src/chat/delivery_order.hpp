#pragma once
// Puts each conversation's messages back in seq order across instances, and fills gaps.
//
// With one instance the store's commit order is the delivery order. With several, two
// instances committing to one conversation publish through separate Redis connections, so an
// instance may hear seq 6 before seq 5, or never hear 5 (pub/sub drops what a subscriber
// misses). Every message delivery passes through here: the next expected seq goes out (and
// whatever waited behind it); one at or below what went out already is dropped; one that
// skips ahead waits. If the gap is still open `wait` later, the skipped messages are fetched
// from the store (committed: seq is assigned under a per-conversation lock, so 5 committed
// before 6 did) and delivered, then the waiting ones.
//
// A message's delivery includes the sender's ack (broker::Delivery::originFrame), and frames
// are handed to the connections before the next message of the conversation can go: each
// connection sees the conversation's acks and messages in seq order, whichever instance
// committed them. A message that was filled from the store before its own instance's
// delivery came still gets its sender the ack, late. That happens when this instance's own
// commit lags (its callbacks wait for a core) while the other instance's next message is
// already here; so a gap is not filled while this instance still has a send of that
// conversation in flight (`ownSendPending`): its delivery, ack included, is on the way. The
// fill waits `wait` again, at most `maxDeferrals` times, then fills anyway.
//
// The first message seen of a conversation sets its baseline: clients resync history on
// connect, so only gaps after that are ours to fill. The table is bounded; a conversation
// that falls out starts again from a new baseline.
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
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
  // Runs `fire` once, `delay` from now, where it may block (a timer, then the blocking pool).
  using After = std::function<void(std::chrono::milliseconds delay, std::function<void()> fire)>;

  struct Options {
    std::chrono::milliseconds wait{25};  // how long a gap may stay open before it is filled
    std::size_t capacity = 200'000;      // conversations remembered
    // True while this instance has a send of the conversation committing (may be empty).
    std::function<bool(const std::string& conversationId)> ownSendPending = {};
    int maxDeferrals = 8;  // waits added for such a send before the gap is filled anyway
  };

  DeliveryOrder(Deliver deliver, Missed missed, After after, Options options);

  void operator()(const broker::Delivery& delivery);
  // The conversation's channel was just subscribed while it already had a baseline here (a
  // conversation whose first message started it), and `lastSeq` is the store's last seq of it
  // read after the subscription held: what was committed after the baseline up to it is
  // fetched and delivered when the wait is over (unless it came meanwhile). Never past it:
  // what this instance commits after that is its own to deliver, ack included. Nothing for a
  // conversation without a baseline (its first message heard here will be one).
  void catchUp(const std::string& conversationId, std::int64_t lastSeq);
  // A conversation about to be followed here (a group just joined) starts at `seq`, the
  // store's last seq: a baseline for the catch-up once subscribed. A baseline already past
  // it stays (this instance's own messages set it).
  void startAt(const std::string& conversationId, std::int64_t seq);
  // Nobody here follows the conversation any more: its baseline goes (what waited goes
  // out), so that a later follow starts from a new one instead of filling what it missed.
  void forget(const std::string& conversationId);
  // Forgets every baseline (after a broker outage the clients resync: nothing to fill).
  // What was waiting goes out.
  void reset();

 private:
  struct Conversation {
    std::int64_t last = 0;                             // the highest seq that went out
    std::map<std::int64_t, broker::Delivery> waiting;  // ahead of a gap
    bool fillScheduled = false;
    std::int64_t catchUpTo = 0;  // the fill looks up to here even with nothing waiting
    int deferrals = 0;           // of the fill scheduled now, for a send of ours in flight
  };
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mutex;  // held while a conversation's messages go out, in order
    std::unordered_map<std::string, Conversation> conversations;
  };

  Shard& shardOf(const std::string& conversationId);
  // Locked: delivers what waited and is now next, drops (but acks) what is behind.
  void drain(Conversation& c);
  void sendOrAckLate(Conversation& c, const broker::Delivery& delivery);
  // The gap's wait is over: fills it from the store, then drains.
  void fill(const std::string& conversationId);
  void forgetIdle(Shard& shard);

  Deliver deliver_;
  Missed missed_;
  After after_;
  Options options_;
  std::array<Shard, kShards> shards_;
};

}  // namespace gc::chat
