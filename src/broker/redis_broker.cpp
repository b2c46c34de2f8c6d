#include "broker/redis_broker.hpp"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "broker/redis_client.hpp"
#include "broker/redis_link.hpp"
#include "core/line_fields.hpp"
#include "core/metrics.hpp"

namespace gc::broker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::string_view kVersion = "gc2";
constexpr auto kFirstRetry = 100ms;
constexpr auto kLastRetry = 2s;

std::string randomInstanceId() {
  unsigned char raw[8];
  if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : raw) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

constexpr std::string_view kConversationPrefix = "gc:c:";
// Channels per SUBSCRIBE after a reconnect: one command per thousand, not one giant one.
constexpr std::size_t kChannelsPerCommand = 1000;

class RedisBroker final : public Broker {
 public:
  explicit RedisBroker(RedisBrokerOptions options)
      : options_(std::move(options)),
        instance_(randomInstanceId()),
        work_(asio::make_work_guard(ioc_)),
        retry_(ioc_) {
    const auto address = parseRedisUrl(options_.url);
    host_ = address.host;
    port_ = address.port;
    thread_ = std::thread([this] { ioc_.run(); });
  }

  ~RedisBroker() override { close(); }

  void close() override {
    if (!thread_.joinable()) return;
    asio::post(ioc_, [this] {
      stopping_ = true;
      retry_.cancel();
      {
        std::lock_guard lock(publisherMutex_);
        if (publisher_) publisher_->close();
        publisher_.reset();
      }
      if (subscriber_) subscriber_->close();
      subscriber_.reset();
      work_.reset();
    });
    thread_.join();
  }

