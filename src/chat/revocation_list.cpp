#include "chat/revocation_list.hpp"

#include <iterator>

namespace gc::chat {

bool RevocationList::add(const std::string& jti, std::int64_t expiresAtSec) {
  std::lock_guard lock(mutex_);
  return expiresAt_.insert_or_assign(jti, expiresAtSec).second;
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
