#pragma once
// The video room's frames: what a client may send (validated field by field; anything else is
// an error frame and the connection stays) and what the server sends. A relayed frame is
// rebuilt from the validated fields with the server's `from`, so nothing a client adds (its
// own `from` included) reaches another peer.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gc::video {

struct IceCandidate {
  std::string candidate;  // "candidate:..." (RFC 8839 §5.1), or "" for end-of-candidates
  std::optional<std::string> sdpMid;
  std::optional<std::int64_t> sdpMLineIndex;
  std::optional<std::string> usernameFragment;
};

struct SignalFrame {
  enum class Type { Offer, Answer, IceCandidate, MediaState, Ping } type = Type::Ping;
  std::string to;   // Offer, Answer, IceCandidate
  std::string sdp;  // Offer, Answer
  IceCandidate candidate;
  bool audio = false, video = false, screen = false;  // MediaState
};

// Throws ws::FrameError: invalid_frame (not one JSON object), invalid_request (a field,
// named first), unknown_type, too_large (sdp over `maxSdpBytes`).
SignalFrame decodeSignalFrame(std::string_view text, std::size_t maxSdpBytes);

// True for the candidate-attribute grammar of RFC 8839 §5.1 (foundation, component,
// transport, priority, address, port, "typ", type, then extensions).
bool isValidCandidate(std::string_view candidate);

// offer / answer / ice-candidate / media-state with `from`.
std::string encodeRelayed(const SignalFrame& frame, std::string_view from);
std::string encodeWelcome(std::string_view selfId, const std::vector<std::string>& peers,
                          std::string_view iceServersJson);
// {"type": "peer-joined" | "peer-left", "userId"}
std::string encodePeerEvent(std::string_view type, std::string_view userId);

}  // namespace gc::video
