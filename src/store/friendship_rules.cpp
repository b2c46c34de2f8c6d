#include "store/friendship_rules.hpp"

#include "core/error.hpp"

namespace gc::store {

bool requestAnswersTheirs(const std::optional<Friendship>& existing, std::string_view requester,
                          bool blocked) {
  if (blocked) throw core::blocked("a block between you and this user forbids a friend request");
  if (existing && existing->status == "accepted") {
    throw core::conflict("already_friends", "userId: you are friends already");
  }
  if (existing && existing->status == "pending") {
    if (existing->requester == requester) {
      throw core::conflict("already_requested", "userId: you asked this user already");
    }
    return true;  // the other side asked first
  }
  return false;
}

Friendship pendingRequest(std::string_view id, std::string_view requester,
                          std::string_view recipient, std::int64_t nowMs) {
  return Friendship{.id = std::string(id),
                    .requester = std::string(requester),
                    .recipient = std::string(recipient),
                    .status = "pending",
                    .createdAtMs = nowMs,
                    .updatedAtMs = nowMs};
}

void checkParticipant(const std::optional<Friendship>& request, std::string_view actor) {
  if (!request || (request->requester != actor && request->recipient != actor)) {
    throw core::notFound("friend request not found");
  }
}

void checkCanRespond(const std::optional<Friendship>& request, std::string_view actor) {
  checkParticipant(request, actor);
  if (request->recipient != actor) {
    throw core::forbidden("only the recipient can answer a friend request");
  }
  if (request->status != "pending") {
    throw core::conflict("not_pending", "this friend request was answered already");
  }
}

}  // namespace gc::store
