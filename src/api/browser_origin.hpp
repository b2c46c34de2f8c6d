#pragma once
// The origin of another service the web client talks to (the video service), as configured
// on the chat server: checked once at start-up, then written into the pages' CSP.
#include <optional>
#include <string>
#include <string_view>

namespace gc::api {

// "http(s)://HOST[:PORT]" with an optional trailing "/", HOST a DNS name, an IPv4 address or a
// bracketed IPv6 address; returned with the scheme and host lower-cased and no slash.
// nullopt for anything else (a path, a query, user info, another scheme, a bad port).
std::optional<std::string> parseBrowserOrigin(std::string_view url);

// The CSP source list that lets a page reach `origin` (from parseBrowserOrigin) by fetch and
// by WebSocket: "http://h:p ws://h:p" (https → wss).
std::string connectSourcesFor(std::string_view origin);

}  // namespace gc::api
