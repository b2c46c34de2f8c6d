// GET /api/config: public (the sign-in page may ask too), the same for everyone, nothing
// secret: where the web client finds the video service.
#include "api/routes.hpp"
#include "core/json_string.hpp"

namespace gc::api {

using boost::asio::awaitable;

void addClientConfigRoutes(Router& router, App& app) {
  std::string body = "{\"videoUrl\":";
  if (app.config.videoUrl.empty()) {
    body += "null";
  } else {
    core::appendJsonString(body, app.config.videoUrl);
  }
  body += '}';
  router.add("GET", "/api/config", Access::Public,
             [body](Request&) -> awaitable<Response> { co_return Response::json(200, body); });
}

}  // namespace gc::api
