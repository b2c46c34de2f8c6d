// RedisClient against a real redis-server that each test starts on a free loopback port (and
// may kill): commands and replies, binary-safe values, pub/sub across two connections, a
// killed subscriber, a dead server and a refused connect.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "broker/redis_client.hpp"
#include "redis_test_server.hpp"

namespace gc::broker {
namespace {

using namespace std::chrono_literals;
using Type = RedisReply::Type;

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.ready()) << "redis-server did not start (scripts/setup.sh installs it)";
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    io_.stop();
    thread_.join();
  }

  std::shared_ptr<RedisClient> client(std::promise<std::string>* lost = nullptr) {
    return RedisClient::connect(io_.get_executor(), "127.0.0.1", redis_.port(),
                                [lost](const std::string& why) {
                                  if (lost) lost->set_value(why);
                                });
  }

  // The reply to one command, waited for at most 10 s.
  RedisReply run(RedisClient& c, std::vector<std::string> args) {
    std::promise<RedisReply> reply;
    auto got = reply.get_future();
    c.command(std::move(args), [&reply](const RedisReply& r) { reply.set_value(r); });
    EXPECT_EQ(got.wait_for(10s), std::future_status::ready);
    return got.get();
  }

  RedisServer redis_;
  boost::asio::io_context io_{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::thread thread_;
};

TEST_F(RedisClientTest, CommandsGetTheirRepliesInOrderAndValuesAreBinarySafe) {
  auto c = client();
  const std::string value("line one\r\nline two\0after a nul", 30);
  EXPECT_EQ(run(*c, {"SET", "k", value}).text, "OK");
  const auto got = run(*c, {"GET", "k"});
  EXPECT_EQ(got.type, Type::String);
  EXPECT_EQ(got.text, value);
  EXPECT_EQ(run(*c, {"GET", "missing"}).type, Type::Nil);
  EXPECT_EQ(run(*c, {"INCR", "n"}).integer, 1);
  EXPECT_EQ(run(*c, {"INCR", "n"}).integer, 2);
  const auto list = run(*c, {"MGET", "k", "missing"});
  ASSERT_EQ(list.type, Type::Array);
  ASSERT_EQ(list.elements.size(), 2u);
  EXPECT_EQ(list.elements[1].type, Type::Nil);
  const auto bad = run(*c, {"NOSUCHCOMMAND"});
  EXPECT_TRUE(bad.isError());
  EXPECT_NE(bad.text.find("unknown command"), std::string::npos);
  c->close();
}

TEST_F(RedisClientTest, ASubscriberGetsWhatAnotherConnectionPublishes) {
  auto subscriber = client();
  auto publisher = client();
  std::promise<void> subscribed;
  std::promise<RedisReply> message;
  int seen = 0;
  subscriber->listen([&](const RedisReply& r) {
    ASSERT_EQ(r.type, Type::Array);
    if (++seen == 1) {
      EXPECT_EQ(r.elements[0].text, "subscribe");
      subscribed.set_value();
    } else if (seen == 2) {
      message.set_value(r);
    }
  });
  subscriber->subscribe({"conv:1"});
  ASSERT_EQ(subscribed.get_future().wait_for(10s), std::future_status::ready);
  const std::string payload("{\"type\":\"message\"}\0binary", 25);
  EXPECT_EQ(run(*publisher, {"PUBLISH", "conv:1", payload}).integer, 1);  // one subscriber
  auto got = message.get_future();
  ASSERT_EQ(got.wait_for(10s), std::future_status::ready);
  const auto m = got.get();
  ASSERT_EQ(m.elements.size(), 3u);
  EXPECT_EQ(m.elements[0].text, "message");
  EXPECT_EQ(m.elements[1].text, "conv:1");
  EXPECT_EQ(m.elements[2].text, payload);
  // A subscribed connection takes no plain commands: refused with an error, not dropped.
  EXPECT_TRUE(run(*subscriber, {"GET", "k"}).isError());
  EXPECT_EQ(run(*publisher, {"PUBLISH", "conv:1", "again"}).integer, 1);
}

