#include "video/admission.hpp"

#include <algorithm>

#include "chat/conversation_id.hpp"
#include "core/error.hpp"

namespace gc::video {

void Admission::checkConversation(std::string_view userId, std::string_view conversationId) {
  if (conversationId.empty()) return;
  const auto ref = chat::parseConversationId(conversationId);
  if (!ref) throw core::notFound("no such conversation");
  if (ref->kind == chat::ConversationRef::Kind::Group) {
    const auto group = store_.groups().byId(ref->first);
    if (!group) throw core::notFound("no such conversation");
    const bool member = std::any_of(group->members.begin(), group->members.end(),
                                    [&](const auto& m) { return m.userId == userId; });
    if (!member) throw core::forbidden("you are not a member of this group");
    return;
  }
  if (userId != ref->first && userId != ref->second) {
    throw core::forbidden("you are not part of this conversation");
  }
  const std::string& other = userId == ref->first ? ref->second : ref->first;
  if (other == userId) return;  // notes to self
  if (!store_.users().byId(other)) throw core::notFound("no such conversation");
  const auto mine = blockedBy(userId);
  const auto theirs = blockedBy(other);
  if (std::find(mine.begin(), mine.end(), other) != mine.end() ||
      std::find(theirs.begin(), theirs.end(), std::string(userId)) != theirs.end()) {
    throw core::blocked("a block stands between the two users of this conversation");
  }
}

std::vector<std::string> Admission::blockedBy(std::string_view userId) {
  return store_.friendships().blockedBy(userId);
}

}  // namespace gc::video
