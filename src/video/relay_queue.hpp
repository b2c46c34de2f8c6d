#pragma once
// One session's relays that wait for a lookup, in the order their frames arrived. A lookup the
// registry answers from memory is immediate and one that asks Redis is not, so without this
// an ICE candidate could overtake the offer before it. The rule: a relay goes out only when
// every relay of the session ahead of it has gone out; relays answered while one ahead still
// waits wait behind it. Bounded in relays and bytes, so a client that keeps sending while
// Redis stalls is refused (the caller answers an error frame) instead of growing memory.
// Not thread-safe: it lives on its session's strand.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "broker/broker.hpp"
#include "video/room_registry.hpp"

namespace gc::video {

class RelayQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = std::uint64_t;

  struct Limits {
    std::size_t relays = 256;                      // waiting at once
    std::size_t bytes = std::size_t{1024} * 1024;  // of their encoded frames
  };
  // A relay whose receivers are known: what answer() hands out, in arrival order.
  struct Relay {
    broker::SharedFrame frame;  // encoded, with the sender's `from`
    Clock::time_point arrived;  // when its frame was parsed (the relay latency's start)
    RelayTargets targets;
  };

  explicit RelayQueue(Limits limits) : limits_(limits) {}

  // Nothing waits: a relay whose receivers are known now may go out at once, ahead of none.
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

  // Queues a relay that cannot go out yet (its lookup runs, or one ahead of it waits); nullopt
  // (nothing queued) when the limits are reached.
  std::optional<Ticket> push(broker::SharedFrame frame, Clock::time_point arrived);
  // The receivers of `ticket` are known: the relays that may go out now, in order (none while
  // one ahead still waits; else this one and the answered ones right behind it). A ticket
  // cleared meanwhile gives nothing.
  std::vector<Relay> answer(Ticket ticket, RelayTargets targets);
  // Forgets every relay (the session closed); answers that come later give nothing.
  void clear();

 private:
  struct Entry {
    Relay relay;
    bool answered = false;
  };

  Limits limits_;
  // Tickets are consecutive from the front's: entry i holds ticket front_ + i.
  std::deque<Entry> entries_;
  Ticket front_ = 1;
  std::size_t bytes_ = 0;
};

}  // namespace gc::video
