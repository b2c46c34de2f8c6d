#pragma once
// What other instances change that this one keeps a copy of (scale-out): a group's membership
// and settings (the membership cache), two users' friendship and blocks (the social graph).
// The changing instance publishes it with the event (broker::Delivery::groupChanged,
// ::pairChanged); every instance re-reads it from the store when the event reaches it.
#include "broker/broker.hpp"
#include "chat/friends.hpp"
#include "chat/groups.hpp"

namespace gc::chat {

// Blocking (store reads). A failed read is logged: the copy stays as it was until the next
// change or restart.
void applySharedStateChange(const broker::Delivery& delivery, GroupService& groups,
                            FriendService& friends);

}  // namespace gc::chat
