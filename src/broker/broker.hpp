#pragma once
// The Broker carries events between server instances: what one instance commits, every
// instance delivers to its own connections. The in-process broker serves one machine; the
// Redis broker (broker/redis_broker.hpp, scale-out) implements the same interface.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gc::broker {

using SharedFrame = std::shared_ptr<const std::string>;

// One encoded frame for every open connection of these users, but the one it came from
// (a sender's own connection has its `ack`, which carries the message).
struct Delivery {
  std::vector<std::string> userIds;
  SharedFrame frame;
  std::uint64_t exceptConnection = 0;  // hub::Connection::id(); 0: none
  // More recipients, shared rather than copied: a group's member list straight from the
  // membership cache, which 1,000 members would otherwise cost 1,000 strings per message.
  std::shared_ptr<const std::vector<std::string>> sharedUserIds = nullptr;
  // The conversation whose participants this event is for (its messages, edits, reactions,
  // read markers, typing; empty for anything else), and a new message's seq (0 for every
  // other event). With several instances the conversation picks the Redis channel (only the
  // instances following it hear it), and a receiver puts each conversation's messages back
  // in seq order and fetches what it missed (chat/delivery_order.hpp).
  std::string conversationId = {};
  std::int64_t seq = 0;
  // State other instances keep a copy of, changed here: a group whose membership or settings
  // changed, two users whose friendship or blocks changed. Every instance re-reads it.
  std::string groupChanged = {};
  std::vector<std::string> pairChanged = {};
  // A presence event: whose status it announces (every instance keeps a copy of statuses,
  // chat/presence.hpp).
  std::string presenceOf = {};
  // A logout happened (its token is revoked in the database): every instance re-reads the
  // revoked tokens now rather than at its next poll.
  bool tokensRevoked = false;
  // This instance only (never published): the frame for `exceptConnection` instead of
  // nothing, its ack, so that it is ordered with the conversation's other messages
  // (chat/delivery_order.hpp) rather than sent beside them.
  SharedFrame originFrame = nullptr;
};

// An event without a frame for anyone: only a change other instances apply (pairChanged,
// tokensRevoked), set by the caller on what this returns.
inline Delivery stateChange() {
  static const SharedFrame kNoFrame = std::make_shared<const std::string>();
  return Delivery{.userIds = {}, .frame = kNoFrame, .exceptConnection = 0};
}

class Broker {
 public:
  using Subscriber = std::function<void(const Delivery&)>;
  virtual ~Broker() = default;
  // Deliveries published from one thread reach subscribers in the order published.
  virtual void publish(const Delivery& delivery) = 0;
  virtual void subscribe(Subscriber subscriber) = 0;
  // Scale-out: the events of these conversations are wanted here (a user connected here is in
  // them) from now on; `followed` runs once they are heard, on a thread of the broker's
  // (every event reaches every instance with the in-process broker: at once). Repeating a
  // follow is harmless; counting who needs a conversation is the caller's business.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): by value for the overrides to keep
  virtual void follow(std::vector<std::string> conversationIds, std::function<void()> followed) {
    (void)conversationIds;
    if (followed) followed();
  }
  // No longer wanted here: stops hearing them.
  // NOLINTNEXTLINE(performance-unnecessary-value-param): by value for the overrides to keep
  virtual void unfollow(std::vector<std::string> conversationIds) { (void)conversationIds; }
  virtual bool ready() = 0;
  // Stops delivering events from other instances: after it returns no subscriber runs again
  // (the server calls it before what its subscribers use goes away).
  virtual void close() {}
};

std::unique_ptr<Broker> makeLocalBroker();

}  // namespace gc::broker
