#include "chat/social_graph.hpp"

#include <mutex>

namespace gc::chat {

std::size_t SocialGraph::PairHash::operator()(PairView p) const noexcept {
  const std::hash<std::string_view> h;
  return h(p.first) * 31 + h(p.second);
}

void SocialGraph::load(const std::vector<store::Friendship>& accepted,
                       const std::vector<store::Block>& blocks) {
  std::unique_lock lock(mutex_);
  for (const auto& f : accepted) {
    friends_[f.requester].insert(f.recipient);
    friends_[f.recipient].insert(f.requester);
  }
  for (const auto& b : blocks) {
    blocks_.emplace(b.blocker, b.blocked);
    blockers_[b.blocked].insert(b.blocker);
  }
}

void SocialGraph::addFriends(const std::string& a, const std::string& b) {
  std::unique_lock lock(mutex_);
  friends_[a].insert(b);
  friends_[b].insert(a);
}

void SocialGraph::removeFriends(const std::string& a, const std::string& b) {
  std::unique_lock lock(mutex_);
  for (const auto& [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    auto it = friends_.find(*from);
    if (it == friends_.end()) continue;
    it->second.erase(*to);
    if (it->second.empty()) friends_.erase(it);
  }
}

void SocialGraph::addBlock(const std::string& blocker, const std::string& blocked) {
  std::unique_lock lock(mutex_);
  blocks_.emplace(blocker, blocked);
  blockers_[blocked].insert(blocker);
}

void SocialGraph::removeBlock(const std::string& blocker, const std::string& blocked) {
  std::unique_lock lock(mutex_);
  blocks_.erase(std::pair(blocker, blocked));
  if (auto it = blockers_.find(blocked); it != blockers_.end()) {
    it->second.erase(blocker);
    if (it->second.empty()) blockers_.erase(it);
  }
}

std::vector<std::string> SocialGraph::blockersOf(const std::string& userId) const {
  std::shared_lock lock(mutex_);
  auto it = blockers_.find(userId);
  if (it == blockers_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

bool SocialGraph::areFriends(const std::string& a, const std::string& b) const {
  std::shared_lock lock(mutex_);
  auto it = friends_.find(a);
  return it != friends_.end() && it->second.contains(b);
}

bool SocialGraph::blockedEitherWay(const std::string& a, const std::string& b) const {
  std::shared_lock lock(mutex_);
  return blocks_.contains(PairView(a, b)) || blocks_.contains(PairView(b, a));
}

bool SocialGraph::hasBlocked(const std::string& blocker, const std::string& blocked) const {
  std::shared_lock lock(mutex_);
  return blocks_.contains(PairView(blocker, blocked));
}

std::vector<std::string> SocialGraph::friendsOf(const std::string& userId) const {
  std::shared_lock lock(mutex_);
  auto it = friends_.find(userId);
  if (it == friends_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

}  // namespace gc::chat
