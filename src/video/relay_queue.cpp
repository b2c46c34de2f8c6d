#include "video/relay_queue.hpp"

#include <utility>

namespace gc::video {

std::optional<RelayQueue::Ticket> RelayQueue::push(broker::SharedFrame frame,
                                                   Clock::time_point arrived) {
  const std::size_t size = frame->size();
  if (entries_.size() >= limits_.relays || bytes_ + size > limits_.bytes) return std::nullopt;
  bytes_ += size;
  entries_.push_back(
      {.relay = {.frame = std::move(frame), .arrived = arrived, .targets = {}}, .answered = false});
  return front_ + entries_.size() - 1;
}

std::vector<RelayQueue::Relay> RelayQueue::answer(Ticket ticket, RelayTargets targets) {
  std::vector<Relay> ready;
  if (ticket < front_ || ticket - front_ >= entries_.size()) return ready;
  auto& entry = entries_[ticket - front_];
  entry.relay.targets = std::move(targets);
  entry.answered = true;
  while (!entries_.empty() && entries_.front().answered) {
    bytes_ -= entries_.front().relay.frame->size();
    ready.push_back(std::move(entries_.front().relay));
    entries_.pop_front();
    ++front_;
  }
  return ready;
}

void RelayQueue::clear() {
  // Later tickets continue from here, so an answer for a cleared one matches nothing.
  front_ += entries_.size();
  entries_.clear();
  bytes_ = 0;
}

}  // namespace gc::video
