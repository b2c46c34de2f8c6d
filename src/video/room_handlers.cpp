#include "video/room_handlers.hpp"

#include <boost/json.hpp>

#include "api/json_body.hpp"
#include "api/ops_routes.hpp"
#include "core/error.hpp"
#include "core/offload.hpp"
#include "core/time_format.hpp"
#include "video/turn_credentials.hpp"

namespace gc::video {
namespace {

using api::Access;
using api::Request;
using api::Response;
using boost::asio::awaitable;

constexpr std::size_t kMaxConversationIdBytes = 128;

}  // namespace

std::string encodeRoom(const Room& room) {
  boost::json::object o;
  o["roomId"] = room.id;
  boost::json::array participants;
  for (const auto& p : room.participants) participants.emplace_back(p);
  o["participants"] = std::move(participants);
  o["createdBy"] = room.createdBy;
  o["conversationId"] = room.conversationId.empty() ? boost::json::value(nullptr)
                                                    : boost::json::value(room.conversationId);
  o["createdAt"] = core::rfc3339Ms(room.createdAtMs);
  o["expiresAt"] = core::rfc3339Ms(room.expiresAtMs);
  return boost::json::serialize(o);
}

api::Router buildRouter(VideoApp& app) {
  api::Router router;

  // {conversationId?} → 201 {roomId, iceServers, expiresAt}. An empty body is a room without
  // a conversation.
  router.add("POST", "/api/rooms/create", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               std::string conversationId;
               if (!req.body.empty()) {
                 const auto body = api::parseJsonObject(req);
                 if (auto cid = api::optionalString(body, "conversationId")) {
                   if (cid->empty() || cid->size() > kMaxConversationIdBytes)
                     throw core::invalidField("conversationId", "must be a conversation id");
                   conversationId = std::move(*cid);
                 }
               }
               const std::string userId = req.userId();
               // Both off the network threads: the chat database, and Redis with --redis.
               const Room room = co_await core::offload(app.blocking, [&] {
                 app.admission.checkConversation(userId, conversationId);
                 return app.rooms.create(userId, std::move(conversationId));
               });
               const auto ice = iceServersFor(app.options, userId, core::nowMs() / 1000);
               std::string out = R"({"roomId":")" + room.id + R"(","iceServers":)" +
                                 encodeIceServers(ice) + R"(,"expiresAt":")" +
                                 core::rfc3339Ms(room.expiresAtMs) + R"("})";
               co_return Response::json(201, std::move(out));
             });

  // A conversation's room is visible to its participants only (403 otherwise, as for the
  // conversation itself); an ended or unknown room is 404.
  router.add("GET", "/api/rooms/:roomId", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const std::string roomId = req.params.at("roomId");
               const std::string userId = req.userId();
               const Room room = co_await core::offload(app.blocking, [&] {
                 auto found = app.rooms.find(roomId);
                 if (!found) throw core::notFound("no such room, or it has ended");
                 app.admission.checkConversation(userId, found->conversationId);
                 return std::move(*found);
               });
               co_return Response::json(200, encodeRoom(room));
             });

  api::addOpsRoutes(
      router,
      {.ready = [&app]() -> awaitable<bool> {
         co_return !app.draining &&
             co_await core::offload(app.blocking, [&] { return app.store.ready(); });
       },
       .metrics = [&app]() -> awaitable<std::string> { co_return app.metrics.render(app.rooms); }});
  return router;
}

}  // namespace gc::video
