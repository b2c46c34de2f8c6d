#include "api/router.hpp"

#include "core/json_string.hpp"

namespace gc::api {

std::vector<std::string_view> splitPath(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const auto end = path.find('/', i);
    const auto stop = end == std::string_view::npos ? path.size() : end;
    out.push_back(path.substr(i, stop - i));
    i = stop;
  }
  return out;
}

namespace {

// Both kinds of route: the pattern split into segments, the route appended.
template <class Route>
void addRoute(std::vector<Route>& routes, Route route, std::string_view pattern) {
  for (auto s : splitPath(pattern)) route.segments.emplace_back(s);
  routes.push_back(std::move(route));
}

}  // namespace

void Router::add(std::string method, std::string_view pattern, Access access, Handler handler) {
  addRoute(routes_,
           Route{.method = std::move(method),
                 .segments = {},
                 .access = access,
                 .handler = std::move(handler),
                 .streaming = {}},
           pattern);
}

void Router::addStreaming(std::string method, std::string_view pattern, Access access,
                          StreamingHandler handler) {
  addRoute(routes_,
           Route{.method = std::move(method),
                 .segments = {},
                 .access = access,
                 .handler = {},
                 .streaming = std::move(handler)},
           pattern);
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  const auto segments = splitPath(path);
  // A trailing slash names a different resource; "//" collapses like most servers do.
  if (path.size() > 1 && path.back() == '/') return {};
  Match result;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::unordered_map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < segments.size() && ok; ++i) {
      const auto& want = route.segments[i];
      if (!want.empty() && want[0] == ':') {
        ok = !segments[i].empty();
        if (ok) params.emplace(want.substr(1), segments[i]);
      } else {
        ok = want == segments[i];
      }
    }
    if (!ok) continue;
    if (route.method != method) {
      result.allowedMethods.push_back(route.method);
      continue;
    }
    if (route.streaming) {
      result.streaming = &route.streaming;
    } else {
      result.handler = &route.handler;
    }
    result.access = route.access;
    result.params = std::move(params);
    result.allowedMethods.clear();
    return result;
  }
  return result;
}

Response errorResponse(int status, std::string_view code, std::string_view message) {
  std::string body = "{\"error\":{\"code\":";
  core::appendJsonString(body, code);
  body += ",\"message\":";
  core::appendJsonString(body, message);
  body += "}}";
  return Response::json(status, std::move(body));
}

}  // namespace gc::api
