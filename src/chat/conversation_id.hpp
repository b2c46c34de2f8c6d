#pragma once
// Conversation ids: dm_<idA>_<idB> with the two user ids sorted, grp_<groupId>.
#include <optional>
#include <string>
#include <string_view>

namespace gc::chat {

struct ConversationRef {
  enum class Kind { Direct, Group } kind;
  std::string first;   // Direct: the smaller user id. Group: the group id.
  std::string second;  // Direct: the larger user id (equal to first for notes-to-self).
};

std::optional<ConversationRef> parseConversationId(std::string_view id);
std::string directConversationId(std::string_view userA, std::string_view userB);

}  // namespace gc::chat
