#include "video/redis_room_scripts.hpp"

#include <string>

namespace gc::video::scripts {
namespace {

// Shared by the scripts that read a room: the live participants in join order (those of
// instances without a heartbeat left out, and listed in `dead` if given: only sweep removes
// them, so that the instance removing them is the one that tells their peers), and the room's
// end if it has not come.
constexpr std::string_view kPrelude = R"lua(
local now = tonumber(ARGV[1])
local function members(dead)
  local all = redis.call('HGETALL', KEYS[2])
  local out = {}
  for i = 1, #all, 2 do
    local m = cjson.decode(all[i + 1])
    local deadline = tonumber(redis.call('HGET', KEYS[3], m.i) or '0')
    m.u = all[i]
    if deadline > now then
      out[#out + 1] = m
    elseif dead then
      dead[#dead + 1] = m.u
    end
  end
  table.sort(out, function(a, b) return a.n < b.n end)
  return out
end
local function liveUntil()
  local ends = tonumber(redis.call('HGET', KEYS[1], 'expiresAt') or '0')
  if ends <= now then return nil end
  return ends
end
local function meta()
  return redis.call('HMGET', KEYS[1], 'createdBy', 'conversationId', 'createdAt', 'expiresAt')
end
local function appendMembers(out, list, except)
  for _, m in ipairs(list) do
    if m.u ~= except then
      out[#out + 1] = m.u
      out[#out + 1] = m.i
      out[#out + 1] = m.c
    end
  end
  return out
end
)lua";

broker::RedisScript withPrelude(std::string_view body) {
  return broker::RedisScript(std::string(kPrelude) + std::string(body));
}

}  // namespace

const broker::RedisScript& create() {
  static const broker::RedisScript script(R"lua(
redis.call('HSET', KEYS[1], 'createdBy', ARGV[2], 'conversationId', ARGV[3],
           'createdAt', ARGV[4], 'expiresAt', ARGV[5], 'joins', 0)
redis.call('PEXPIREAT', KEYS[1], ARGV[5])
return 1
)lua");
  return script;
}

const broker::RedisScript& join() {
  static const broker::RedisScript script = withPrelude(R"lua(
local ends = liveUntil()
if not ends then return {'not_found'} end
local user, instance, connection = ARGV[2], ARGV[3], ARGV[4]
local blocked = cjson.decode(ARGV[6])
local blocks = {}
for _, b in ipairs(blocked) do blocks[b] = true end
local list = members()
local existing
local peers = {}
for _, m in ipairs(list) do
  if m.u == user then
    existing = m
  else
    -- Either way round: the blocked user never shares a call with the blocker.
    if blocks[m.u] then return {'blocked'} end
    for _, b in ipairs(m.b) do
      if b == user then return {'blocked'} end
    end
    peers[#peers + 1] = m.u
  end
end
if not existing and #list >= tonumber(ARGV[5]) then return {'full'} end
-- A replacement keeps the user's place in the join order.
local order = existing and existing.n or redis.call('HINCRBY', KEYS[1], 'joins', 1)
redis.call('HSET', KEYS[2], user, cjson.encode({i = instance, c = connection, n = order, b = blocked}))
redis.call('PEXPIREAT', KEYS[2], ends)
redis.call('HSET', KEYS[3], instance, ARGV[7])
local out = {'joined'}
for _, v in ipairs(meta()) do out[#out + 1] = v or '' end
out[#out + 1] = existing and existing.i or ''
out[#out + 1] = existing and existing.c or ''
for _, p in ipairs(peers) do out[#out + 1] = p end
return out
)lua");
  return script;
}

const broker::RedisScript& lookup() {
  static const broker::RedisScript script = withPrelude(R"lua(
if not liveUntil() then return nil end
local out = {}
for _, v in ipairs(meta()) do out[#out + 1] = v or '' end
return appendMembers(out, members(), nil)
)lua");
  return script;
}

const broker::RedisScript& leave() {
  static const broker::RedisScript script = withPrelude(R"lua(
local user, instance, connection = ARGV[2], ARGV[3], ARGV[4]
local raw = redis.call('HGET', KEYS[2], user)
if not raw then return nil end
local m = cjson.decode(raw)
if m.i ~= instance or m.c ~= connection then return nil end
redis.call('HDEL', KEYS[2], user)
local rest = members()
if #rest == 0 then
  -- The last one out ends the room.
  redis.call('DEL', KEYS[1], KEYS[2])
end
return appendMembers({}, rest, nil)
)lua");
  return script;
}

const broker::RedisScript& sweep() {
  static const broker::RedisScript script = withPrelude(R"lua(
if not liveUntil() then return nil end
local dead = {}
local rest = members(dead)
if #dead == 0 then return {0} end
for _, user in ipairs(dead) do redis.call('HDEL', KEYS[2], user) end
local out = {#dead}
for _, user in ipairs(dead) do out[#out + 1] = user end
return appendMembers(out, rest, nil)
)lua");
  return script;
}

const broker::RedisScript& heartbeat() {
  static const broker::RedisScript script(R"lua(
local now = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
local all = redis.call('HGETALL', KEYS[1])
local dropped = 0
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) <= now then
    redis.call('HDEL', KEYS[1], all[i])
    dropped = dropped + 1
  end
end
return dropped
)lua");
  return script;
}

const broker::RedisScript& restore() {
  static const broker::RedisScript script = withPrelude(R"lua(
local instance, ends = ARGV[2], tonumber(ARGV[7])
if ends <= now then return 0 end
redis.call('HSET', KEYS[3], instance, ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'createdBy', ARGV[4], 'conversationId', ARGV[5],
             'createdAt', ARGV[6], 'expiresAt', ARGV[7], 'joins', 0)
end
local mine = {}
for i = 8, #ARGV, 3 do mine[ARGV[i]] = true end
for _, m in ipairs(members()) do
  -- Ours, but no longer here (left while Redis could not hear it).
  if m.i == instance and not mine[m.u] then redis.call('HDEL', KEYS[2], m.u) end
end
-- In the instance's join order, so that a room Redis forgot keeps its order.
for i = 8, #ARGV, 3 do
  local user = ARGV[i]
  local raw = redis.call('HGET', KEYS[2], user)
  local current = raw and cjson.decode(raw)
  if not current or current.i == instance then
    local order = current and current.n or redis.call('HINCRBY', KEYS[1], 'joins', 1)
    local entry = {i = instance, c = ARGV[i + 1], n = order, b = cjson.decode(ARGV[i + 2])}
    redis.call('HSET', KEYS[2], user, cjson.encode(entry))
  end
end
redis.call('PEXPIREAT', KEYS[1], ends)
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIREAT', KEYS[2], ends) end
return 1
)lua");
  return script;
}

}  // namespace gc::video::scripts
