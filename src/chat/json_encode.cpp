#include "chat/json_encode.hpp"

#include "core/time_format.hpp"

namespace gc::chat {
namespace {

// What a reply shows of its original: the first line's worth of it.
constexpr std::size_t kPreviewCodePoints = 140;

std::string previewOf(std::string_view body) {
  std::string out;
  std::size_t points = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    const bool starts = (c & 0xC0) != 0x80;
    if (starts && ++points > kPreviewCodePoints) {
      out += "\u2026";  // …
      break;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : body[i];
  }
  return out;
}

// `metadata` as clients see it: what was fixed at send time (stored as a JSON object by us)
// and what changes later, from the message's fields.
void appendMetadata(std::string& out, const store::Message& m) {
  std::string_view fixed = m.metadataJson;
  if (fixed.size() < 2) fixed = "{}";
  out.append(fixed.substr(0, fixed.size() - 1));
  if (fixed.size() > 2) out += ',';
  out += "\"edited\":";
  out += m.editedAtMs ? "true" : "false";
  if (m.editedAtMs) {
    out += ",\"editedAt\":\"" + core::rfc3339Ms(*m.editedAtMs) + '"';
  }
  if (m.deletedAtMs) {
    out += ",\"deleted\":true,\"deletedAt\":\"" + core::rfc3339Ms(*m.deletedAtMs) + '"';
  }
  out += ",\"reactions\":[";
  for (std::size_t i = 0; i < m.reactions.size(); ++i) {
    if (i) out += ',';
    out += "{\"emoji\":";
    core::appendJsonString(out, m.reactions[i].emoji);
    out += ",\"users\":[";
    for (std::size_t u = 0; u < m.reactions[i].users.size(); ++u) {
      if (u) out += ',';
      core::appendJsonString(out, m.reactions[i].users[u]);
    }
    out += "]}";
  }
  out += "],\"replyTo\":";
  if (m.replyTo) {
    out += "{\"id\":";
    core::appendJsonString(out, m.replyTo->id);
    out += ",\"from\":";
    core::appendJsonString(out, m.replyTo->from);
    out += ",\"seq\":" + std::to_string(m.replyTo->seq);
    out += ",\"preview\":";
    core::appendJsonString(out, previewOf(m.replyTo->body));
    out += m.replyTo->deleted ? ",\"deleted\":true}" : ",\"deleted\":false}";
  } else {
    out += "null";
  }
  out += '}';
}

}  // namespace

std::string encodeMessage(const store::Message& m) {
  std::string out;
  out.reserve(256 + m.body.size() + m.metadataJson.size());
  out += "{\"id\":";
  core::appendJsonString(out, m.id);
  out += ",\"conversationId\":";
  core::appendJsonString(out, m.conversationId);
  out += ",\"seq\":";
  out += std::to_string(m.seq);
  out += ",\"from\":";
  core::appendJsonString(out, m.from);
  out += ",\"to\":";
  core::appendJsonString(out, m.to);
  out += ",\"body\":";
  core::appendJsonString(out, m.body);
  out += ",\"type\":";
  core::appendJsonString(out, m.type);
  out += ",\"metadata\":";
  appendMetadata(out, m);
  out += ",\"timestamp\":";
  out += std::to_string(m.createdAtMs / 1000);
  out += ",\"createdAt\":\"";
  out += core::rfc3339Ms(m.createdAtMs);
  out += "\",\"clientMsgId\":";
  if (m.clientMsgId.empty()) {
    out += "null";
  } else {
    core::appendJsonString(out, m.clientMsgId);
  }
  out += '}';
  return out;
}

std::string encodeUser(const store::User& u, bool withEmail, std::string_view status) {
  std::string out = "{\"id\":";
  core::appendJsonString(out, u.id);
  out += ",\"username\":";
  core::appendJsonString(out, u.username);
  if (withEmail) {
    out += ",\"email\":";
    core::appendJsonString(out, u.email);
  }
  out += ",\"avatar\":";
  core::appendJsonString(out, u.avatar);
  out += ",\"status\":";
  core::appendJsonString(out, status);
  out += ",\"lastSeen\":";
  if (u.lastSeenMs) {
    out += '"' + core::rfc3339Ms(*u.lastSeenMs) + '"';
  } else {
    out += "null";
  }
  out += ",\"createdAt\":\"" + core::rfc3339Ms(u.createdAtMs) + "\"}";
  return out;
}

std::string encodeFriendship(const store::Friendship& f) {
  std::string out = "{\"id\":";
  core::appendJsonString(out, f.id);
  out += ",\"requester\":";
  core::appendJsonString(out, f.requester);
  out += ",\"recipient\":";
  core::appendJsonString(out, f.recipient);
  out += ",\"status\":";
  core::appendJsonString(out, f.status);
  out += ",\"createdAt\":\"" + core::rfc3339Ms(f.createdAtMs);
  out += "\",\"updatedAt\":\"" + core::rfc3339Ms(f.updatedAtMs) + "\"}";
  return out;
}

std::string encodeFile(const store::Upload& u) {
  std::string out = "{\"id\":\"" + u.id + "\",\"name\":";
  core::appendJsonString(out, u.name);
  out += ",\"size\":" + std::to_string(u.size) + ",\"mime\":";
  core::appendJsonString(out, u.mime);
  if (u.width && u.height) {
    out += ",\"width\":" + std::to_string(*u.width) + ",\"height\":" + std::to_string(*u.height);
  }
  out += ",\"url\":\"/api/files/" + u.id + "\"";
  if (u.hasThumbnail) out += ",\"thumbUrl\":\"/api/files/" + u.id + "?thumb=1\"";
  out += '}';
  return out;
}

std::string defaultMetadataJson() {
  return R"({"attachments":[]})";
}

}  // namespace gc::chat
