#include "chat/json_encode.hpp"

#include <fmt/format.h>

#include "core/time_format.hpp"

namespace gc::chat {

void appendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string encodeMessage(const store::Message& m) {
  std::string out;
  out.reserve(256 + m.body.size() + m.metadataJson.size());
  out += "{\"id\":";
  appendJsonString(out, m.id);
  out += ",\"conversationId\":";
  appendJsonString(out, m.conversationId);
  out += ",\"seq\":";
  out += std::to_string(m.seq);
  out += ",\"from\":";
  appendJsonString(out, m.from);
  out += ",\"to\":";
  appendJsonString(out, m.to);
  out += ",\"body\":";
  appendJsonString(out, m.body);
  out += ",\"type\":";
  appendJsonString(out, m.type);
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
    appendJsonString(out, m.clientMsgId);
  }
  out += '}';
  return out;
}

std::string encodeUser(const store::User& u, bool withEmail, std::string_view status) {
  std::string out = "{\"id\":";
  appendJsonString(out, u.id);
  out += ",\"username\":";
  appendJsonString(out, u.username);
  if (withEmail) {
    out += ",\"email\":";
    appendJsonString(out, u.email);
  }
  out += ",\"avatar\":";
  appendJsonString(out, u.avatar);
  out += ",\"status\":";
  appendJsonString(out, status);
  out += ",\"lastSeen\":";
  if (u.lastSeenMs) {
    out += '"' + core::rfc3339Ms(*u.lastSeenMs) + '"';
  } else {
    out += "null";
  }
  out += ",\"createdAt\":\"" + core::rfc3339Ms(u.createdAtMs) + "\"}";
  return out;
}

std::string defaultMetadataJson() {
  return R"({"attachments":[],"edited":false,"reactions":[],"replyTo":null})";
}

}  // namespace gc::chat
