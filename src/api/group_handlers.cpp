// POST|GET /api/groups, GET /api/groups/mine, GET|PATCH /api/groups/:id,
// POST /api/groups/:id/join|leave, POST /api/groups/:id/members,
// DELETE|PATCH /api/groups/:id/members/:userId.
#include <boost/json/object.hpp>

#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "chat/group_json.hpp"
#include "chat/groups.hpp"
#include "chat/validation.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/offload.hpp"

namespace gc::api {
namespace {

namespace json = boost::json;
using boost::asio::awaitable;

std::optional<bool> optionalBool(const json::object& o, std::string_view field,
                                 std::string_view name) {
  const auto* v = o.if_contains(field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_bool()) throw core::invalidField(name, "must be true or false");
  return v->as_bool();
}

// Only the client-settable fields are read: ids, members, roles or times in a body are
// ignored, never assigned.
chat::GroupFields parseGroupFields(const json::object& body) {
  chat::GroupFields f;
  f.name = optionalString(body, "name");
  f.description = optionalString(body, "description");
  f.avatar = optionalString(body, "avatar");
  if (const auto* s = body.if_contains("settings"); s && !s->is_null()) {
    if (!s->is_object()) throw core::invalidField("settings", "must be an object");
    const auto& settings = s->as_object();
    f.isPublic = optionalBool(settings, "isPublic", "settings.isPublic");
    f.allowInvites = optionalBool(settings, "allowInvites", "settings.allowInvites");
    if (const auto* m = settings.if_contains("maxMembers"); m && !m->is_null()) {
      if (m->is_int64()) {
        f.maxMembers = m->as_int64();
      } else if (m->is_uint64()) {
        f.maxMembers = INT64_MAX;  // out of range either way; the service names the bounds
      } else {
        throw core::invalidField("settings.maxMembers", "must be an integer");
      }
    }
  }
  return f;
}

Response groupResponse(int status, const store::Group& g) {
  return Response::json(status, "{\"group\":" + chat::encodeGroup(g) + "}");
}

Response groupsResponse(const std::vector<store::Group>& groups) {
  std::string body = "{\"groups\":[";
  for (std::size_t i = 0; i < groups.size(); ++i) {
    if (i) body += ',';
    body += chat::encodeGroup(groups[i]);
  }
  body += "]}";
  return Response::json(200, std::move(body));
}

}  // namespace

void addGroupRoutes(Router& router, App& app) {
  router.add("POST", "/api/groups", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto fields = parseGroupFields(parseJsonObject(req));
               auto g = co_await core::offload(
                   app.blocking, [&] { return app.groups.create(req.userId(), fields); });
               co_return groupResponse(201, g);
             });

  router.add("GET", "/api/groups", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               if (auto pub = req.queryValue("public"); pub && *pub != "true") {
                 throw core::invalidField(
                     "public", "only public groups can be discovered (see /api/groups/mine)");
               }
               const auto q = req.queryValue("q").value_or("");
               if (chat::codePoints(q) > 100) {
                 throw core::invalidField("q", "must be at most 100 characters");
               }
               const auto before = req.queryValue("before").value_or("");
               if (!before.empty() && !core::isId(before)) {
                 throw core::invalidField("before", "must be a group id");
               }
               const auto limit = static_cast<int>(queryInt(req, "limit", 1, 100).value_or(20));
               auto groups = co_await core::offload(
                   app.blocking, [&] { return app.groups.discover(q, before, limit); });
               co_return groupsResponse(groups);
             });

  // Before /api/groups/:id, which would take "mine" as an id.
  router.add("GET", "/api/groups/mine", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               auto groups = co_await core::offload(app.blocking,
                                                    [&] { return app.groups.mine(req.userId()); });
               co_return groupsResponse(groups);
             });

  router.add("GET", "/api/groups/:id", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               // From the membership cache: no store query.
               co_return groupResponse(200, app.groups.view(req.userId(), req.params.at("id")));
             });

  router.add("PATCH", "/api/groups/:id", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto fields = parseGroupFields(parseJsonObject(req));
               auto g = co_await core::offload(app.blocking, [&] {
                 return app.groups.update(req.userId(), req.params.at("id"), fields);
               });
               co_return groupResponse(200, g);
             });

  router.add("POST", "/api/groups/:id/join", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               auto g = co_await core::offload(app.blocking, [&] {
                 return app.groups.join(req.userId(), req.params.at("id"));
               });
               co_return groupResponse(200, g);
             });

  router.add("POST", "/api/groups/:id/leave", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               co_await core::offload(app.blocking,
                                      [&] { app.groups.leave(req.userId(), req.params.at("id")); });
               co_return Response::noContent();
             });

  router.add("POST", "/api/groups/:id/members", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto userId = requireString(parseJsonObject(req), "userId");
               auto g = co_await core::offload(app.blocking, [&] {
                 return app.groups.addMember(req.userId(), req.params.at("id"), userId);
               });
               co_return groupResponse(200, g);
             });

  router.add("DELETE", "/api/groups/:id/members/:userId", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               auto g = co_await core::offload(app.blocking, [&] {
                 return app.groups.removeMember(req.userId(), req.params.at("id"),
                                                req.params.at("userId"));
               });
               // Removing oneself is leaving: nothing of the group to show any more.
               co_return g ? groupResponse(200, *g) : Response::noContent();
             });

  router.add("PATCH", "/api/groups/:id/members/:userId", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto role = requireString(parseJsonObject(req), "role");
               auto g = co_await core::offload(app.blocking, [&] {
                 return app.groups.setRole(req.userId(), req.params.at("id"),
                                           req.params.at("userId"), role);
               });
               co_return groupResponse(200, g);
             });
}

}  // namespace gc::api
