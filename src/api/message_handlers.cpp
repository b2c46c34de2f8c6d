// One message: PATCH|DELETE /api/messages/:id, POST /api/messages/:id/reactions,
// DELETE /api/messages/:id/reactions/:emoji, GET /api/messages/:id/history.
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "chat/json_encode.hpp"
#include "core/json_string.hpp"
#include "core/offload.hpp"
#include "core/time_format.hpp"

namespace gc::api {
namespace {

using boost::asio::awaitable;

Response messageResponse(const store::Message& message) {
  return Response::json(200, "{\"message\":" + chat::encodeMessage(message) + "}");
}

}  // namespace

void addMessageRoutes(Router& router, App& app) {
  router.add("PATCH", "/api/messages/:id", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto body = requireString(parseJsonObject(req), "body");
               co_return co_await core::offload(app.blocking, [&] {
                 return messageResponse(app.messages.edit(req.userId(), req.params.at("id"), body));
               });
             });

  router.add("DELETE", "/api/messages/:id", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               co_return co_await core::offload(app.blocking, [&] {
                 return messageResponse(app.messages.remove(req.userId(), req.params.at("id")));
               });
             });

  router.add("POST", "/api/messages/:id/reactions", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto emoji = requireString(parseJsonObject(req), "emoji");
               co_return co_await core::offload(app.blocking, [&] {
                 return messageResponse(
                     app.messages.react(req.userId(), req.params.at("id"), emoji, true));
               });
             });

  router.add("DELETE", "/api/messages/:id/reactions/:emoji", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               co_return co_await core::offload(app.blocking, [&] {
                 return messageResponse(app.messages.react(req.userId(), req.params.at("id"),
                                                           req.params.at("emoji"), false));
               });
             });

  router.add("GET", "/api/messages/:id/history", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               co_return co_await core::offload(app.blocking, [&] {
                 const auto versions = app.messages.history(req.userId(), req.params.at("id"));
                 std::string body = "{\"versions\":[";
                 for (std::size_t i = 0; i < versions.size(); ++i) {
                   if (i) body += ',';
                   body += "{\"body\":";
                   core::appendJsonString(body, versions[i].body);
                   body += ",\"createdAt\":\"" + core::rfc3339Ms(versions[i].writtenAtMs) + "\"}";
                 }
                 body += "]}";
                 return Response::json(200, std::move(body));
               });
             });
}

}  // namespace gc::api
