#include <mutex>

#include "broker/broker.hpp"

namespace gc::broker {
namespace {

// Delivers synchronously on the publishing thread, which keeps the publisher's order.
class LocalBroker final : public Broker {
 public:
  void publish(const Delivery& delivery) override {
    for (const auto& s : subscribers_) s(delivery);
  }
  // Subscribers are added at start-up, before anything publishes.
  void subscribe(Subscriber subscriber) override { subscribers_.push_back(std::move(subscriber)); }
  bool ready() override { return true; }

 private:
  std::vector<Subscriber> subscribers_;
};

}  // namespace

std::unique_ptr<Broker> makeLocalBroker() {
  return std::make_unique<LocalBroker>();
}

}  // namespace gc::broker
