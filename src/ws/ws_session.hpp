#pragma once
// Starts the chat WebSocket for an HTTP upgrade that has already been authenticated and
// checked (Origin, version, key) by the HTTP session.
#include <boost/asio/ip/tcp.hpp>
#include <string_view>

#include "api/app.hpp"
#include "chat/jwt.hpp"

namespace gc::ws {

// Writes the 101 response for `key` and runs the session. `early` holds bytes the HTTP session
// read past the request head; they are the start of the WebSocket stream.
void startSession(api::App& app, boost::asio::ip::tcp::socket socket, chat::Claims claims,
                  std::string_view key, bool answerSubprotocol, std::string_view early);

}  // namespace gc::ws
