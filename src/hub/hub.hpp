#pragma once
// Who is connected here. Sharded by user id so that registrations and lookups for
// different users do not contend; recipients are snapshotted under the shard lock and
// sent to outside it.
#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/broker.hpp"
#include "hub/connection.hpp"

namespace gc::hub {

class Hub {
 public:
  void attach(const std::shared_ptr<Connection>& connection);
  void detach(const Connection* connection);

  void deliver(const broker::Delivery& delivery);
  // Closes every connection opened with this token (logout).
  void closeToken(const std::string& userId, const std::string& tokenId, std::uint16_t code,
                  const std::string& reason);
  void closeAll(std::uint16_t code, const std::string& reason);
  // Forgets every connection. At exit, before the io_context goes: the sessions (and their
  // sockets) must not outlive the services they were created with.
  void clear();
  // Calls `visit` for every connection, outside the locks: one shard is snapshotted at a time,
  // so a sweep over every connection neither blocks deliveries nor copies them all at once.
  void forEach(const std::function<void(const std::shared_ptr<Connection>&)>& visit) const;

  bool isOnline(const std::string& userId) const;
  std::size_t connectionCount() const;

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::vector<std::shared_ptr<Connection>>> byUser;
  };
  Shard& shardFor(const std::string& userId);
  const Shard& shardFor(const std::string& userId) const;
  std::vector<std::shared_ptr<Connection>> snapshot(const std::string& userId) const;

  std::array<Shard, kShards> shards_;
};

}  // namespace gc::hub
