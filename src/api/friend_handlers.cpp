// GET /api/friends, POST /api/friends/requests, POST /api/friends/requests/:id/accept|reject,
// DELETE /api/friends/:userId, POST|DELETE /api/users/:id/block.
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "chat/json_encode.hpp"
#include "core/offload.hpp"

namespace gc::api {
namespace {

using boost::asio::awaitable;

std::string friendshipBody(const store::Friendship& f) {
  return "{\"friendship\":" + chat::encodeFriendship(f) + "}";
}

// A pending request with the other user, so a client can show it without another call.
void appendRequests(std::string& body, App& app, const std::string& me,
                    const std::vector<std::pair<store::Friendship, store::User>>& requests) {
  body += '[';
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (i) body += ',';
    auto f = chat::encodeFriendship(requests[i].first);
    f.pop_back();
    body += f + ",\"user\":" + publicUser(app, requests[i].second, me) + "}";
  }
  body += ']';
}

void appendUsers(std::string& body, App& app, const std::string& me,
                 const std::vector<store::User>& users) {
  body += '[';
  for (std::size_t i = 0; i < users.size(); ++i) {
    if (i) body += ',';
    body += publicUser(app, users[i], me);
  }
  body += ']';
}

}  // namespace

void addFriendRoutes(Router& router, App& app) {
  router.add(
      "GET", "/api/friends", Access::Authenticated, [&app](Request& req) -> awaitable<Response> {
        const auto& me = req.userId();
        auto listing = co_await core::offload(app.blocking, [&] { return app.friends.list(me); });
        std::string body = "{\"friends\":";
        appendUsers(body, app, me, listing.friends);
        body += ",\"incoming\":";
        appendRequests(body, app, me, listing.incoming);
        body += ",\"outgoing\":";
        appendRequests(body, app, me, listing.outgoing);
        body += ",\"blocked\":";
        appendUsers(body, app, me, listing.blocked);
        body += '}';
        co_return Response::json(200, std::move(body));
      });

  router.add("POST", "/api/friends/requests", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               auto body = parseJsonObject(req);
               const auto userId = requireString(body, "userId");
               auto result = co_await core::offload(
                   app.blocking, [&] { return app.friends.request(req.userId(), userId); });
               // 200 when it answered the other side's request: nothing new was created.
               co_return Response::json(result.accepted ? 200 : 201,
                                        friendshipBody(result.friendship));
             });

  router.add("POST", "/api/friends/requests/:id/accept", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               auto f = co_await core::offload(app.blocking, [&] {
                 return app.friends.accept(req.userId(), req.params.at("id"));
               });
               co_return Response::json(200, friendshipBody(f));
             });

  router.add("POST", "/api/friends/requests/:id/reject", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               auto f = co_await core::offload(app.blocking, [&] {
                 return app.friends.reject(req.userId(), req.params.at("id"));
               });
               co_return Response::json(200, friendshipBody(f));
             });

  router.add("DELETE", "/api/friends/:userId", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               co_await core::offload(app.blocking, [&] {
                 app.friends.unfriend(req.userId(), req.params.at("userId"));
               });
               co_return Response::noContent();
             });

  router.add("POST", "/api/users/:id/block", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               co_await core::offload(
                   app.blocking, [&] { app.friends.block(req.userId(), req.params.at("id")); });
               co_return Response::noContent();
             });

  router.add("DELETE", "/api/users/:id/block", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               co_await core::offload(
                   app.blocking, [&] { app.friends.unblock(req.userId(), req.params.at("id")); });
               co_return Response::noContent();
             });
}

}  // namespace gc::api
