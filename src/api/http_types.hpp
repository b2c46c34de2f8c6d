#pragma once
// The HTTP request and response as handlers see them: no Beast types, so handler files
// stay light to compile and easy to test.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "chat/jwt.hpp"

namespace gc::api {

struct Request {
  std::string method;
  std::string path;  // decoded path, no query
  std::unordered_map<std::string, std::string> query;
  std::unordered_map<std::string, std::string> params;  // from the route pattern
  std::string contentType;
  std::string authorization;
  std::string cookie;
  std::string clientAddress;  // api::clientAddress: the peer, or what a trusted proxy says
  std::string ifNoneMatch;
  std::string range;    // Range, for file downloads
  std::string ifRange;  // If-Range
  std::string body;
  std::optional<chat::Claims> auth;  // set by the router for authenticated routes

  const std::string& userId() const { return auth->sub; }
  std::optional<std::string> queryValue(std::string_view key) const {
    auto it = query.find(std::string(key));
    return it == query.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
};

// A body the server streams from a file instead of holding it (downloads): `length` bytes
// from `offset`.
struct FileBody {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

struct Response {
  int status = 200;
  std::string body;
  std::string contentType = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<FileBody> file;  // when set, the body (which stays empty)

  static Response json(int status, std::string body) {
    return Response{.status = status,
                    .body = std::move(body),
                    .contentType = "application/json; charset=utf-8",
                    .headers = {},
                    .file = std::nullopt};
  }
  static Response noContent() {
    return Response{
        .status = 204, .body = {}, .contentType = {}, .headers = {}, .file = std::nullopt};
  }
};

// {"error":{"code","message"}}
Response errorResponse(int status, std::string_view code, std::string_view message);

}  // namespace gc::api
