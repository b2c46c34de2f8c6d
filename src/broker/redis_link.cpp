#include "broker/redis_link.hpp"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <charconv>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace gc::broker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr auto kFirstRetry = 100ms;
constexpr auto kLastRetry = 2s;

RedisReply errorReply(std::string text) {
  RedisReply r;
  r.type = RedisReply::Type::Error;
  r.text = std::move(text);
  return r;
}

std::string sha1Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace

RedisAddress parseRedisUrl(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  std::string_view rest(url);
  if (!rest.starts_with(kScheme))
    throw std::invalid_argument("--redis: expected redis://HOST:PORT");
  rest.remove_prefix(kScheme.size());
  if (const auto slash = rest.find('/'); slash != std::string_view::npos)
    rest = rest.substr(0, slash);
  const auto colon = rest.rfind(':');
  RedisAddress out;
  std::string_view host = rest;
  if (colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    const auto digits = rest.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.port);
    if (ec != std::errc() || end != digits.data() + digits.size() || out.port <= 0 ||
        out.port > 65535) {
      throw std::invalid_argument("--redis: bad port in " + url);
    }
  }
  if (host.empty()) throw std::invalid_argument("--redis: no host in " + url);
  out.host = std::string(host);
  return out;
}

RedisScript::RedisScript(std::string text) : source(std::move(text)), sha1(sha1Hex(source)) {}

// Shared with the callbacks of the connection, which may outlive the link by a little.
struct RedisLink::State : std::enable_shared_from_this<State> {
  explicit State(RedisLink::Options o)
      : options(std::move(o)),
        address(parseRedisUrl(options.url)),
        work(asio::make_work_guard(ioc)),
        retry(ioc) {}

  // On the link's thread.
  void connect() {
    if (stopping) return;
    const auto generation = ++this->generation;
    auto self = shared_from_this();
    auto fresh = RedisClient::connect(
        ioc.get_executor(), address.host, address.port, [self, generation](const std::string& why) {
          asio::post(self->ioc, [self, generation, why] { self->lost(generation, why); });
        });
    {
      std::lock_guard lock(mutex);
      client = fresh;
    }
    fresh->command({"PING"}, [self, generation](const RedisReply& reply) {
      if (reply.isError() || generation != self->generation || self->stopping) return;
      self->retryDelay = kFirstRetry;
      self->up = true;
      if (std::exchange(self->lostOnce, false)) {
        spdlog::info("redis {}:{}: connection back", self->address.host, self->address.port);
        if (self->options.reconnected) self->options.reconnected();
      }
    });
  }

  void lost(std::uint64_t generation, const std::string& why) {
    if (stopping || generation != this->generation) return;
    up = false;
    if (!lostOnce) {
      spdlog::warn("redis {}:{}: {}; retrying", address.host, address.port, why);
    }
    lostOnce = true;
    {
      std::lock_guard lock(mutex);
      client.reset();
    }
    retry.expires_after(retryDelay);
    retryDelay = std::min<std::chrono::milliseconds>(retryDelay * 2, kLastRetry);
    retry.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->connect();
    });
  }

  std::shared_ptr<RedisClient> current() {
    std::lock_guard lock(mutex);
    return client;
  }

  RedisLink::Options options;
  RedisAddress address;
  asio::io_context ioc{1};
  asio::executor_work_guard<asio::io_context::executor_type> work;
  asio::steady_timer retry;
  std::mutex mutex;
  std::shared_ptr<RedisClient> client;  // mutex; null between a loss and the next attempt
  std::atomic<bool> up{false};
  std::atomic<bool> closed{false};  // set by close(): commands are answered at once
  // The link's thread only.
  std::uint64_t generation = 0;
  std::chrono::milliseconds retryDelay = kFirstRetry;
  bool lostOnce = false;
  bool stopping = false;
};

RedisLink::RedisLink(Options options) : state_(std::make_shared<State>(std::move(options))) {
  asio::post(state_->ioc, [s = state_] { s->connect(); });
  thread_ = std::thread([s = state_] { s->ioc.run(); });
}

RedisLink::~RedisLink() {
  close();
}

void RedisLink::close() {
  if (!thread_.joinable()) return;
  state_->closed = true;
  asio::post(state_->ioc, [s = state_] {
    s->stopping = true;
    s->up = false;
    s->retry.cancel();
    if (auto c = s->current()) c->close();
    {
      std::lock_guard lock(s->mutex);
      s->client.reset();
    }
    s->work.reset();
  });
  thread_.join();
}

