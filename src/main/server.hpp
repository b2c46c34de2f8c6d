#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>

#include "api/http_server.hpp"
#include "core/config.hpp"

namespace gc::server {

// What both services do once wired: listen on `listen` and log the bound port (port 0 picks
// one; tests read "listening on HOST:PORT"), run `drain` on SIGTERM/SIGINT (it stops the
// io_context when done), and run the io_context on `threads` threads until it stops.
void serve(boost::asio::io_context& ioc, unsigned threads, api::HttpServer& http,
           const std::string& listen, std::function<boost::asio::awaitable<void>()> drain);

// For drains: polls `done` every 20 ms until it holds or `limit` has passed.
boost::asio::awaitable<void> waitUntil(std::function<bool()> done, std::chrono::seconds limit);

// Runs gopherchat-server until SIGTERM/SIGINT has drained it; returns the exit code.
int run(const core::Config& config);

// The JWT secret: the configured one, or one generated once and kept in the data dir.
std::string loadOrCreateJwtSecret(const core::Config& config);

}  // namespace gc::server
