#pragma once
// The friend graph's rules, which every backend applies inside its own transaction once it has
// read what stands between the two users: written once, so that the backends cannot drift.
#include <optional>
#include <string_view>

#include "store/types.hpp"

namespace gc::store {

// What a friend request does, given whether a block stands between the two users and the
// friendship they have. Throws core::ApiError: blocked, already_friends, already_requested.
// true: it answers the other side's pending request (which becomes accepted); false: a new
// pending request replaces whatever was there (nothing, or a rejected request).
bool requestAnswersTheirs(const std::optional<Friendship>& existing, std::string_view requester,
                          bool blocked);

// The new request that `requestAnswersTheirs` false calls for: pending, asked and updated now.
Friendship pendingRequest(std::string_view id, std::string_view requester,
                          std::string_view recipient, std::int64_t nowMs);

// A request is only visible to its two users: not_found for anyone else, as for no request.
void checkParticipant(const std::optional<Friendship>& request, std::string_view actor);

// Whether `actor` may answer this request now: checkParticipant, then forbidden for the
// requester and not_pending once it was answered.
void checkCanRespond(const std::optional<Friendship>& request, std::string_view actor);

}  // namespace gc::store
