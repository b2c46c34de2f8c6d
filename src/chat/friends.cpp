#include "chat/friends.hpp"

#include <spdlog/spdlog.h>

#include "chat/json_encode.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"

namespace gc::chat {

FriendService::FriendService(store::Store& store, broker::Broker& broker, SocialGraph& graph,
                             Presence& presence)
    : store_(store), broker_(broker), graph_(graph), presence_(presence) {}

void FriendService::load() {
  auto& f = store_.friendships();
  graph_.load(f.allAccepted(), f.allBlocks());
}

store::User FriendService::requireOtherUser(const std::string& me, const std::string& userId) {
  if (userId == me) throw core::invalidField("userId", "must be another user than yourself");
  auto user = core::isId(userId) ? store_.users().byId(userId) : std::nullopt;
  if (!user) throw core::notFound("user not found");
  return std::move(*user);
}

void FriendService::publish(std::vector<std::string> userIds, std::string frame) {
  broker_.publish(broker::Delivery{.userIds = std::move(userIds),
                                   .frame = std::make_shared<const std::string>(std::move(frame)),
                                   .exceptConnection = 0});
}

void FriendService::publishFriendship(std::string_view type, const store::Friendship& f,
                                      std::vector<std::string> userIds) {
  std::string frame = R"({"type":)";
  core::appendJsonString(frame, type);
  frame += ",\"friendship\":" + encodeFriendship(f) + "}";
  publish(std::move(userIds), std::move(frame));
}

void FriendService::publishRemoved(const std::string& a, const std::string& b) {
  for (const auto& [to, other] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    std::string frame = R"({"type":"friend-removed","userId":)";
    core::appendJsonString(frame, *other);
    frame += '}';
    publish({*to}, std::move(frame));
  }
}

store::FriendRequestResult FriendService::request(const std::string& me,
                                                  const std::string& userId) {
  requireOtherUser(me, userId);
  // The graph answers first so a blocked user's request costs no write; the store checks
  // again inside its transaction.
  if (graph_.blockedEitherWay(me, userId)) {
    throw core::blocked("a block between you and this user forbids a friend request");
  }
  auto result = store_.friendships().request(me, userId, core::newId(), core::nowMs());
  const auto& f = result.friendship;
  if (result.accepted) {
    graph_.addFriends(f.requester, f.recipient);
    publishPairChanged(f.requester, f.recipient);
    publishFriendship("friend-accepted", f, {f.requester, f.recipient});
    presence_.introduce(f.requester, f.recipient);
  } else {
    publishFriendship("friend-request", f, {f.requester, f.recipient});
  }
  return result;
}

store::Friendship FriendService::respond(const std::string& me, const std::string& friendshipId,
                                         const char* status) {
  if (!core::isId(friendshipId)) throw core::notFound("friend request not found");
  return store_.friendships().respond(friendshipId, me, status, core::nowMs());
}

store::Friendship FriendService::accept(const std::string& me, const std::string& friendshipId) {
  auto f = respond(me, friendshipId, "accepted");
  graph_.addFriends(f.requester, f.recipient);
  publishPairChanged(f.requester, f.recipient);
  publishFriendship("friend-accepted", f, {f.requester, f.recipient});
  presence_.introduce(f.requester, f.recipient);
  return f;
}

store::Friendship FriendService::reject(const std::string& me, const std::string& friendshipId) {
  auto f = respond(me, friendshipId, "rejected");
  // Like Discord and Slack, the requester is not told; the recipient's other devices are.
  publishFriendship("friend-rejected", f, {f.recipient});
  return f;
}

void FriendService::unfriend(const std::string& me, const std::string& userId) {
  if (userId == me || !core::isId(userId)) throw core::notFound("friendship not found");
  auto removed = store_.friendships().remove(me, userId);
  // A rejected request is not shown to anyone: there is nothing to remove.
  if (!removed || removed->status == "rejected") throw core::notFound("friendship not found");
  graph_.removeFriends(me, userId);
  publishPairChanged(me, userId);
  publishRemoved(me, userId);
}

void FriendService::block(const std::string& me, const std::string& userId) {
  requireOtherUser(me, userId);
  auto ended = store_.friendships().block(me, userId, core::nowMs());
  graph_.addBlock(me, userId);
  graph_.removeFriends(me, userId);
  publishPairChanged(me, userId);
  if (ended && ended->status != "rejected") publishRemoved(me, userId);
  spdlog::debug("user {} blocked {}", me, userId);
}

void FriendService::unblock(const std::string& me, const std::string& userId) {
  requireOtherUser(me, userId);
  store_.friendships().unblock(me, userId);
  graph_.removeBlock(me, userId);
  publishPairChanged(me, userId);
}

void FriendService::reloadPair(const std::string& a, const std::string& b) {
  bool friends = false;
  for (const auto& f : store_.friendships().forUser(a)) {
    const auto& other = f.requester == a ? f.recipient : f.requester;
    if (other == b && f.status == "accepted") friends = true;
  }
  if (friends) {
    const bool news = !graph_.areFriends(a, b);
    graph_.addFriends(a, b);
    if (news) presence_.introduceHeld(a, b);
  } else {
    graph_.removeFriends(a, b);
  }
  for (const auto& [blocker, blocked] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    const auto list = store_.friendships().blockedBy(*blocker);
    if (std::find(list.begin(), list.end(), *blocked) != list.end()) {
      graph_.addBlock(*blocker, *blocked);
    } else {
      graph_.removeBlock(*blocker, *blocked);
    }
  }
}

void FriendService::publishPairChanged(const std::string& a, const std::string& b) {
  static const auto kNoFrame = std::make_shared<const std::string>();
  broker_.publish(broker::Delivery{.userIds = {},
                                   .frame = kNoFrame,
                                   .exceptConnection = 0,
                                   .sharedUserIds = nullptr,
                                   .conversationId = {},
                                   .seq = 0,
                                   .groupChanged = {},
                                   .pairChanged = {a, b}});
}

FriendListing FriendService::list(const std::string& me) {
  FriendListing out;
  for (auto& f : store_.friendships().forUser(me)) {
    const auto& otherId = f.requester == me ? f.recipient : f.requester;
    auto other = store_.users().byId(otherId);
    if (!other) continue;
    if (f.status == "accepted") {
      out.friends.push_back(std::move(*other));
    } else if (f.recipient == me) {
      out.incoming.emplace_back(std::move(f), std::move(*other));
    } else {
      out.outgoing.emplace_back(std::move(f), std::move(*other));
    }
  }
  for (const auto& id : store_.friendships().blockedBy(me)) {
    if (auto u = store_.users().byId(id)) out.blocked.push_back(std::move(*u));
  }
  return out;
}

}  // namespace gc::chat
