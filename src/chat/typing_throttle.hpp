#pragma once
// Which typing frames of one connection are worth relaying. Clients send `start` on every
// keystroke burst; the others need to hear it once per interval, and a `stop` only when a
// `start` is still showing. Clients treat a start as expiring after kExpiry, so a lost
// stop cannot leave "typing…" up forever; the session also sends the stops of a
// connection that closes mid-sentence (see active()).
//
// One per connection, used on its strand only: no locking.
#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace gc::chat {

class TypingThrottle {
 public:
  static constexpr std::int64_t kStartIntervalMs = 2000;
  static constexpr std::int64_t kExpiryMs = 6000;

  // True when the frame should be relayed: a start when none was relayed for this
  // conversation in the last interval, a stop when a relayed start has not expired or
  // been stopped yet.
  bool shouldRelay(const std::string& conversationId, bool start, std::int64_t nowMs);
  // Conversations with a start still showing: they get a stop when the connection closes.
  std::vector<std::string> active(std::int64_t nowMs) const;

 private:
  void forgetExpired(std::int64_t nowMs);

  std::unordered_map<std::string, std::int64_t> started_;  // conversation → last relayed start
};

}  // namespace gc::chat
