#pragma once
// The contract's JSON shapes for groups: the group object (note the contract's `userID`
// spelling in members) and the `group-updated` event.
#include <string>

#include "store/types.hpp"

namespace gc::chat {

std::string encodeGroup(const store::Group& g);
std::string encodeGroupUpdatedFrame(const store::Group& g);

}  // namespace gc::chat
