#pragma once
// Revoked token ids held in memory for the per-request check; the store keeps them across
// restarts and they are forgotten once the token would have expired anyway.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace gc::chat {

class RevocationList {
 public:
  // True when the jti was not in the list yet.
  bool add(const std::string& jti, std::int64_t expiresAtSec);
  bool contains(const std::string& jti) const;
  // Drops entries whose tokens have expired; called now and then, not per request.
  void prune(std::int64_t nowSec);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::int64_t> expiresAt_;
};

}  // namespace gc::chat
