#include "chat/typing_throttle.hpp"

namespace gc::chat {

bool TypingThrottle::shouldRelay(const std::string& conversationId, bool start,
                                 std::int64_t nowMs) {
  // Bounded by the conversations typed into within kExpiry, whatever the client sends.
  if (started_.size() > 32) forgetExpired(nowMs);
  auto it = started_.find(conversationId);
  const bool showing = it != started_.end() && nowMs - it->second < kExpiryMs;
  if (!start) {
    if (it != started_.end()) started_.erase(it);
    return showing;
  }
  if (it != started_.end() && nowMs - it->second < kStartIntervalMs) return false;
  started_[conversationId] = nowMs;
  return true;
}

std::vector<std::string> TypingThrottle::active(std::int64_t nowMs) const {
  std::vector<std::string> out;
  for (const auto& [cid, at] : started_) {
    if (nowMs - at < kExpiryMs) out.push_back(cid);
  }
  return out;
}

void TypingThrottle::forgetExpired(std::int64_t nowMs) {
  std::erase_if(started_, [nowMs](const auto& e) { return nowMs - e.second >= kExpiryMs; });
}

}  // namespace gc::chat
