#pragma once
// What the video service's handlers and sessions share. Built once in main, outlives every
// session.
#include <atomic>
#include <boost/asio/thread_pool.hpp>

#include "chat/accounts.hpp"
#include "core/config.hpp"
#include "hub/hub.hpp"
#include "store/store.hpp"
#include "video/admission.hpp"
#include "video/options.hpp"
#include "video/room_registry.hpp"
#include "video/video_metrics.hpp"

namespace gc::video {

struct VideoApp {
  core::Config config;
  Options options;
  store::Store& store;       // the chat server's database, read-only
  chat::Accounts& accounts;  // token checks (same secret) and the revocations read from store
  RoomRegistry& rooms;
  Admission& admission;
  hub::Hub& hub;                       // every room connection: keep-alive, drain, revocation
  boost::asio::thread_pool& blocking;  // store reads
  VideoMetrics& metrics;
  std::atomic<bool> draining{false};
  std::atomic<int> requestsInFlight{0};
};

}  // namespace gc::video
