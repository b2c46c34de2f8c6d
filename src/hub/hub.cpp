#include "hub/hub.hpp"

#include <algorithm>

#include "core/metrics.hpp"
#include "hub/outbox.hpp"

namespace gc::hub {

Hub::Shard& Hub::shardFor(const std::string& userId) {
  return shards_[std::hash<std::string>{}(userId) % kShards];
}
const Hub::Shard& Hub::shardFor(const std::string& userId) const {
  return shards_[std::hash<std::string>{}(userId) % kShards];
}

void Hub::attach(const std::shared_ptr<Connection>& connection) {
  auto& shard = shardFor(connection->userId());
  std::lock_guard lock(shard.mutex);
  shard.byUser[connection->userId()].push_back(connection);
}

void Hub::detach(const Connection* connection) {
  auto& shard = shardFor(connection->userId());
  std::lock_guard lock(shard.mutex);
  auto it = shard.byUser.find(connection->userId());
  if (it == shard.byUser.end()) return;
  auto& list = it->second;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [connection](const auto& c) { return c.get() == connection; }),
             list.end());
  if (list.empty()) shard.byUser.erase(it);
}

std::vector<std::shared_ptr<Connection>> Hub::snapshot(const std::string& userId) const {
  const auto& shard = shardFor(userId);
  std::lock_guard lock(shard.mutex);
  auto it = shard.byUser.find(userId);
  return it == shard.byUser.end() ? std::vector<std::shared_ptr<Connection>>{} : it->second;
}

void Hub::deliver(const broker::Delivery& delivery) {
  std::uint64_t sent = 0;
  // One snapshot buffer for the whole delivery instead of a vector per recipient: a group
  // of 1,000 would otherwise allocate 1,000 per message.
  std::vector<std::shared_ptr<Connection>> connections;
  const auto deliverTo = [&](const std::string& user) {
    {
      const auto& shard = shardFor(user);
      std::lock_guard lock(shard.mutex);
      const auto it = shard.byUser.find(user);
      if (it == shard.byUser.end()) return;
      connections.assign(it->second.begin(), it->second.end());
    }
    for (const auto& c : connections) {
      if (c->id() == delivery.exceptConnection) {
        if (delivery.originFrame) Outbox::send(c, delivery.originFrame);
        continue;
      }
      if (!delivery.frame) continue;  // the origin's frame alone (chat/delivery_order.cpp)
      Outbox::send(c, delivery.frame);
      ++sent;
    }
  };
  for (const auto& user : delivery.userIds) deliverTo(user);
  if (delivery.sharedUserIds) {
    for (const auto& user : *delivery.sharedUserIds) deliverTo(user);
  }
  core::metrics().framesFannedOut.fetch_add(sent, std::memory_order_relaxed);
}

void Hub::closeToken(const std::string& userId, const std::string& tokenId, std::uint16_t code,
                     const std::string& reason) {
  for (const auto& c : snapshot(userId)) {
    if (c->tokenId() == tokenId) c->close(code, reason);
  }
}

void Hub::closeAll(std::uint16_t code, const std::string& reason) {
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [user, list] : shard.byUser) all.insert(all.end(), list.begin(), list.end());
  }
  for (const auto& c : all) c->close(code, reason);
}

void Hub::forEach(const std::function<void(const std::shared_ptr<Connection>&)>& visit) const {
  std::vector<std::shared_ptr<Connection>> batch;
  for (const auto& shard : shards_) {
    {
      std::lock_guard lock(shard.mutex);
      for (const auto& [user, list] : shard.byUser)
        batch.insert(batch.end(), list.begin(), list.end());
    }
    for (const auto& c : batch) visit(c);
    batch.clear();
  }
}

void Hub::clear() {
  for (auto& shard : shards_) {
    std::unordered_map<std::string, std::vector<std::shared_ptr<Connection>>> gone;
    {
      std::lock_guard lock(shard.mutex);
      gone.swap(shard.byUser);
    }
    // `gone` is destroyed outside the lock: a session's destructor may call back into the hub.
  }
}

bool Hub::isOnline(const std::string& userId) const {
  const auto& shard = shardFor(userId);
  std::lock_guard lock(shard.mutex);
  return shard.byUser.contains(userId);
}

std::size_t Hub::connectionCount() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (const auto& [user, list] : shard.byUser) n += list.size();
  }
  return n;
}

}  // namespace gc::hub
