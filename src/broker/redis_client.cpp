#include "broker/redis_client.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <strings.h>

#include <boost/asio/post.hpp>
#include <cstring>
#include <mutex>

namespace gc::broker {
namespace {

namespace asio = boost::asio;

RedisReply convert(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::String;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::Status;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::Error;
      out.text.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::Integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::Array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
      break;
    default:
      break;  // nil
  }
  return out;
}

RedisReply errorReply(std::string text) {
  RedisReply r;
  r.type = RedisReply::Type::Error;
  r.text = std::move(text);
  return r;
}

bool isSubscriptionCommand(const std::string& name) {
  return strcasecmp(name.c_str(), "subscribe") == 0 ||
         strcasecmp(name.c_str(), "psubscribe") == 0 ||
         strcasecmp(name.c_str(), "unsubscribe") == 0 ||
         strcasecmp(name.c_str(), "punsubscribe") == 0;
}

RedisClient* owner(const redisAsyncContext* context) {
  return static_cast<RedisClient*>(context->data);
}

}  // namespace

std::shared_ptr<RedisClient> RedisClient::connect(asio::any_io_executor strand,
                                                  const std::string& host, int port, Lost lost) {
  std::shared_ptr<RedisClient> client(new RedisClient(strand, std::move(lost)));
  asio::post(strand, [client, host, port] { client->open(host, port); });
  return client;
}

RedisClient::RedisClient(asio::any_io_executor strand, Lost lost)
    : strand_(strand), socket_(strand), lost_(std::move(lost)) {}

RedisClient::~RedisClient() {
  // A live context here: the executor went away with waits still armed. Free it without
  // calling anyone back (onReply and onDisconnected see no owner).
  if (!context_) return;
  if (socket_.is_open()) socket_.release();
  context_->data = nullptr;
  context_->ev = {};
  redisAsyncFree(context_);
}

void RedisClient::open(const std::string& host, int port) {
  // hiredis writes with write(2): a Redis that went away would raise SIGPIPE, whose default
  // ends the process. Asio's own sockets never raise it (MSG_NOSIGNAL), so ignoring it
  // process-wide changes nothing else.
  static std::once_flag noSigpipe;
  std::call_once(noSigpipe, [] { ::signal(SIGPIPE, SIG_IGN); });
  redisAsyncContext* context = redisAsyncConnect(host.c_str(), port);
  if (!context) {
    fail("redis: cannot allocate a connection");
    return;
  }
  if (context->err) {
    const std::string why = context->errstr;
    redisAsyncFree(context);
    fail("redis: " + why);
    return;
  }
  // The descriptor first: installing the connect callback already asks for a write event.
  boost::system::error_code ec;
  socket_.assign(context->c.fd, ec);
  if (ec) {
    redisAsyncFree(context);
    fail("redis: " + ec.message());
    return;
  }
  context_ = context;
  context->data = this;
  context->ev.data = this;
  context->ev.addRead = &RedisClient::addRead;
  context->ev.delRead = &RedisClient::delRead;
  context->ev.addWrite = &RedisClient::addWrite;
  context->ev.delWrite = &RedisClient::delWrite;
  context->ev.cleanup = &RedisClient::cleanup;
  redisAsyncSetConnectCallback(context, &RedisClient::onConnected);
  redisAsyncSetDisconnectCallback(context, &RedisClient::onDisconnected);
  addWrite(this);  // the connect completes on the first writable event
}

void RedisClient::command(std::vector<std::string> args, Done done) {
  asio::post(strand_, [self = shared_from_this(), args = std::move(args),
                       done = std::move(done)]() mutable { self->send(args, std::move(done)); });
}

void RedisClient::close() {
  asio::post(strand_, [self = shared_from_this()] {
    if (self->context_) redisAsyncDisconnect(self->context_);
  });
}

void RedisClient::listen(Done handler) {
  asio::post(strand_, [self = shared_from_this(), handler = std::move(handler)]() mutable {
    self->subscription_.done = std::move(handler);
  });
}

void RedisClient::subscribe(std::vector<std::string> channels) {
  asio::post(strand_, [self = shared_from_this(), channels = std::move(channels)] {
    self->sendSubscription("SUBSCRIBE", channels);
  });
}

void RedisClient::unsubscribe(std::vector<std::string> channels) {
  asio::post(strand_, [self = shared_from_this(), channels = std::move(channels)] {
    self->sendSubscription("UNSUBSCRIBE", channels);
  });
}

