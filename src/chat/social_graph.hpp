#pragma once
// Accepted friendships and blocks, in memory, so that the hot paths (every DM send, typing
// frame and presence change) decide without the store. Loaded once at start-up; the
// FriendService updates it after each change has committed. Users are never deleted in v1,
// so nothing here needs to expire.
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/types.hpp"

namespace gc::chat {

class SocialGraph {
 public:
  void load(const std::vector<store::Friendship>& accepted,
            const std::vector<store::Block>& blocks);

  void addFriends(const std::string& a, const std::string& b);
  void removeFriends(const std::string& a, const std::string& b);
  void addBlock(const std::string& blocker, const std::string& blocked);
  void removeBlock(const std::string& blocker, const std::string& blocked);

  bool areFriends(const std::string& a, const std::string& b) const;
  // True when either user blocked the other: blocks are mutual for DMs, requests and presence.
  bool blockedEitherWay(const std::string& a, const std::string& b) const;
  // One way: what a group hides from `blocker` (blocks are one-way in groups).
  bool hasBlocked(const std::string& blocker, const std::string& blocked) const;
  std::vector<std::string> friendsOf(const std::string& userId) const;
  // The users who blocked `userId` (usually none: one lookup on every group send).
  std::vector<std::string> blockersOf(const std::string& userId) const;

 private:
  using PairView = std::pair<std::string_view, std::string_view>;
  // (blocker, blocked), looked up by string views: a DM send builds no key.
  struct PairHash {
    using is_transparent = void;
    std::size_t operator()(PairView p) const noexcept;
    std::size_t operator()(const std::pair<std::string, std::string>& p) const noexcept {
      return (*this)(PairView(p.first, p.second));
    }
  };
  struct PairEqual {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const noexcept {
      return std::string_view(a.first) == std::string_view(b.first) &&
             std::string_view(a.second) == std::string_view(b.second);
    }
  };

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::unordered_set<std::string>> friends_;
  std::unordered_set<std::pair<std::string, std::string>, PairHash, PairEqual> blocks_;
  std::unordered_map<std::string, std::unordered_set<std::string>> blockers_;  // blocked → who
};

}  // namespace gc::chat
