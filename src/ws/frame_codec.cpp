#include "ws/frame_codec.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "chat/send_metadata.hpp"
#include "core/error.hpp"
#include "core/json_string.hpp"

namespace gc::ws {
namespace {

namespace json = boost::json;

[[noreturn]] void invalid(std::string_view field, std::string_view why, std::string ref = {}) {
  throw FrameError{"invalid_request", std::string(field) + ": " + std::string(why), std::move(ref)};
}

std::string stringField(const json::object& o, std::string_view field, const std::string& ref,
                        bool required = true) {
  const auto* v = o.if_contains(field);
  if (!v || v->is_null()) {
    if (required) invalid(field, "is required", ref);
    return {};
  }
  if (!v->is_string()) invalid(field, "must be a string", ref);
  return std::string(v->as_string());
}

// An optional array of strings (absent or null: empty).
std::vector<std::string> stringArrayField(const json::object& o, std::string_view field,
                                          const std::string& ref) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(field);
  if (!v || v->is_null()) return out;
  if (!v->is_array() || v->as_array().size() > 100) invalid(field, "must be an array of ids", ref);
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) invalid(field, "must be an array of ids", ref);
    out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace

ClientFrame decodeClientFrame(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 16;
  // Frames are small: parse into a stack buffer, spilling to the heap only for big ones.
  unsigned char scratch[4096];
  json::monotonic_resource arena(scratch, sizeof scratch);
  json::value v = json::parse(text, ec, &arena, options);
  if (ec || !v.is_object()) throw FrameError{"invalid_frame", "a frame is one JSON object", {}};
  const auto& o = v.as_object();
  const auto* type = o.if_contains("type");
  if (!type || !type->is_string()) throw FrameError{"invalid_request", "type: is required", {}};

  ClientFrame f;
  const std::string_view t = type->as_string();
  if (t == "send") {
    f.type = ClientFrame::Type::Send;
    // The ref comes first so every later error can name the send it belongs to.
    const auto* id = o.if_contains("clientMsgId");
    const std::string ref = id && id->is_string() ? std::string(id->as_string()) : std::string();
    f.send.clientMsgId = stringField(o, "clientMsgId", ref);
    f.send.conversationId = stringField(o, "conversationId", ref);
    f.send.attachmentIds = stringArrayField(o, "attachments", ref);
    f.send.type = stringField(o, "msgType", ref, false);
    if (f.send.type.empty()) f.send.type = "text";
    // A system message's body is the server's to write (chat/call_summary.hpp); files and
    // images may come without a caption.
    f.send.body = stringField(o, "body", ref, !chat::bodyIsOptional(f.send.type));
    f.send.replyTo = stringField(o, "replyTo", ref, false);
    if (const auto* meta = o.if_contains("metadata"); meta && !meta->is_null()) {
      if (!meta->is_object()) invalid("metadata", "must be an object", ref);
      try {
        chat::readSendMetadata(meta->as_object(), f.send);
      } catch (const core::ApiError& e) {
        throw FrameError{e.code(), e.what(), ref};
      }
    }
  } else if (t == "typing") {
    f.type = ClientFrame::Type::Typing;
    f.conversationId = stringField(o, "conversationId", {});
    f.typingState = stringField(o, "state", {});
    if (f.typingState != "start" && f.typingState != "stop")
      invalid("state", "must be start or stop");
  } else if (t == "read") {
    f.type = ClientFrame::Type::Read;
    f.conversationId = stringField(o, "conversationId", {});
    const auto* seq = o.if_contains("seq");
    if (!seq || !seq->is_int64() || seq->as_int64() < 0)
      invalid("seq", "must be a non-negative integer");
    f.seq = seq->as_int64();
  } else if (t == "presence") {
    f.type = ClientFrame::Type::Presence;
    const auto status = stringField(o, "status", {});
    if (status != "away" && status != "online") invalid("status", "must be away or online");
    f.away = status == "away";
  } else if (t == "ping") {
    f.type = ClientFrame::Type::Ping;
  } else {
    throw FrameError{"unknown_type", "type: unknown frame type", {}};
  }
  return f;
}

std::string clientMsgIdOf(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 16;
  unsigned char scratch[4096];
  json::monotonic_resource arena(scratch, sizeof scratch);
  const json::value v = json::parse(text, ec, &arena, options);
  if (ec || !v.is_object()) return {};
  const auto* id = v.as_object().if_contains("clientMsgId");
  return id && id->is_string() ? std::string(id->as_string()) : std::string();
}

std::string encodeErrorFrame(std::string_view code, std::string_view message,
                             std::string_view ref) {
  std::string out = R"({"type":"error","code":)";
  core::appendJsonString(out, code);
  out += ",\"message\":";
  core::appendJsonString(out, message);
  out += ",\"ref\":";
  if (ref.empty()) {
    out += "null";
  } else {
    core::appendJsonString(out, ref);
  }
  out += '}';
  return out;
}

std::string encodeAckFrame(std::string_view clientMsgId, std::string_view messageJson) {
  std::string out = R"({"type":"ack","clientMsgId":)";
  core::appendJsonString(out, clientMsgId);
  out += ",\"message\":";
  out += messageJson;
  out += '}';
  return out;
}

std::string encodeTypingFrame(std::string_view conversationId, std::string_view userId,
                              std::string_view state) {
  std::string out = R"({"type":"typing","conversationId":)";
  core::appendJsonString(out, conversationId);
  out += ",\"userId\":";
  core::appendJsonString(out, userId);
  out += ",\"state\":";
  core::appendJsonString(out, state);
  out += '}';
  return out;
}

}  // namespace gc::ws