void RedisClient::sendSubscription(const char* verb, const std::vector<std::string>& channels) {
  // Without a connection there is nothing to subscribe on: the owner subscribes its new
  // client again when it makes one (it knows what it follows).
  if (!context_ || channels.empty() || !subscription_.done) return;
  std::vector<const char*> argv{verb};
  std::vector<std::size_t> lengths{std::strlen(verb)};
  for (const auto& c : channels) {
    argv.push_back(c.data());
    lengths.push_back(c.size());
  }
  // hiredis files the shared callback under each channel (SUBSCRIBE) or appends none
  // (UNSUBSCRIBE: its replies go to the channel's callback): nothing to free either way.
  if (redisAsyncCommandArgv(context_, &RedisClient::onReply, &subscription_,
                            static_cast<int>(argv.size()), argv.data(),
                            lengths.data()) == REDIS_OK) {
    if (std::strcmp(verb, "SUBSCRIBE") == 0) subscribed_ = true;
  }
}

void RedisClient::send(const std::vector<std::string>& args, Done done) {
  // Redis answers anything else on a subscribed connection with an error that hiredis 0.14
  // takes for a broken connection, and drops it with every subscription: refused here.
  const bool notNow = !args.empty() && subscribed_;
  const bool subscription = !args.empty() && isSubscriptionCommand(args.front());
  if (!context_ || args.empty() || notNow || subscription) {
    const char* why = args.empty()   ? "redis: empty command"
                      : subscription ? "redis: (un)subscribe through subscribe()/unsubscribe()"
                      : notNow       ? "redis: a subscribed connection takes no commands"
                                     : "redis: not connected";
    asio::post(strand_, [done = std::move(done), why] { done(errorReply(why)); });
    return;
  }
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* pending = new Pending{.done = std::move(done), .stays = false};
  if (redisAsyncCommandArgv(context_, &RedisClient::onReply, pending, static_cast<int>(argv.size()),
                            argv.data(), lengths.data()) == REDIS_OK) {
    return;
  }
  // Refused before it was sent: the connection is closing.
  Done refused = std::move(pending->done);
  delete pending;
  asio::post(strand_, [refused = std::move(refused)] {
    refused(errorReply("redis: command refused on this connection"));
  });
}

void RedisClient::fail(const std::string& why) {
  if (lostReported_) return;
  lostReported_ = true;
  if (lost_) lost_(why);
}

void RedisClient::onReply(redisAsyncContext* context, void* reply, void* privdata) {
  auto* pending = static_cast<Pending*>(privdata);
  // No owner: the client is being destroyed, and whoever waited is gone with it.
  if (owner(context) && pending->done) {
    if (reply) {
      pending->done(convert(*static_cast<redisReply*>(reply)));
    } else {
      pending->done(errorReply("redis: connection lost"));  // freed before it was answered
    }
  }
  if (!pending->stays) delete pending;
}

void RedisClient::onConnected(const redisAsyncContext* context, int status) {
  // A failed connect is freed by hiredis without onDisconnected: report it here.
  if (status != REDIS_OK && owner(context))
    owner(context)->fail(std::string("redis: ") + context->errstr);
}

void RedisClient::onDisconnected(const redisAsyncContext* context, int status) {
  auto* self = owner(context);
  if (!self) return;
  self->fail(status == REDIS_OK ? "redis: connection closed"
                                : std::string("redis: ") + context->errstr);
}

// --- hiredis's event hooks: idempotent, on the strand

void RedisClient::addRead(void* self) {
  auto* client = static_cast<RedisClient*>(self);
  client->wantRead_ = true;
  client->armRead();
}

void RedisClient::delRead(void* self) {
  static_cast<RedisClient*>(self)->wantRead_ = false;  // an armed wait is ignored when it fires
}

void RedisClient::addWrite(void* self) {
  auto* client = static_cast<RedisClient*>(self);
  client->wantWrite_ = true;
  client->armWrite();
}

void RedisClient::delWrite(void* self) {
  static_cast<RedisClient*>(self)->wantWrite_ = false;
}

void RedisClient::cleanup(void* self) {
  // hiredis is freeing the context and will close the descriptor itself.
  auto* client = static_cast<RedisClient*>(self);
  client->context_ = nullptr;
  client->wantRead_ = client->wantWrite_ = false;
  if (client->socket_.is_open()) client->socket_.release();  // armed waits: aborted
}

void RedisClient::armRead() {
  if (readArmed_ || !context_) return;
  readArmed_ = true;
  socket_.async_wait(asio::posix::stream_descriptor::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       self->readArmed_ = false;
                       if (ec || !self->context_) return;
                       if (self->wantRead_) redisAsyncHandleRead(self->context_);
                       if (self->wantRead_) self->armRead();  // false once it was freed
                     });
}

void RedisClient::armWrite() {
  if (writeArmed_ || !context_) return;
  writeArmed_ = true;
  socket_.async_wait(asio::posix::stream_descriptor::wait_write,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       self->writeArmed_ = false;
                       if (ec || !self->context_) return;
                       if (self->wantWrite_) redisAsyncHandleWrite(self->context_);
                       if (self->wantWrite_) self->armWrite();
                     });
}

}  // namespace gc::broker
