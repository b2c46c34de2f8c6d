#include "chat/conversation_id.hpp"

#include "core/ids.hpp"

namespace gc::chat {

std::optional<ConversationRef> parseConversationId(std::string_view id) {
  if (id.starts_with("dm_") && id.size() == 3 + 24 + 1 + 24 && id[27] == '_') {
    auto a = id.substr(3, 24);
    auto b = id.substr(28, 24);
    // Only the sorted spelling names a conversation: one pair, one id.
    if (core::isId(a) && core::isId(b) && a <= b) {
      return ConversationRef{ConversationRef::Kind::Direct, std::string(a), std::string(b)};
    }
    return std::nullopt;
  }
  if (id.starts_with("grp_") && core::isId(id.substr(4))) {
    return ConversationRef{ConversationRef::Kind::Group, std::string(id.substr(4)), {}};
  }
  return std::nullopt;
}

std::string directConversationId(std::string_view userA, std::string_view userB) {
  if (userB < userA) std::swap(userA, userB);
  std::string out = "dm_";
  out.append(userA).append("_").append(userB);
  return out;
}

}  // namespace gc::chat
