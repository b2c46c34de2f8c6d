#pragma once
// The scale-out broker: events go to the instance's own subscribers at once, and to the other
// instances through Redis pub/sub.
//
// One PUBLISH per event (a message to a group of 1,000 is one publish carrying the member
// list, never one per recipient). With `conversationChannels`, what only a conversation's
// participants hear goes to that conversation's channel (`gc:c:<id>`), which only the
// instances following it (a participant is connected there: follow()) subscribe to; the rest
// (state changes, presence, friend requests, and a conversation's first message, which tells
// the instances of its participants to follow it) goes to the main channel, which every
// instance subscribes to. Each instance delivers to the users connected to it. Redis pub/sub is
// at-most-once: a subscriber that drops misses what was published meanwhile. So the broker
// reconnects (with backoff) and, once subscribed again, runs `resubscribed`: the server then asks
// its clients to reconnect and resync, which gets them what they missed from the database.
// Publishes while Redis is away are dropped; sends still commit and are acknowledged, and local
// connections still get them.
//
// Redis connections and incoming events live on a thread of the broker's own, so its
// lifetime is the broker's, not the server's io_context's.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "broker/broker.hpp"

namespace gc::broker {

struct RedisBrokerOptions {
  std::string url;  // redis://HOST:PORT
  std::string channel = "gc:events";
  // Events of a conversation on a channel of their own, heard by the instances following it.
  bool conversationChannels = false;
  // Runs on the broker's thread when the subscription is back after it was lost.
  std::function<void()> resubscribed;
};

// The channel of a conversation's events (with `conversationChannels`).
std::string conversationChannel(std::string_view conversationId);
// Whether this event goes to its conversation's channel rather than the main one: it is for
// the conversation's participants only, changes no state other instances keep, and is not
// the conversation's first message (which must reach instances not following it yet).
bool onConversationChannel(const Delivery& delivery);

// Throws std::invalid_argument for a URL that is not redis://HOST:PORT.
std::unique_ptr<Broker> makeRedisBroker(RedisBrokerOptions options);

// The wire form of one event on the channel, exposed for tests: the publishing instance, the
// conversation and seq, the group and pair that changed, whose presence it announces, the
// recipients and the frame. The origin's connection id stays home (it means nothing elsewhere).
struct BrokerEnvelope {
  std::string instance;
  Delivery delivery;
};
std::string encodeEnvelope(const std::string& instance, const Delivery& delivery);
// nullopt for anything that is not an envelope of this version.
std::optional<BrokerEnvelope> decodeEnvelope(std::string_view payload);

}  // namespace gc::broker
