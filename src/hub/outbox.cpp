#include "hub/outbox.hpp"

namespace gc::hub {
namespace {
thread_local Outbox* current = nullptr;
}  // namespace

Outbox::Outbox() : previous_(current) {
  current = this;
}

Outbox::~Outbox() {
  flush();
  current = previous_;
}

void Outbox::send(const std::shared_ptr<Connection>& connection, broker::SharedFrame frame) {
  Outbox* box = current;
  if (!box) {
    connection->send(std::move(frame));
    return;
  }
  auto [it, fresh] = box->index_.try_emplace(connection.get(), box->pending_.size());
  if (fresh) box->pending_.push_back(Pending{connection, {}});
  box->pending_[it->second].frames.push_back(std::move(frame));
}

void Outbox::flush() {
  for (auto& p : pending_) {
    if (p.frames.size() == 1) {
      p.connection->send(std::move(p.frames.front()));
    } else {
      p.connection->sendBatch(std::move(p.frames));
    }
  }
  pending_.clear();
  index_.clear();
}

}  // namespace gc::hub
