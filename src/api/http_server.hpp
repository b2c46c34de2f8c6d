#pragma once
// The listening socket and the HTTP/1.1 sessions it spawns; WebSocket upgrades on /ws are
// checked here (Origin, token) and handed to ws::startSession.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "api/app.hpp"
#include "api/router.hpp"

namespace gc::api {

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, App& app, Router router);
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

}  // namespace gc::api
