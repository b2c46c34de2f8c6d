#include "chat/json_encode.hpp"

#include "core/time_format.hpp"

namespace gc::chat {

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
  out += m.metadataJson;  // stored by us as a JSON object
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

std::string defaultMetadataJson() {
  return R"({"attachments":[],"edited":false,"reactions":[],"replyTo":null})";
}

}  // namespace gc::chat