  void publish(const Delivery& delivery) override {
    for (const auto& s : subscribers_) s(delivery);
    const auto client = publisher();
    if (!client) {
      core::metrics().brokerPublishesDropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    auto channel = options_.conversationChannels && onConversationChannel(delivery)
                       ? conversationChannel(delivery.conversationId)
                       : options_.channel;
    client->command({"PUBLISH", std::move(channel), encodeEnvelope(instance_, delivery)},
                    [](const RedisReply& reply) {
                      if (reply.isError()) {
                        core::metrics().brokerPublishesDropped.fetch_add(1,
                                                                         std::memory_order_relaxed);
                      }
                    });
  }

  // Subscribers are added at start-up, before anything publishes. The first one starts the
  // connection to Redis, so nothing arrives before there is someone to hear it.
  void subscribe(Subscriber subscriber) override {
    subscribers_.push_back(std::move(subscriber));
    if (subscribers_.size() == 1) asio::post(ioc_, [this] { connect(); });
  }

  void follow(std::vector<std::string> conversationIds, std::function<void()> followed) override {
    asio::post(ioc_, [this, ids = std::move(conversationIds), followed = std::move(followed)] {
      auto waiter = std::make_shared<Waiter>(Waiter{.remaining = 0, .followed = followed});
      std::vector<std::string> subscribe;
      for (const auto& id : ids) {
        auto& c = conversations_[id];
        c.wanted = true;
        if (c.state == State::Subscribed) continue;
        ++waiter->remaining;
        c.waiters.push_back(waiter);
        if (c.state == State::None && subscriber_) {
          c.state = State::Subscribing;
          subscribe.push_back(conversationChannel(id));
        }
      }
      if (!subscribe.empty()) subscriber_->subscribe(std::move(subscribe));
      if (waiter->remaining == 0) {
        if (followed) followed();
      } else if (!subscriber_) {
        // Redis away: nothing to wait for (its return closes every connection with 1012, and
        // the clients resync then); the conversations are subscribed when it is back.
        for (const auto& id : ids) releaseWaiters(conversations_[id]);
      }
      followedGauge();
    });
  }

  void unfollow(std::vector<std::string> conversationIds) override {
    asio::post(ioc_, [this, ids = std::move(conversationIds)] {
      std::vector<std::string> unsubscribe;
      for (const auto& id : ids) {
        auto it = conversations_.find(id);
        if (it == conversations_.end()) continue;
        auto& c = it->second;
        c.wanted = false;
        if (c.state == State::None) {
          conversations_.erase(it);
        } else if (c.state == State::Subscribed) {
          c.state = State::Unsubscribing;
          unsubscribe.push_back(conversationChannel(id));
        }  // subscribing or unsubscribing: settled when Redis confirms
      }
      if (!unsubscribe.empty() && subscriber_) subscriber_->unsubscribe(std::move(unsubscribe));
      followedGauge();
    });
  }

  // An instance without Redis still commits and delivers to its own users: it stays ready.
  bool ready() override { return true; }

 private:
  // A follow() waiting for its conversations' subscriptions to be confirmed.
  struct Waiter {
    std::size_t remaining = 0;
    std::function<void()> followed;
  };
  // A conversation's channel goes None → Subscribing → Subscribed → Unsubscribing → (gone, or
  // Subscribing again if it is wanted again by then): never two (un)subscribes of one channel
  // in flight, which hiredis 0.14 would get wrong.
  enum class State { None, Subscribing, Subscribed, Unsubscribing };
  struct Conversation {
    bool wanted = false;
    State state = State::None;
    std::vector<std::shared_ptr<Waiter>> waiters;
  };

  std::shared_ptr<RedisClient> publisher() {
    std::lock_guard lock(publisherMutex_);
    return publisher_;
  }

  // On the broker's thread: a publishing connection and a subscribed one, which subscribes
  // the main channel and every conversation followed here.
  void connect() {
    if (stopping_) return;
    const auto generation = ++generation_;
    auto onLost = [this, generation](const std::string& why) {
      asio::post(ioc_, [this, generation, why] { lost(generation, why); });
    };
    {
      std::lock_guard lock(publisherMutex_);
      publisher_ = RedisClient::connect(ioc_.get_executor(), host_, port_, onLost);
    }
    subscriber_ = RedisClient::connect(ioc_.get_executor(), host_, port_, onLost);
    subscriber_->listen([this, generation](const RedisReply& reply) {
      if (generation == generation_) onSubscription(reply);
    });
    subscriber_->subscribe({options_.channel});
    std::vector<std::string> channels;
    for (auto& [id, c] : conversations_) {
      c.state = State::Subscribing;
      channels.push_back(conversationChannel(id));
      if (channels.size() == kChannelsPerCommand) {
        subscriber_->subscribe(std::move(channels));
        channels.clear();
      }
    }
    if (!channels.empty()) subscriber_->subscribe(std::move(channels));
  }

  void onSubscription(const RedisReply& reply) {
    if (reply.type != RedisReply::Type::Array || reply.elements.size() != 3) return;
    const auto& kind = reply.elements[0].text;
    const auto& channel = reply.elements[1].text;
    if (channel != options_.channel) {
      onConversationReply(kind, channel, reply.elements[2]);
      return;
    }
    if (kind == "subscribe") {
      retryDelay_ = kFirstRetry;
      spdlog::info("broker: subscribed to {} on redis {}:{}", options_.channel, host_, port_);
      if (std::exchange(missedSome_, false) && options_.resubscribed) options_.resubscribed();
      subscribedOnce_ = true;
      return;
    }
    if (kind == "message") heard(reply.elements[2].text);
  }

  void onConversationReply(const std::string& kind, const std::string& channel,
                           const RedisReply& payload) {
    if (!channel.starts_with(kConversationPrefix)) return;
    const auto it = conversations_.find(channel.substr(kConversationPrefix.size()));
    if (it == conversations_.end()) return;
    auto& c = it->second;
    if (kind == "message") {
      if (c.wanted) heard(payload.text);  // else: on its way out, nobody here needs it
      return;
    }
    if (kind == "subscribe") {
      c.state = State::Subscribed;
      releaseWaiters(c);
      if (!c.wanted) {
        c.state = State::Unsubscribing;
        subscriber_->unsubscribe({channel});
      }
    } else if (kind == "unsubscribe") {
      if (!c.wanted) {
        conversations_.erase(it);
      } else {
        c.state = State::Subscribing;
        subscriber_->subscribe({channel});
      }
    }
    followedGauge();
  }

  // The conversation is heard (or Redis is away, and there is nothing to wait for).
  static void releaseWaiters(Conversation& c) {
    for (const auto& waiter : std::exchange(c.waiters, {})) {
      if (--waiter->remaining == 0 && waiter->followed) waiter->followed();
    }
  }

  void heard(const std::string& payload) {
    auto envelope = decodeEnvelope(payload);
    if (!envelope) {
      spdlog::warn("broker: an event that is not an envelope of {} was dropped", kVersion);
      return;
    }
    if (envelope->instance == instance_) return;  // ours: delivered when it was published
    core::metrics().brokerEventsReceived.fetch_add(1, std::memory_order_relaxed);
    for (const auto& s : subscribers_) s(envelope->delivery);
  }

  void followedGauge() {
    core::metrics().brokerConversationsFollowed.store(
        static_cast<std::uint64_t>(conversations_.size()), std::memory_order_relaxed);
  }

  void lost(std::uint64_t generation, const std::string& why) {
    if (stopping_ || generation != generation_) return;  // a connection already replaced
    ++generation_;  // the other connection's loss, coming next, is the same event
    spdlog::warn("broker: redis {}:{} lost ({}); retrying in {} ms", host_, port_, why,
                 retryDelay_.count());
    missedSome_ = missedSome_ || subscribedOnce_;
    {
      std::lock_guard lock(publisherMutex_);
      if (publisher_) publisher_->close();
      publisher_.reset();
    }
    if (subscriber_) subscriber_->close();
    subscriber_.reset();
    // What was on its way out is gone with the connection; what is wanted is subscribed
    // again by the next connect(). Nobody waits for that: the return of Redis closes every
    // connection with 1012 (`resubscribed`), and the clients resync then.
    std::erase_if(conversations_, [](const auto& entry) { return !entry.second.wanted; });
    for (auto& [id, c] : conversations_) {
      c.state = State::None;
      releaseWaiters(c);
    }
    followedGauge();
    retry_.expires_after(retryDelay_);
    retryDelay_ = std::min<std::chrono::milliseconds>(retryDelay_ * 2, kLastRetry);
    retry_.async_wait([this](boost::system::error_code ec) {
      if (!ec) connect();
    });
  }

  RedisBrokerOptions options_;
  std::string instance_;
  std::string host_;
  int port_ = 0;
  std::vector<Subscriber> subscribers_;
  asio::io_context ioc_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  asio::steady_timer retry_;
  std::thread thread_;
  std::mutex publisherMutex_;
  std::shared_ptr<RedisClient> publisher_;  // publisherMutex_
  // The rest: the broker's thread only.
  std::shared_ptr<RedisClient> subscriber_;
  std::unordered_map<std::string, Conversation> conversations_;  // followed, or on the way out
  std::uint64_t generation_ = 0;
  std::chrono::milliseconds retryDelay_ = kFirstRetry;
  bool subscribedOnce_ = false;
  bool missedSome_ = false;
  bool stopping_ = false;
};

}  // namespace

