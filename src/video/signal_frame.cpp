#include "video/signal_frame.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>

#include "core/json_string.hpp"
#include "ws/frame_codec.hpp"

namespace gc::video {
namespace {

namespace json = boost::json;
using ws::FrameError;

constexpr std::size_t kMaxPeerIdBytes = 64;
constexpr std::size_t kMaxCandidateBytes = 2048;
constexpr std::size_t kMaxMidBytes = 256;

[[noreturn]] void fail(std::string_view field, std::string_view why) {
  throw FrameError{"invalid_request", std::string(field) + ": " + std::string(why), {}};
}

const json::string& requireString(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) fail(key, "must be a string");
  return v->get_string();
}

bool requireBool(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_bool()) fail(key, "must be true or false");
  return v->get_bool();
}

// An optional string: absent or null → nullopt.
std::optional<std::string> optionalString(const json::object& o, std::string_view key,
                                          std::size_t maxBytes) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string() || v->get_string().size() > maxBytes) {
    fail(key, "must be a string of at most " + std::to_string(maxBytes) + " bytes or null");
  }
  return std::string(v->get_string());
}

std::string decodeTo(const json::object& o) {
  const auto& to = requireString(o, "to");
  if (to.empty() || to.size() > kMaxPeerIdBytes) fail("to", "must be a peer's user id");
  return std::string(to);
}

std::string decodeSdp(const json::object& o, std::size_t maxSdpBytes) {
  const auto& sdp = requireString(o, "sdp");
  if (sdp.size() > maxSdpBytes) {
    throw FrameError{"too_large", "sdp: larger than " + std::to_string(maxSdpBytes) + " bytes", {}};
  }
  if (!std::string_view(sdp).starts_with("v=0")) fail("sdp", "must be a session description");
  return std::string(sdp);
}

IceCandidate decodeCandidate(const json::object& frame) {
  const auto* v = frame.if_contains("candidate");
  if (!v || !v->is_object()) fail("candidate", "must be an object");
  const auto& o = v->get_object();
  IceCandidate c;
  const auto& text = requireString(o, "candidate");
  if (text.size() > kMaxCandidateBytes || (!text.empty() && !isValidCandidate(text))) {
    fail("candidate.candidate", "must be an ICE candidate attribute");
  }
  c.candidate = std::string(text);
  c.sdpMid = optionalString(o, "sdpMid", kMaxMidBytes);
  if (const auto* index = o.if_contains("sdpMLineIndex"); index && !index->is_null()) {
    const auto n = index->if_int64();
    if (!n || *n < 0 || *n > 65535)
      fail("candidate.sdpMLineIndex", "must be an integer 0-65535 or null");
    c.sdpMLineIndex = *n;
  }
  if (!c.sdpMid && !c.sdpMLineIndex) {
    fail("candidate", "needs sdpMid or sdpMLineIndex");
  }
  c.usernameFragment = optionalString(o, "usernameFragment", kMaxMidBytes);
  return c;
}

bool isDigits(std::string_view s, std::size_t maxLen) {
  return !s.empty() && s.size() <= maxLen &&
         std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

}  // namespace

bool isValidCandidate(std::string_view text) {
  constexpr std::string_view kPrefix = "candidate:";
  if (!text.starts_with(kPrefix)) return false;
  // Printable ASCII only: no CR/LF (it would end the SDP line it becomes), no NUL.
  if (!std::all_of(text.begin(), text.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; }))
    return false;
  text.remove_prefix(kPrefix.size());
  std::vector<std::string_view> tokens;
  while (!text.empty()) {
    const auto space = text.find(' ');
    const auto token = text.substr(0, space);
    if (token.empty()) return false;  // two spaces in a row
    tokens.push_back(token);
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
    if (text.empty()) return false;  // a trailing space
  }
  if (tokens.size() < 8) return false;
  // foundation: 1-32 ice-chars (ALPHA / DIGIT / "+" / "/")
  if (tokens[0].size() > 32 || !std::all_of(tokens[0].begin(), tokens[0].end(), [](char ch) {
        return std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '/';
      })) {
    return false;
  }
  if (!isDigits(tokens[1], 3)) return false;  // component id
  if (!iequals(tokens[2], "udp") && !iequals(tokens[2], "tcp")) return false;
  if (!isDigits(tokens[3], 10)) return false;  // priority
  if (tokens[4].size() > 253) return false;    // IPv4, IPv6 or an (mDNS) host name
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(tokens[5].data(), tokens[5].data() + tokens[5].size(), port);
  if (ec != std::errc() || end != tokens[5].data() + tokens[5].size() || port > 65535) return false;
  if (tokens[6] != "typ") return false;
  const auto type = tokens[7];
  return type == "host" || type == "srflx" || type == "prflx" || type == "relay";
}

