// POST /api/auth/register, /login, /logout; GET /api/auth/me.
#include <boost/asio/use_awaitable.hpp>

#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "chat/json_encode.hpp"
#include "core/error.hpp"
#include "core/offload.hpp"

namespace gc::api {
namespace {

using boost::asio::awaitable;

Response signedInResponse(App& app, int status, const chat::SignedIn& s) {
  std::string body = "{\"user\":" + ownUser(app, s.user) + ",\"token\":";
  core::appendJsonString(body, s.token);
  body += '}';
  auto r = Response::json(status, std::move(body));
  r.headers.emplace_back("Set-Cookie", "gc_token=" + s.token +
                                           "; HttpOnly; SameSite=Lax; Path=/; Max-Age=" +
                                           std::to_string(app.accounts.tokenTtlSeconds()));
  return r;
}

}  // namespace

namespace {

// Live presence over the stored lastSeen; what the contract sends friends as events.
std::string withPresence(App& app, const store::User& user, bool withEmail) {
  const auto view = app.presence.view(user.id);
  store::User shown = user;
  if (view.lastSeenMs) shown.lastSeenMs = view.lastSeenMs;
  return chat::encodeUser(shown, withEmail, view.status);
}

}  // namespace

std::string publicUser(App& app, const store::User& user, const std::string& viewerId) {
  if (user.id == viewerId || app.graph.areFriends(viewerId, user.id)) {
    return withPresence(app, user, false);
  }
  // Presence is for friends (and never across a block, which ends the friendship).
  store::User shown = user;
  shown.lastSeenMs.reset();
  return chat::encodeUser(shown, false, "offline");
}

std::string ownUser(App& app, const store::User& user) {
  return withPresence(app, user, true);
}

std::string userFor(App& app, const store::User& user, const std::string& viewerId) {
  return user.id == viewerId ? ownUser(app, user) : publicUser(app, user, viewerId);
}

void addAuthRoutes(Router& router, App& app) {
  router.add(
      "POST", "/api/auth/register", Access::Public, [&app](Request& req) -> awaitable<Response> {
        if (auto limited = app.limits.limitRegister(req)) co_return std::move(*limited);
        auto body = parseJsonObject(req);
        auto username = requireString(body, "username");
        auto email = requireString(body, "email");
        auto password = requireString(body, "password");
        auto signedIn = co_await core::offload(
            app.hashing, [&] { return app.accounts.registerUser(username, email, password); });
        app.messages.rememberUser(signedIn.user.id);
        co_return signedInResponse(app, 201, signedIn);
      });

  router.add("POST", "/api/auth/login", Access::Public,
             [&app](Request& req) -> awaitable<Response> {
               // Per address first: it costs nothing to refuse before parsing or hashing.
               if (auto limited = app.limits.limitLogin(req)) co_return std::move(*limited);
               auto body = parseJsonObject(req);
               auto login = requireString(body, "login");
               auto password = requireString(body, "password");
               if (auto limited = app.limits.limitLoginFailures(login))
                 co_return std::move(*limited);
               std::optional<chat::SignedIn> signedIn;
               try {
                 signedIn = co_await core::offload(
                     app.hashing, [&] { return app.accounts.login(login, password); });
               } catch (const core::ApiError& e) {
                 if (e.status() == 401) app.limits.loginFailed(login);
                 throw;
               }
               app.limits.loginSucceeded(login);
               app.messages.rememberUser(signedIn->user.id);
               co_return signedInResponse(app, 200, *signedIn);
             });

  router.add("POST", "/api/auth/logout", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto claims = *req.auth;
               co_await core::offload(app.blocking, [&] { app.accounts.logout(claims); });
               app.hub.closeToken(claims.sub, claims.jti, 1008, "logged out");
               // Other instances (scale-out) refuse it at once, not at their next poll.
               static const auto kNoFrame = std::make_shared<const std::string>();
               app.broker.publish(broker::Delivery{.userIds = {},
                                                   .frame = kNoFrame,
                                                   .exceptConnection = 0,
                                                   .sharedUserIds = nullptr,
                                                   .conversationId = {},
                                                   .seq = 0,
                                                   .groupChanged = {},
                                                   .pairChanged = {},
                                                   .presenceOf = {},
                                                   .tokensRevoked = true,
                                                   .originFrame = nullptr});
               auto r = Response::noContent();
               r.headers.emplace_back("Set-Cookie",
                                      "gc_token=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0");
               co_return r;
             });

  router.add("GET", "/api/auth/me", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               auto user = co_await core::offload(
                   app.blocking, [&] { return app.accounts.userById(req.userId()); });
               if (!user) throw core::unauthorized("the account no longer exists");
               co_return Response::json(200, "{\"user\":" + ownUser(app, *user) + "}");
             });
}

}  // namespace gc::api
