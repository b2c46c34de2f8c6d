#include "chat/shared_state.hpp"

#include <spdlog/spdlog.h>

#include <tuple>

namespace gc::chat {

void applySharedStateChange(const broker::Delivery& delivery, GroupService& groups,
                            FriendService& friends) {
  if (!delivery.groupChanged.empty()) {
    try {
      groups.reload(delivery.groupChanged);
    } catch (const std::exception& e) {
      spdlog::warn("group {} not refreshed: {}", delivery.groupChanged, e.what());
    }
  }
  if (delivery.pairChanged.size() == 2) {
    const auto& [a, b] = std::tie(delivery.pairChanged[0], delivery.pairChanged[1]);
    try {
      friends.reloadPair(a, b);
    } catch (const std::exception& e) {
      spdlog::warn("friendship of {} and {} not refreshed: {}", a, b, e.what());
    }
  }
}

}  // namespace gc::chat
