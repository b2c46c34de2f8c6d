#pragma once
// Peers on other video instances (scale-out): a room's peers may be connected to different
// instances behind the load balancer. A RemotePeer stands for such a connection here: what is
// sent to it, or a close, goes as an envelope on the Redis pub/sub channel (through the
// broker), and the instance that holds the connection hands it over (RedisRoomRegistry::
// deliver). The envelope names the connection, not only the user, so a frame meant for a
// connection that has since been replaced is dropped instead of reaching the newer one.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/broker.hpp"
#include "hub/connection.hpp"

namespace gc::video {

struct RelayEnvelope {
  enum class Kind { Frame, Close };
  std::string instance;  // the instance holding the connection
  std::string roomId;
  std::string userId;
  std::uint64_t connection = 0;  // hub::Connection::id() there
  Kind kind = Kind::Frame;
  std::uint16_t closeCode = 0;  // Close
  std::string payload;          // Frame: the encoded frame; Close: the reason
};

std::string encodeRelayEnvelope(const RelayEnvelope& envelope);
// nullopt for anything that is not an envelope of this version.
std::optional<RelayEnvelope> decodeRelayEnvelope(std::string_view text);
// The instance an encoded envelope is for, without decoding the rest (every instance hears
// every envelope; most are for another).
std::string_view relayEnvelopeInstance(std::string_view text);

class RemotePeer final : public hub::Connection {
 public:
  RemotePeer(broker::Broker& broker, std::string instance, std::string roomId, std::string userId,
             std::uint64_t connection);

  void send(broker::SharedFrame frame) override;
  void close(std::uint16_t code, std::string reason) override;

 private:
  void publish(RelayEnvelope::Kind kind, std::uint16_t code, std::string payload);

  broker::Broker& broker_;
  std::string instance_;
  std::string roomId_;
  std::uint64_t connection_;
};

}  // namespace gc::video
