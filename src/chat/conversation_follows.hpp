#pragma once
// Which conversations this instance follows (scale-out): those of the users connected here,
// so that the broker subscribes to their channels only (broker::Broker::follow) instead of
// every instance hearing every event.
//
// - A user's first connection here is admitted once their conversations are followed: the
//   WebSocket upgrade is answered only then (or after `admitTimeout` when Redis is slow; the
//   broker answers at once while Redis is away: its return closes every connection with
//   1012 anyway), so the client's resync, which starts
//   after the upgrade, cannot miss a message committed while the subscriptions were on
//   their way. Their last connection going unfollows what no other user here is in.
// - A conversation that starts while its participant is connected (its first message, which
//   the broker sends on the main channel) and a group the user joins (its groupChanged
//   event) are followed when heard (a group once its delivery order starts at its last
//   seq); once subscribed, what was committed in between is fetched from the store
//   (`caughtUp`: DeliveryOrder::catchUp). A group the user left is unfollowed where no
//   other member is connected.
// Who follows what is counted per user here; the broker sees only the first follower
// arriving and the last leaving.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "broker/broker.hpp"

namespace gc::chat {

class ConversationFollows {
 public:
  struct Options {
    // Blocking (run through `offload`): the ids of the conversations the user is in.
    std::function<std::vector<std::string>(const std::string& userId)> conversationsOf;
    // Now: the group's member ids as this instance knows them (empty when it is gone).
    std::function<std::vector<std::string>(const std::string& groupId)> membersOf;
    // Runs a function where it may block.
    std::function<void(std::function<void()>)> offload;
    // Runs a function once, `delay` from now.
    std::function<void(std::chrono::milliseconds delay, std::function<void()>)> after;
    // Blocking (run through `offload`): a conversation is followed again after a gap, fetch
    // what it missed (may be empty).
    std::function<void(const std::string& conversationId)> caughtUp;
    // Blocking: a group a user here just joined starts its delivery order at the store's last
    // seq (DeliveryOrder::startAt), before its channel is subscribed (may be empty).
    std::function<void(const std::string& conversationId)> startAtLastSeq;
    // The conversation's delivery baseline is not to be trusted: nobody here follows it any
    // more, or somebody does from now on and did not before (may be empty). Called with this
    // object's lock held, from wherever a connection goes: it must not wait for a lock that
    // a delivery holds (post it elsewhere).
    std::function<void(const std::string& conversationId)> forgotten;
    std::chrono::milliseconds admitTimeout{2000};
  };
  // Held by a connection: its user's conversations stay followed while one is alive.
  class Ticket;

  ConversationFollows(broker::Broker& broker, Options options);
  ~ConversationFollows();
  ConversationFollows(const ConversationFollows&) = delete;
  ConversationFollows& operator=(const ConversationFollows&) = delete;

  // A connection of `userId` is about to open: `ready` runs (on any thread) once their
  // conversations are followed here, at once when they already are.
  std::shared_ptr<Ticket> admit(const std::string& userId, std::function<void()> ready);
  // Every event this instance delivers, before it is delivered: follows new conversations
  // and group memberships of the users connected here, unfollows left groups.
  void heard(const broker::Delivery& delivery);
  // Whether a user connected here is in the conversation (as far as this instance knows).
  bool isFollowed(const std::string& conversationId);

 private:
  struct User {
    int tickets = 0;
    bool ready = false;
    std::uint64_t generation = 0;  // of the load under way
    std::vector<std::function<void()>> waiting;
    std::unordered_set<std::string> conversations;
  };

  void load(const std::string& userId, std::uint64_t generation);
  void loaded(const std::string& userId, std::uint64_t generation);
  void admitWaiting(const std::string& userId, std::uint64_t generation);
  void release(const std::string& userId);
  // Locked: records that the user follows the conversation; true when nobody here did.
  bool add(const std::string& userId, User& user, const std::string& conversationId);
  // Locked: the user stops following it; unfollows it when they were the last one here.
  void remove(const std::string& userId, User& user, const std::string& conversationId);
  // Locked: follows a conversation that started (or was joined) after its user connected.
  void followLate(const std::string& conversationId);

  broker::Broker& broker_;
  Options options_;
  std::mutex mutex_;
  std::unordered_map<std::string, User> users_;  // with a ticket alive
  std::unordered_map<std::string, std::unordered_set<std::string>> followers_;  // by conversation
  std::uint64_t nextGeneration_ = 0;
};

}  // namespace gc::chat
