// GET /api/users?q=PREFIX&limit=N, GET /api/users/:id.
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "chat/validation.hpp"
#include "core/error.hpp"
#include "core/offload.hpp"

namespace gc::api {

using boost::asio::awaitable;

void addUserRoutes(Router& router, App& app) {
  router.add("GET", "/api/users", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto q = req.queryValue("q").value_or("");
               bool ok = !q.empty() && q.size() <= 32;
               for (char c : q) {
                 ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
               }
               if (!ok)
                 throw core::invalidField("q", "must be 1-32 characters of A-Z, a-z, 0-9 and _");
               const auto limit = queryInt(req, "limit", 1, 100).value_or(20);
               auto users = co_await core::offload(app.blocking, [&] {
                 return app.store.users().searchByPrefix(q, static_cast<int>(limit));
               });
               std::string body = "{\"users\":[";
               for (std::size_t i = 0; i < users.size(); ++i) {
                 if (i) body += ',';
                 body += userFor(app, users[i], req.userId());
               }
               body += "]}";
               co_return Response::json(200, std::move(body));
             });

  router.add(
      "GET", "/api/users/:id", Access::Authenticated, [&app](Request& req) -> awaitable<Response> {
        const auto id = req.params.at("id");
        auto user = co_await core::offload(app.blocking, [&] { return app.accounts.userById(id); });
        if (!user) throw core::notFound("user not found");
        co_return Response::json(200, "{\"user\":" + userFor(app, *user, req.userId()) + "}");
      });
}

}  // namespace gc::api
