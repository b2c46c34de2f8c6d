#pragma once
// Logouts made elsewhere: another chat-server instance (scale-out) or, for the video service,
// the chat server. Each writes its logouts to the shared database; this process reads the
// revoked tokens again every period, refuses them from then on, and closes the connections
// opened with them (1008), as a logout does where it happens.
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>

#include "chat/accounts.hpp"
#include "hub/hub.hpp"

namespace gc::server {

// Runs `tick` every `period` on the io_context until it stops.
void every(boost::asio::io_context& ioc, std::chrono::milliseconds period,
           std::function<void()> tick);

// One round: reads the revocations on `blocking`, closes what they name.
void followRevocations(chat::Accounts& accounts, boost::asio::thread_pool& blocking, hub::Hub& hub);

}  // namespace gc::server