void RedisLink::command(std::vector<std::string> args, Done done) {
  if (state_->closed) {
    done(errorReply("redis: closed"));
    return;
  }
  auto client = state_->current();
  if (!client) {
    asio::post(state_->ioc, [done = std::move(done)] { done(errorReply("redis: unavailable")); });
    return;
  }
  client->command(std::move(args), std::move(done));
}

void RedisLink::script(const RedisScript& s, std::vector<std::string> keys,
                       std::vector<std::string> args, Done done) {
  std::vector<std::string> evalsha{"EVALSHA", s.sha1, std::to_string(keys.size())};
  evalsha.insert(evalsha.end(), keys.begin(), keys.end());
  evalsha.insert(evalsha.end(), args.begin(), args.end());
  // Redis forgets scripts when it restarts: the first call after that sends the source.
  command(std::move(evalsha),
          [this, source = s.source, keys = std::move(keys), args = std::move(args),
           done = std::move(done)](const RedisReply& reply) mutable {
            if (!reply.isError() || !reply.text.starts_with("NOSCRIPT")) {
              done(reply);
              return;
            }
            std::vector<std::string> eval{"EVAL", std::move(source), std::to_string(keys.size())};
            eval.insert(eval.end(), std::make_move_iterator(keys.begin()),
                        std::make_move_iterator(keys.end()));
            eval.insert(eval.end(), std::make_move_iterator(args.begin()),
                        std::make_move_iterator(args.end()));
            command(std::move(eval), std::move(done));
          });
}

void RedisLink::within(std::chrono::milliseconds limit, std::function<void(Done)> send, Done done) {
  if (state_->closed) {
    done(errorReply("redis: closed"));
    return;
  }
  // The reply and the timer meet on the link's thread: the first one answers, and empties
  // `done` so that the other finds nothing to call.
  struct Race {
    Race(asio::io_context& ioc, Done d) : timer(ioc), done(std::move(d)) {}
    asio::steady_timer timer;
    Done done;
  };
  auto race = std::make_shared<Race>(state_->ioc, std::move(done));
  asio::post(state_->ioc, [race, limit, send = std::move(send)] {
    race->timer.expires_after(limit);
    race->timer.async_wait([race, limit](boost::system::error_code ec) {
      if (ec || !race->done) return;
      const auto done = std::exchange(race->done, nullptr);
      done(errorReply("redis: no answer in " + std::to_string(limit.count()) + " ms"));
    });
    send([race](const RedisReply& reply) {
      if (!race->done) return;  // too late: the caller heard the error already
      race->timer.cancel();
      const auto done = std::exchange(race->done, nullptr);
      done(reply);
    });
  });
}

void RedisLink::scriptWithin(const RedisScript& s, std::vector<std::string> keys,
                             std::vector<std::string> args, std::chrono::milliseconds limit,
                             Done done) {
  within(
      limit,
      [this, lua = &s, keys = std::move(keys), args = std::move(args)](Done reply) mutable {
        script(*lua, std::move(keys), std::move(args), std::move(reply));
      },
      std::move(done));
}

namespace {

RedisReply waitFor(std::future<RedisReply> reply, std::chrono::milliseconds limit) {
  if (reply.wait_for(limit) != std::future_status::ready) {
    return errorReply("redis: no answer in " + std::to_string(limit.count()) + " ms");
  }
  return reply.get();
}

}  // namespace

RedisReply RedisLink::call(std::vector<std::string> args, std::chrono::milliseconds limit) {
  auto promise = std::make_shared<std::promise<RedisReply>>();
  auto future = promise->get_future();
  command(std::move(args), [promise](const RedisReply& r) { promise->set_value(r); });
  return waitFor(std::move(future), limit);
}

RedisReply RedisLink::callScript(const RedisScript& s, std::vector<std::string> keys,
                                 std::vector<std::string> args, std::chrono::milliseconds limit) {
  auto promise = std::make_shared<std::promise<RedisReply>>();
  auto future = promise->get_future();
  script(s, std::move(keys), std::move(args),
         [promise](const RedisReply& r) { promise->set_value(r); });
  return waitFor(std::move(future), limit);
}

bool RedisLink::connected() const {
  return state_->up && !state_->closed;
}

}  // namespace gc::broker