std::string encodeEnvelope(const std::string& instance, const Delivery& delivery) {
  std::string out;
  const auto shared = delivery.sharedUserIds ? delivery.sharedUserIds->size() : 0;
  out.reserve(64 + delivery.conversationId.size() + 25 * (delivery.userIds.size() + shared) +
              delivery.frame->size());
  out.append(kVersion).append("\n").append(instance).append("\n");
  out.append(delivery.conversationId).append("\n").append(std::to_string(delivery.seq));
  out += '\n';
  out.append(delivery.groupChanged).append("\n");
  if (delivery.pairChanged.size() == 2) {
    out.append(delivery.pairChanged[0]).append(",").append(delivery.pairChanged[1]);
  }
  out += '\n';
  out.append(delivery.presenceOf).append("\n");
  out.append(delivery.tokensRevoked ? "1" : "").append("\n");
  bool first = true;
  const auto add = [&](const std::string& user) {
    if (!first) out += ',';
    first = false;
    out += user;
  };
  for (const auto& u : delivery.userIds) add(u);
  if (delivery.sharedUserIds) {
    for (const auto& u : *delivery.sharedUserIds) add(u);
  }
  out += '\n';
  out += *delivery.frame;
  return out;
}

std::optional<BrokerEnvelope> decodeEnvelope(std::string_view payload) {
  std::string_view version, instance, conversation, seq, group, pair, presence, revoked, users;
  if (!core::nextLine(payload, version) || version != kVersion ||
      !core::nextLine(payload, instance) || instance.empty() ||
      !core::nextLine(payload, conversation) || !core::nextLine(payload, seq) ||
      !core::nextLine(payload, group) || !core::nextLine(payload, pair) ||
      !core::nextLine(payload, presence) || !core::nextLine(payload, revoked) ||
      (revoked != "" && revoked != "1") || !core::nextLine(payload, users)) {
    return std::nullopt;
  }
  BrokerEnvelope out{.instance = std::string(instance), .delivery = {}};
  auto& d = out.delivery;
  if (!core::parseWholeInt(seq, d.seq) || d.seq < 0) return std::nullopt;
  d.conversationId = std::string(conversation);
  d.groupChanged = std::string(group);
  d.presenceOf = std::string(presence);
  d.tokensRevoked = revoked == "1";
  if (!pair.empty()) {
    const auto comma = pair.find(',');
    if (comma == std::string_view::npos || comma == 0 || comma + 1 == pair.size()) {
      return std::nullopt;
    }
    d.pairChanged = {std::string(pair.substr(0, comma)), std::string(pair.substr(comma + 1))};
  }
  while (!users.empty()) {
    const auto comma = users.find(',');
    const auto user = users.substr(0, comma);
    if (user.empty()) return std::nullopt;
    d.userIds.emplace_back(user);
    if (comma == std::string_view::npos) break;
    users.remove_prefix(comma + 1);
  }
  d.frame = std::make_shared<const std::string>(payload);
  return out;
}

std::string conversationChannel(std::string_view conversationId) {
  std::string channel(kConversationPrefix);
  channel += conversationId;
  return channel;
}

bool onConversationChannel(const Delivery& delivery) {
  return !delivery.conversationId.empty() && delivery.seq != 1 && delivery.groupChanged.empty() &&
         delivery.pairChanged.empty() && delivery.presenceOf.empty() && !delivery.tokensRevoked;
}

std::unique_ptr<Broker> makeRedisBroker(RedisBrokerOptions options) {
  return std::make_unique<RedisBroker>(std::move(options));
}

}  // namespace gc::broker
