#pragma once
#include "main/cli.hpp"

namespace gc::admin {

// `admin create-users`: idempotent; prints and returns how many were created.
int createUsers(const core::Config& config, const cli::CreateUsers& request);

// `admin create-friendships`, for load tests (the presence benchmark): user i of
// PREFIX1..PREFIXN befriends users i+1 … i+perUser/2 (mod N), so every user has perUser
// accepted friends, the perUser/2 on each side of it on the ring. Written straight into the
// store, a few thousand rows per transaction, without requests or events (run it while no
// server is running: a running one loads friendships only at start-up). Idempotent: pairs
// that have a row already are left as they are. The users must exist (`create-users`).
// Prints and returns how many friendships were created.
int createFriendships(const core::Config& config, const cli::CreateFriendships& request);

}  // namespace gc::admin
