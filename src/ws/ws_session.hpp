#pragma once
// Starts the chat WebSocket for an HTTP upgrade that has already been authenticated and
// checked for Origin by the HTTP session.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/app.hpp"
#include "chat/jwt.hpp"

namespace gc::ws {

void startSession(api::App& app, boost::asio::ip::tcp::socket socket,
                  boost::beast::http::request<boost::beast::http::string_body> upgrade,
                  chat::Claims claims, bool answerSubprotocol);

}  // namespace gc::ws
