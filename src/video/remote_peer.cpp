#include "video/remote_peer.hpp"

#include "core/line_fields.hpp"

namespace gc::video {
namespace {

constexpr std::string_view kVersion = "gcv1";

}  // namespace

std::string encodeRelayEnvelope(const RelayEnvelope& e) {
  std::string out;
  out.reserve(64 + e.instance.size() + e.roomId.size() + e.userId.size() + e.payload.size());
  out.append(kVersion).append("\n").append(e.instance).append("\n");
  out.append(e.roomId).append("\n").append(e.userId).append("\n");
  out.append(std::to_string(e.connection)).append("\n");
  out.append(e.kind == RelayEnvelope::Kind::Frame ? "frame" : "close").append("\n");
  out.append(std::to_string(e.closeCode)).append("\n");
  out.append(e.payload);
  return out;
}

std::string_view relayEnvelopeInstance(std::string_view text) {
  std::string_view version, instance;
  if (!core::nextLine(text, version) || version != kVersion || !core::nextLine(text, instance))
    return {};
  return instance;
}

std::optional<RelayEnvelope> decodeRelayEnvelope(std::string_view text) {
  std::string_view version, instance, room, user, connection, kind, code;
  if (!core::nextLine(text, version) || version != kVersion || !core::nextLine(text, instance) ||
      instance.empty() || !core::nextLine(text, room) || room.empty() ||
      !core::nextLine(text, user) || user.empty() || !core::nextLine(text, connection) ||
      !core::nextLine(text, kind) || !core::nextLine(text, code)) {
    return std::nullopt;
  }
  RelayEnvelope out{.instance = std::string(instance),
                    .roomId = std::string(room),
                    .userId = std::string(user),
                    .connection = 0,
                    .kind = RelayEnvelope::Kind::Frame,
                    .closeCode = 0,
                    .payload = std::string(text)};
  if (!core::parseWholeInt(connection, out.connection) || out.connection == 0) return std::nullopt;
  if (!core::parseWholeInt(code, out.closeCode)) return std::nullopt;
  if (kind == "close") {
    out.kind = RelayEnvelope::Kind::Close;
  } else if (kind != "frame") {
    return std::nullopt;
  }
  return out;
}

RemotePeer::RemotePeer(broker::Broker& broker, std::string instance, std::string roomId,
                       std::string userId, std::uint64_t connection)
    : Connection(std::move(userId), "remote"),
      broker_(broker),
      instance_(std::move(instance)),
      roomId_(std::move(roomId)),
      connection_(connection) {}

void RemotePeer::send(broker::SharedFrame frame) {
  publish(RelayEnvelope::Kind::Frame, 0, *frame);
}

void RemotePeer::close(std::uint16_t code, std::string reason) {
  publish(RelayEnvelope::Kind::Close, code, std::move(reason));
}

void RemotePeer::publish(RelayEnvelope::Kind kind, std::uint16_t code, std::string payload) {
  const auto envelope = encodeRelayEnvelope({.instance = instance_,
                                             .roomId = roomId_,
                                             .userId = userId(),
                                             .connection = connection_,
                                             .kind = kind,
                                             .closeCode = code,
                                             .payload = std::move(payload)});
  broker_.publish({.userIds = {userId()},
                   .frame = std::make_shared<const std::string>(envelope),
                   .exceptConnection = 0,
                   .sharedUserIds = nullptr,
                   .conversationId = {},
                   .seq = 0,
                   .groupChanged = {},
                   .pairChanged = {},
                   .presenceOf = {},
                   .tokensRevoked = false,
                   .originFrame = nullptr});
}

}  // namespace gc::video
