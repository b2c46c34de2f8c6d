#pragma once
// What the hub knows of a connection: whose it is, and how to hand it a frame or close it.
// Implementations queue and return at once; they never block the caller.
#include <cstdint>
#include <string>

#include "broker/broker.hpp"

namespace gc::hub {

class Connection {
 public:
  Connection(std::string userId, std::string tokenId)
      : userId_(std::move(userId)), tokenId_(std::move(tokenId)) {}
  virtual ~Connection() = default;

  virtual void send(broker::SharedFrame frame) = 0;
  virtual void close(std::uint16_t code, std::string reason) = 0;

  const std::string& userId() const { return userId_; }
  const std::string& tokenId() const { return tokenId_; }

 private:
  std::string userId_;
  std::string tokenId_;
};

}  // namespace gc::hub
