#pragma once
// What request handlers and sessions share: configuration, services and the pools that
// run blocking work. Built once in main, outlives every session.
#include <atomic>
#include <boost/asio/thread_pool.hpp>

#include "api/rate_limits.hpp"
#include "broker/broker.hpp"
#include "chat/accounts.hpp"
#include "chat/conversation_follows.hpp"
#include "chat/friends.hpp"
#include "chat/groups.hpp"
#include "chat/messages.hpp"
#include "chat/presence.hpp"
#include "chat/search.hpp"
#include "chat/social_graph.hpp"
#include "core/config.hpp"
#include "files/upload_service.hpp"
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
  files::UploadService& uploads;
  // Upload writes and hashing, virus scans, type detection, thumbnails: slow and blocking,
  // and kept apart so that they never hold up the store's callers on `blocking`.
  boost::asio::thread_pool& files;
  RateLimiters& limits;
  // Scale-out: which conversations this instance follows; null with one instance.
  chat::ConversationFollows* follows = nullptr;
  std::atomic<bool> draining{false};
  std::atomic<int> requestsInFlight{0};
};

}  // namespace gc::api
