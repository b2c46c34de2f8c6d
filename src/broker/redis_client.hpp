#pragma once
// One connection to Redis on an Asio strand: hiredis speaks the protocol, Asio tells it when
// the socket can be read or written (hiredis's event hooks become async_waits on the socket's
// descriptor). The groundwork of the Redis broker (issue 7): commands queue and complete on
// the strand, and a subscription's messages arrive there too, so nothing in it takes a lock.
//
// A connection is not re-established here: when it is lost (Redis restarted, the connection
// killed, a refused connect) `lost` runs once, every command still waiting gets an error
// reply, and the owner makes a new client (it knows what to subscribe to again).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

struct redisAsyncContext;

namespace gc::broker {

struct RedisReply {
  enum class Type { Nil, Status, Error, Integer, String, Array };
  Type type = Type::Nil;
  std::string text;  // Status, Error and String (binary-safe)
  long long integer = 0;
  std::vector<RedisReply> elements;  // Array

  bool isError() const { return type == Type::Error; }
};

class RedisClient : public std::enable_shared_from_this<RedisClient> {
 public:
  using Done = std::function<void(const RedisReply&)>;
  using Lost = std::function<void(const std::string& why)>;

  // Starts connecting; commands may be sent at once (they wait for the connection). `strand`
  // must not run handlers concurrently (a strand, or an io_context run by one thread).
  static std::shared_ptr<RedisClient> connect(boost::asio::any_io_executor strand,
                                              const std::string& host, int port, Lost lost);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends a command from any thread; `done` runs on the strand with the reply. Not for
  // (UN)SUBSCRIBE (refused: they have subscribe() and unsubscribe()); once subscribed, the
  // connection takes no command at all (refused with an error reply, unsent).
  void command(std::vector<std::string> args, Done done);
  // Subscriptions, from any thread. Every reply they bring (a channel's subscribe and
  // unsubscribe confirmations, its messages) goes to the one `handler` given to listen(),
  // which must come first: hiredis 0.14 keeps a callback per channel and hands UNSUBSCRIBE's
  // replies to it, so one shared handler is the only one that is neither freed while a
  // channel still uses it nor leaked per command. A channel must not be subscribed again
  // before its unsubscribe is confirmed (hiredis would drop the new callback with the old).
  void listen(Done handler);
  void subscribe(std::vector<std::string> channels);
  void unsubscribe(std::vector<std::string> channels);
  // Closes the connection (commands already sent still get their replies first); `lost` runs.
  void close();

 private:
  // What hiredis hands back to onReply: a command's callback, and whether it stays for more
  // replies (a subscription) or goes after its one reply.
  struct Pending {
    Done done;
    bool stays = false;
  };
  RedisClient(boost::asio::any_io_executor strand, Lost lost);
  void open(const std::string& host, int port);
  void send(const std::vector<std::string>& args, Done done);
  void sendSubscription(const char* verb, const std::vector<std::string>& channels);
  void fail(const std::string& why);
  void armRead();
  void armWrite();
  static void onReply(redisAsyncContext* context, void* reply, void* privdata);
  static void onConnected(const redisAsyncContext* context, int status);
  static void onDisconnected(const redisAsyncContext* context, int status);
  static void addRead(void* self);
  static void delRead(void* self);
  static void addWrite(void* self);
  static void delWrite(void* self);
  static void cleanup(void* self);

  boost::asio::any_io_executor strand_;
  boost::asio::posix::stream_descriptor socket_;
  redisAsyncContext* context_ = nullptr;  // null once hiredis freed it
  Lost lost_;
  // What every subscribed channel calls: lives as long as the connection does.
  Pending subscription_{.done = nullptr, .stays = true};
  bool wantRead_ = false;
  bool wantWrite_ = false;
  bool readArmed_ = false;
  bool writeArmed_ = false;
  bool lostReported_ = false;
  bool subscribed_ = false;
};

}  // namespace gc::broker