SignalFrame decodeSignalFrame(std::string_view text, std::size_t maxSdpBytes) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) throw FrameError{"invalid_frame", "a frame is one JSON object", {}};
  const auto& o = v.get_object();
  const auto* type = o.if_contains("type");
  if (!type || !type->is_string()) fail("type", "is required");
  const std::string_view t = type->get_string();
  SignalFrame f;
  if (t == "offer" || t == "answer") {
    f.type = t == "offer" ? SignalFrame::Type::Offer : SignalFrame::Type::Answer;
    f.to = decodeTo(o);
    f.sdp = decodeSdp(o, maxSdpBytes);
  } else if (t == "ice-candidate") {
    f.type = SignalFrame::Type::IceCandidate;
    f.to = decodeTo(o);
    f.candidate = decodeCandidate(o);
  } else if (t == "media-state") {
    f.type = SignalFrame::Type::MediaState;
    f.audio = requireBool(o, "audio");
    f.video = requireBool(o, "video");
    f.screen = requireBool(o, "screen");
  } else if (t == "ping") {
    f.type = SignalFrame::Type::Ping;
  } else {
    throw FrameError{"unknown_type", "type: unknown frame type", {}};
  }
  return f;
}

std::string encodeRelayed(const SignalFrame& f, std::string_view from) {
  json::object o;
  switch (f.type) {
    case SignalFrame::Type::Offer:
    case SignalFrame::Type::Answer:
      o["type"] = f.type == SignalFrame::Type::Offer ? "offer" : "answer";
      o["from"] = from;
      o["sdp"] = f.sdp;
      break;
    case SignalFrame::Type::IceCandidate: {
      o["type"] = "ice-candidate";
      o["from"] = from;
      json::object c;
      c["candidate"] = f.candidate.candidate;
      c["sdpMid"] = f.candidate.sdpMid ? json::value(*f.candidate.sdpMid) : json::value(nullptr);
      c["sdpMLineIndex"] = f.candidate.sdpMLineIndex ? json::value(*f.candidate.sdpMLineIndex)
                                                     : json::value(nullptr);
      if (f.candidate.usernameFragment) c["usernameFragment"] = *f.candidate.usernameFragment;
      o["candidate"] = std::move(c);
      break;
    }
    case SignalFrame::Type::MediaState:
      o["type"] = "media-state";
      o["from"] = from;
      o["audio"] = f.audio;
      o["video"] = f.video;
      o["screen"] = f.screen;
      break;
    case SignalFrame::Type::Ping:
      o["type"] = "pong";
      break;
  }
  return json::serialize(o);
}

std::string encodeWelcome(std::string_view selfId, const std::vector<std::string>& peers,
                          std::string_view iceServersJson) {
  std::string out = R"({"type":"welcome","selfId":)";
  core::appendJsonString(out, selfId);
  out += R"(,"peers":[)";
  for (std::size_t i = 0; i < peers.size(); ++i) {
    if (i > 0) out += ',';
    core::appendJsonString(out, peers[i]);
  }
  out += R"(],"iceServers":)";
  out += iceServersJson;
  out += '}';
  return out;
}

std::string encodePeerEvent(std::string_view type, std::string_view userId) {
  std::string out = R"({"type":)";
  core::appendJsonString(out, type);
  out += R"(,"userId":)";
  core::appendJsonString(out, userId);
  out += '}';
  return out;
}

}  // namespace gc::video
