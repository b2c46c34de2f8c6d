#pragma once
// The listening socket and the HTTP/1.1 sessions it spawns. WebSocket upgrades are checked
// here (path, Origin, version, key, token) and handed to the service behind the server,
// which the HttpHost describes: the chat server and the video service share this code.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/http_types.hpp"
#include "api/rate_limits.hpp"
#include "api/router.hpp"
#include "chat/accounts.hpp"
#include "chat/jwt.hpp"
#include "core/config.hpp"
#include "hub/hub.hpp"

namespace gc::api {

// An upgrade that passed every check: the service writes the 101 and runs the session.
struct Upgrade {
  boost::asio::ip::tcp::socket socket;
  chat::Claims claims;
  std::string path;  // decoded, without the query
  std::string key;   // Sec-WebSocket-Key
  bool answerSubprotocol = false;
  std::string early;  // bytes read past the request head: the start of the WebSocket stream
};

// What the server needs from the service behind it.
struct HttpHost {
  const core::Config& config;
  hub::Hub& hub;  // every upgraded connection is in it: one keep-alive sweep covers them
  const chat::Accounts& accounts;  // tokens: signature, expiry, revocation (non-blocking)
  RateLimiters& limits;            // per user, after authentication on Authenticated routes
  std::atomic<bool>& draining;
  std::atomic<int>& requestsInFlight;
  // True for the paths that upgrade to a WebSocket; any other upgrade is a 404.
  std::function<bool(std::string_view path)> upgradesAt;
  std::function<void(Upgrade)> upgrade;
  // CORS with credentials for the exact --allowed-origins (preflights answered here), so
  // pages served by another service may call this one with their cookie. Off for the chat
  // server, whose pages are its own.
  bool corsForAllowedOrigins = false;
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, HttpHost host, Router router);
  ~HttpServer();
  // Binds and starts accepting; returns the bound endpoint (port 0 picks one).
  boost::asio::ip::tcp::endpoint listen(const boost::asio::ip::tcp::endpoint& endpoint);
  // Stops accepting new connections; sessions in progress finish their request.
  void stopAccepting();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// True when a browser's Origin may open a WebSocket: absent, the server's own origin
// (http://<Host>), or exactly one of the allowed origins.
bool originAllowed(std::string_view origin, std::string_view host,
                   const std::vector<std::string>& allowed);

// HOST:PORT (also [v6]:PORT and localhost) → an endpoint; throws std::invalid_argument.
boost::asio::ip::tcp::endpoint parseListen(const std::string& listen);

}  // namespace gc::api
