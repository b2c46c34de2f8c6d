#pragma once
// The Lua scripts of the Redis room registry: each rule that reads and then writes (the join's
// cap, blocks and replacement; the leave and the last one out) runs as one script, so two
// instances never interleave inside one. Layout (docs/architecture.md, "Video rooms in Redis"):
//   room:<id>:meta          hash  createdBy, conversationId, createdAt, expiresAt (ms), joins
//   room:<id>:participants  hash  userId → {"i":instance,"c":connection,"n":join
//   order,"b":[blocked]} video:instances         hash  instance → heartbeat deadline (ms)
// Both room keys expire at the room's end (PEXPIREAT). Every script takes the caller's clock as
// ARGV[1] (the instances' clocks agree; tests inject theirs). A participant whose instance's
// heartbeat deadline has passed is left out by every script (it counts for nothing), and
// removed by sweep, run by the instances that have connections in the room.
#include "broker/redis_link.hpp"

namespace gc::video::scripts {

// KEYS meta; ARGV now, createdBy, conversationId, createdAt, expiresAt → 1
const broker::RedisScript& create();
// KEYS meta, participants, instances; ARGV now, userId, instance, connection, maxPeers,
// blocked (JSON array), instance deadline →
//   {"joined", createdBy, conversationId, createdAt, expiresAt, replacedInstance,
//    replacedConnection, peer...} | {"not_found"} | {"full"} | {"blocked"}
const broker::RedisScript& join();
// KEYS meta, participants, instances; ARGV now →
//   nil | {createdBy, conversationId, createdAt, expiresAt, (user, instance, connection)...}
const broker::RedisScript& lookup();
// KEYS meta, participants, instances; ARGV now, userId, instance, connection →
//   nil (not that connection's) | {(user, instance, connection)...} of those left
const broker::RedisScript& leave();
// KEYS meta, participants, instances; ARGV now → nil (room gone) | {0} | {n, dropped user × n,
//   (user, instance, connection)... of the live ones}: removes the participants of dead instances
const broker::RedisScript& sweep();
// KEYS instances; ARGV now, instance, deadline → the count of instances dropped
const broker::RedisScript& heartbeat();
// KEYS meta, participants, instances; ARGV now, instance, deadline, createdBy, conversationId,
// createdAt, expiresAt, (user, connection, blocked JSON)... → 1. After Redis lost its data: puts
// back the room and this instance's participants, drops this instance's stale ones.
const broker::RedisScript& restore();

}  // namespace gc::video::scripts
