#include "broker/redis_presence.hpp"

namespace gc::broker {
namespace {

// KEYS[1] online_users. ARGV: instance, ttl ms, how many expired users to settle, then pairs of
// (user id, word: online | away | "" none | "=" unchanged). Returns pairs (user id, status)
// for each user whose aggregate changed. A user's key outlives their latest word by one ttl,
// so a settle still finds what friends were told ("~") and can tell them "offline".
const RedisScript kSettle(R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local instance, ttl = ARGV[1], tonumber(ARGV[2])
local changes = {}
local function settle(user, word)
  local key = 'user:' .. user .. ':status'
  if word == '' then
    redis.call('HDEL', key, instance)
  elseif word ~= '=' then
    redis.call('HSET', key, instance, word .. ':' .. (now + ttl))
  end
  local fields = redis.call('HGETALL', key)
  local status, latest, told = 'offline', 0, 'offline'
  for i = 1, #fields, 2 do
    local field, value = fields[i], fields[i + 1]
    if field == '~' then
      told = value
    else
      local s, e = string.match(value, '^(%a+):(%d+)$')
      e = tonumber(e)
      if e == nil or e < now then
        redis.call('HDEL', key, field)
      else
        if s == 'online' then status = 'online' elseif status == 'offline' then status = 'away' end
        if e > latest then latest = e end
      end
    end
  end
  if status == 'offline' then
    redis.call('DEL', key)
    redis.call('ZREM', KEYS[1], user)
  else
    redis.call('HSET', key, '~', status)
    redis.call('PEXPIREAT', key, latest + ttl)
    redis.call('ZADD', KEYS[1], latest, user)
  end
  if status ~= told then
    changes[#changes + 1] = user
    changes[#changes + 1] = status
  end
end
for i = 4, #ARGV, 2 do settle(ARGV[i], ARGV[i + 1]) end
local expired = tonumber(ARGV[3])
if expired > 0 then
  for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, expired)) do
    settle(user, '=')
  end
end
return changes
)lua");

// KEYS[1] online_users. Returns pairs (user id, status) of everyone whose words have not expired.
const RedisScript kSnapshot(R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for _, user in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')) do
  local status = redis.call('HGET', 'user:' .. user .. ':status', '~')
  if status then
    out[#out + 1] = user
    out[#out + 1] = status
  end
end
return out
)lua");

constexpr std::size_t kBatch = 500;
constexpr int kSettledPerRefresh = 1000;
const std::string kOnlineUsers = "online_users";

std::vector<PresenceChange> changesOf(const RedisReply& reply) {
  std::vector<PresenceChange> out;
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    out.push_back({.userId = reply.elements[i].text, .status = reply.elements[i + 1].text});
  }
  return out;
}

RedisLink::Done answer(RedisPresence::Done done) {
  return [done = std::move(done)](const RedisReply& reply) {
    if (reply.type != RedisReply::Type::Array) {
      done(false, {});
      return;
    }
    done(true, changesOf(reply));
  };
}

}  // namespace

RedisPresence::RedisPresence(RedisLink& link, std::string instance, std::chrono::milliseconds ttl)
    : link_(link), instance_(std::move(instance)), ttl_(ttl) {}

void RedisPresence::put(Word word, Done done) {
  link_.script(
      kSettle, {kOnlineUsers},
      {instance_, std::to_string(ttl_.count()), "0", std::move(word.first), std::move(word.second)},
      answer(std::move(done)));
}

void RedisPresence::refresh(std::vector<Word> words, const Done& done) {
  std::size_t i = 0;
  do {
    std::vector<std::string> args{instance_, std::to_string(ttl_.count()),
                                  i == 0 ? std::to_string(kSettledPerRefresh) : "0"};
    for (std::size_t end = std::min(words.size(), i + kBatch); i < end; ++i) {
      args.push_back(std::move(words[i].first));
      args.push_back(std::move(words[i].second));
    }
    link_.script(kSettle, {kOnlineUsers}, std::move(args), answer(done));
  } while (i < words.size());
}

void RedisPresence::snapshot(Done done) {
  link_.script(kSnapshot, {kOnlineUsers}, {}, answer(std::move(done)));
}

}  // namespace gc::broker
