#pragma once
// What request handlers and sessions share: configuration, services and the pools that
// run blocking work. Built once in main, outlives every session.
#include <atomic>
#include <boost/asio/thread_pool.hpp>

#include "api/rate_limits.hpp"
#include "broker/broker.hpp"
#include "chat/accounts.hpp"
#include "chat/friends.hpp"
#include "chat/groups.hpp"
#include "chat/messages.hpp"
#include "chat/presence.hpp"
#include "chat/search.hpp"
#include "chat/social_graph.hpp"
#include "core/config.hpp"
#include "hub/hub.hpp"
#include "store/store.hpp"

namespace gc::api {

struct App {
  core::Config config;
  store::Store& store;
  broker::Broker& broker;
  hub::Hub& hub;
  chat::Accounts& accounts;
  chat::MessageService& messages;
  chat::SocialGraph& graph;
  chat::Presence& presence;
  chat::FriendService& friends;
  chat::GroupService& groups;
  chat::SearchService& search;
  boost::asio::thread_pool& blocking;  // store reads and writes that wait for a commit
  boost::asio::thread_pool& hashing;   // bcrypt
  RateLimiters& limits;
  std::atomic<bool> draining{false};
  std::atomic<int> requestsInFlight{0};
};

}  // namespace gc::api
