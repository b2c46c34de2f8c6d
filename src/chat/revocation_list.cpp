#include "chat/revocation_list.hpp"

#include <iterator>

namespace gc::chat {

void RevocationList::add(const std::string& jti, std::int64_t expiresAtSec) {
  std::lock_guard lock(mutex_);
  expiresAt_[jti] = expiresAtSec;
}

bool RevocationList::contains(const std::string& jti) const {
  std::lock_guard lock(mutex_);
  return expiresAt_.contains(jti);
}

void RevocationList::prune(std::int64_t nowSec) {
  std::lock_guard lock(mutex_);
  std::erase_if(expiresAt_, [nowSec](const auto& e) { return e.second <= nowSec; });
}

}  // namespace gc::chat
