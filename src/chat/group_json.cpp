#include "chat/group_json.hpp"

#include "core/json_string.hpp"
#include "core/time_format.hpp"

namespace gc::chat {

std::string encodeGroup(const store::Group& g) {
  std::string out;
  out.reserve(256 + g.name.size() + g.description.size() + g.members.size() * 96);
  out += "{\"id\":";
  core::appendJsonString(out, g.id);
  out += ",\"name\":";
  core::appendJsonString(out, g.name);
  out += ",\"description\":";
  core::appendJsonString(out, g.description);
  out += ",\"avatar\":";
  core::appendJsonString(out, g.avatar);
  out += ",\"members\":[";
  for (std::size_t i = 0; i < g.members.size(); ++i) {
    const auto& m = g.members[i];
    if (i) out += ',';
    out += "{\"userID\":";
    core::appendJsonString(out, m.userId);
    out += ",\"role\":";
    core::appendJsonString(out, m.role);
    out += ",\"joinedAt\":\"" + core::rfc3339Ms(m.joinedAtMs) + "\"}";
  }
  out += "],\"settings\":{\"isPublic\":";
  out += g.settings.isPublic ? "true" : "false";
  out += ",\"allowInvites\":";
  out += g.settings.allowInvites ? "true" : "false";
  out += ",\"maxMembers\":" + std::to_string(g.settings.maxMembers);
  out += "},\"createdAt\":\"" + core::rfc3339Ms(g.createdAtMs);
  out += "\",\"updatedAt\":\"" + core::rfc3339Ms(g.updatedAtMs) + "\"}";
  return out;
}

std::string encodeGroupUpdatedFrame(const store::Group& g) {
  return R"({"type":"group-updated","group":)" + encodeGroup(g) + "}";
}

}  // namespace gc::chat
