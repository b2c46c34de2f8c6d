#pragma once
// Route table: method + pattern with `:name` segments → handler. Unknown paths are 404,
// known paths with another method 405 (with the allowed methods).
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/body_source.hpp"
#include "api/http_types.hpp"

namespace gc::api {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;
// A route that reads its own body as it arrives (Request::body stays empty).
using StreamingHandler = std::function<boost::asio::awaitable<Response>(Request&, BodySource&)>;

enum class Access { Public, Authenticated };

class Router {
 public:
  void add(std::string method, std::string_view pattern, Access access, Handler handler);
  void addStreaming(std::string method, std::string_view pattern, Access access,
                    StreamingHandler handler);

  struct Match {
    const Handler* handler = nullptr;
    const StreamingHandler* streaming = nullptr;  // instead of handler, for streaming routes
    Access access = Access::Public;
    std::unordered_map<std::string, std::string> params;
    std::vector<std::string> allowedMethods;  // when the path matched but the method did not
  };
  Match match(std::string_view method, std::string_view path) const;

  // What answers a path no route knows (any method), instead of the 404; the web client's
  // files are served this way. Unset: the 404.
  void setFallback(Handler handler) { fallback_ = std::move(handler); }
  const Handler* fallback() const { return fallback_ ? &fallback_ : nullptr; }

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // ":name" captures one segment
    Access access;
    Handler handler;
    StreamingHandler streaming;
  };
  std::vector<Route> routes_;
  Handler fallback_;
};

std::vector<std::string_view> splitPath(std::string_view path);

}  // namespace gc::api
