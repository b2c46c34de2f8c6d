// GET /api/conversations (direct and group), GET|POST /api/conversations/:cid/messages,
// POST /api/conversations/:cid/read, GET /api/conversations/:cid/reads.
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "chat/conversation_id.hpp"
#include "chat/group_json.hpp"
#include "chat/json_encode.hpp"
#include "chat/send_metadata.hpp"
#include "chat/validation.hpp"
#include "core/error.hpp"
#include "core/offload.hpp"

namespace gc::api {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

// Awaits the commit of one send: the store calls back on its commit thread, and the
// coroutine resumes on its own executor.
awaitable<chat::SendOutcome> sendAndAwaitCommit(App& app, const std::string& userId,
                                                const chat::Target& target,
                                                chat::SendRequest request) {
  return asio::async_initiate<decltype(asio::use_awaitable),
                              void(std::exception_ptr, chat::SendOutcome)>(
      [&app, &userId, &target](auto handler, chat::SendRequest request) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        auto complete = [shared](chat::SendOutcome outcome, std::exception_ptr error) {
          auto executor = asio::get_associated_executor(*shared);
          asio::post(executor, [shared, error, outcome = std::move(outcome)]() mutable {
            (*shared)(error, std::move(outcome));
          });
        };
        try {
          app.messages.send(userId, target, std::move(request), complete);
        } catch (...) {
          // A validation error is thrown before anything was queued: complete with it.
          complete(chat::SendOutcome{}, std::current_exception());
        }
      },
      asio::use_awaitable, std::move(request));
}

awaitable<chat::Target> authorize(App& app, const std::string& userId, const std::string& cid,
                                  chat::Intent intent) {
  if (auto cached = app.messages.authorizeCached(userId, cid, intent)) co_return *cached;
  co_return co_await core::offload(app.blocking,
                                   [&] { return app.messages.authorize(userId, cid, intent); });
}

std::string encodeMessages(const std::vector<store::Message>& messages) {
  std::string body = "{\"messages\":[";
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i) body += ',';
    body += chat::encodeMessage(messages[i]);
  }
  body += "]}";
  return body;
}

}  // namespace

void addConversationRoutes(Router& router, App& app) {
  router.add("GET", "/api/conversations", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto& me = req.userId();
               co_return co_await core::offload(app.blocking, [&] {
                 auto list = app.store.conversations().listForUser(me, 200);
                 std::string body = "{\"conversations\":[";
                 bool first = true;
                 for (const auto& c : list) {
                   const auto ref = chat::parseConversationId(c.id);
                   if (!ref) continue;
                   std::string who;  // `"kind":…,"peer"|"group":{…}`
                   if (ref->kind == chat::ConversationRef::Kind::Group) {
                     // The cache has the group as it is now; a member only.
                     const auto group = app.groups.cached(ref->first);
                     if (!group || !group->isMember(me)) continue;
                     who = "\"kind\":\"group\",\"group\":" + chat::encodeGroup(group->group);
                   } else {
                     const auto& peerId = ref->first == me ? ref->second : ref->first;
                     const auto peer = app.store.users().byId(peerId);
                     if (!peer) continue;
                     who = "\"kind\":\"dm\",\"peer\":" + publicUser(app, *peer, me);
                   }
                   if (!first) body += ',';
                   first = false;
                   body += "{\"id\":";
                   core::appendJsonString(body, c.id);
                   body += ',' + who;
                   body += ",\"lastMessage\":";
                   body += c.lastMessage ? chat::encodeMessage(*c.lastMessage) : "null";
                   body += ",\"lastSeq\":" + std::to_string(c.lastSeq);
                   body += ",\"unread\":" + std::to_string(c.unread);
                   body += ",\"readSeq\":" + std::to_string(c.readSeq) + "}";
                 }
                 body += "]}";
                 return Response::json(200, std::move(body));
               });
             });

  router.add("GET", "/api/conversations/:cid/messages", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto target =
                   co_await authorize(app, req.userId(), req.params.at("cid"), chat::Intent::Read);
               store::PageQuery q;
               q.before = queryInt(req, "before", 0, INT64_MAX);
               q.after = queryInt(req, "after", 0, INT64_MAX);
               q.limit = static_cast<int>(queryInt(req, "limit", 1, 100).value_or(50));
               q.viewerId = req.userId();
               auto messages = co_await core::offload(app.blocking,
                                                      [&] { return app.messages.page(target, q); });
               co_return Response::json(200, encodeMessages(messages));
             });

  router.add(
      "POST", "/api/conversations/:cid/messages", Access::Authenticated,
      [&app](Request& req) -> awaitable<Response> {
        auto body = parseJsonObject(req);
        chat::SendRequest send;
        send.conversationId = req.params.at("cid");
        send.type = optionalString(body, "type").value_or("text");
        send.typeField = "type";
        // A system message's body is the server's to write (chat/call_summary.hpp);
        // files and images may come without a caption.
        send.body = chat::bodyIsOptional(send.type) ? optionalString(body, "body").value_or("")
                                                    : requireString(body, "body");
        if (auto id = optionalString(body, "clientMsgId")) {
          chat::validateClientMsgId(*id);  // present means 1-64 characters, "" too
          send.clientMsgId = std::move(*id);
        }
        send.replyTo = optionalString(body, "replyTo").value_or("");
        if (const auto* meta = body.if_contains("metadata"); meta && meta->is_object()) {
          chat::readSendMetadata(meta->as_object(), send);
        }
        send.attachmentIds = optionalStringArray(body, "attachments", 100);
        const auto target =
            co_await authorize(app, req.userId(), send.conversationId, chat::Intent::Write);
        if (!send.attachmentIds.empty()) {
          co_await core::offload(app.blocking, [&] {
            app.messages.resolveAttachments(req.userId(), send);
            return 0;
          });
        }
        auto outcome = co_await sendAndAwaitCommit(app, req.userId(), target, std::move(send));
        co_return Response::json(outcome.duplicate ? 200 : 201,
                                 "{\"message\":" + outcome.messageJson + "}");
      });

  router.add("POST", "/api/conversations/:cid/read", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               auto body = parseJsonObject(req);
               const auto seq = requireInt(body, "seq");
               if (seq < 0) throw core::invalidField("seq", "must not be negative");
               const auto target =
                   co_await authorize(app, req.userId(), req.params.at("cid"), chat::Intent::Read);
               co_await core::offload(
                   app.blocking, [&] { return app.messages.markRead(req.userId(), target, seq); });
               co_return Response::noContent();
             });

  // The other participants' read markers, so that receipts survive a reload (live `read`
  // events only tell what happens while connected).
  router.add("GET", "/api/conversations/:cid/reads", Access::Authenticated,
             [&app](Request& req) -> awaitable<Response> {
               const auto target =
                   co_await authorize(app, req.userId(), req.params.at("cid"), chat::Intent::Read);
               const auto markers = co_await core::offload(app.blocking, [&] {
                 return app.messages.othersReadMarkers(req.userId(), target);
               });
               std::string body = "{\"reads\":[";
               for (std::size_t i = 0; i < markers.size(); ++i) {
                 if (i) body += ',';
                 body += "{\"userId\":";
                 core::appendJsonString(body, markers[i].userId);
                 body += ",\"seq\":" + std::to_string(markers[i].seq) + "}";
               }
               body += "]}";
               co_return Response::json(200, std::move(body));
             });
}

}  // namespace gc::api
