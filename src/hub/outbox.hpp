#pragma once
// Gathers the frames a thread produces for each connection while an Outbox is open on it,
// and hands each connection its frames in one batch when the Outbox closes. The store's
// commit thread opens one around each batch's completions: a batch of 500 messages then
// costs one hand-over per connection instead of three per message.
#include <memory>
#include <unordered_map>
#include <vector>

#include "hub/connection.hpp"

namespace gc::hub {

class Outbox {
 public:
  Outbox();
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Through the Outbox open on this thread, or straight to the connection when none is.
  static void send(const std::shared_ptr<Connection>& connection, broker::SharedFrame frame);
  void flush();

 private:
  struct Pending {
    std::shared_ptr<Connection> connection;
    std::vector<broker::SharedFrame> frames;
  };
  std::unordered_map<Connection*, std::size_t> index_;
  std::vector<Pending> pending_;  // in first-touched order
  Outbox* previous_;
};

}  // namespace gc::hub