// Channels come and go on one connection: every confirmation and message reaches the one
// handler, an unsubscribed channel hears nothing more while the others still do, and the
// channel can be subscribed again once its unsubscribe is confirmed.
TEST_F(RedisClientTest, ChannelsAreSubscribedAndUnsubscribedThroughOneHandler) {
  auto subscriber = client();
  auto publisher = client();
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> heard;  // "kind channel [payload]"
  subscriber->listen([&](const RedisReply& r) {
    if (r.type != Type::Array || r.elements.size() != 3) return;
    std::lock_guard lock(mutex);
    auto line = r.elements[0].text + " " + r.elements[1].text;
    if (r.elements[0].text == "message") line += " " + r.elements[2].text;
    heard.push_back(line);
    changed.notify_all();
  });
  // Waits until `line` was heard `times` times.
  const auto waitFor = [&](const std::string& line, long times = 1) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, 10s,
                            [&] { return std::count(heard.begin(), heard.end(), line) >= times; });
  };
  subscriber->subscribe({"c:a", "c:b"});
  ASSERT_TRUE(waitFor("subscribe c:a"));
  ASSERT_TRUE(waitFor("subscribe c:b"));
  subscriber->unsubscribe({"c:a"});
  ASSERT_TRUE(waitFor("unsubscribe c:a"));
  EXPECT_EQ(run(*publisher, {"PUBLISH", "c:a", "lost"}).integer, 0);
  EXPECT_EQ(run(*publisher, {"PUBLISH", "c:b", "kept"}).integer, 1);
  ASSERT_TRUE(waitFor("message c:b kept"));
  subscriber->subscribe({"c:a"});
  ASSERT_TRUE(waitFor("subscribe c:a", 2));
  EXPECT_EQ(run(*publisher, {"PUBLISH", "c:a", "back"}).integer, 1);
  ASSERT_TRUE(waitFor("message c:a back"));
  std::lock_guard lock(mutex);
  EXPECT_EQ(std::count(heard.begin(), heard.end(), "message c:a lost"), 0);
  // (Un)subscribing through command() would leave hiredis a callback per command: refused.
  EXPECT_TRUE(run(*publisher, {"SUBSCRIBE", "c:x"}).isError());
}

TEST_F(RedisClientTest, AKilledSubscriberIsReportedLost) {
  std::promise<std::string> lost;
  auto subscriber = client(&lost);
  std::promise<void> subscribed;
  bool first = true;
  subscriber->listen([&](const RedisReply&) {
    if (std::exchange(first, false)) subscribed.set_value();
  });
  subscriber->subscribe({"conv:2"});
  ASSERT_EQ(subscribed.get_future().wait_for(10s), std::future_status::ready);
  auto admin = client();
  EXPECT_EQ(run(*admin, {"CLIENT", "KILL", "TYPE", "pubsub"}).integer, 1);
  auto why = lost.get_future();
  ASSERT_EQ(why.wait_for(10s), std::future_status::ready);
  EXPECT_NE(why.get().find("redis:"), std::string::npos);
  // Nothing reaches it any more, and it takes no commands.
  EXPECT_EQ(run(*admin, {"PUBLISH", "conv:2", "x"}).integer, 0);
  EXPECT_TRUE(run(*subscriber, {"PING"}).isError());
}

TEST_F(RedisClientTest, ADeadServerFailsWaitingCommandsAndReportsTheLoss) {
  std::promise<std::string> lost;
  auto c = client(&lost);
  EXPECT_EQ(run(*c, {"PING"}).text, "PONG");
  redis_.kill();
  auto why = lost.get_future();
  // The loss shows at the latest when the next command finds the connection gone.
  const auto reply = run(*c, {"PING"});
  EXPECT_TRUE(reply.isError());
  ASSERT_EQ(why.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(run(*c, {"PING"}).isError());
}

TEST_F(RedisClientTest, ARefusedConnectIsReportedAndCommandsFail) {
  std::promise<std::string> lost;
  auto c = RedisClient::connect(io_.get_executor(), "127.0.0.1", freeLoopbackPort(),
                                [&lost](const std::string& why) { lost.set_value(why); });
  const auto reply = run(*c, {"PING"});
  EXPECT_TRUE(reply.isError());
  auto why = lost.get_future();
  ASSERT_EQ(why.wait_for(10s), std::future_status::ready);
  EXPECT_NE(why.get().find("redis:"), std::string::npos);
}

}  // namespace
}  // namespace gc::broker
