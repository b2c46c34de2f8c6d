#include "ws/ws_session.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <span>
#include <vector>

#include "chat/typing_throttle.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"
#include "core/time_format.hpp"
#include "core/token_bucket.hpp"
#include "hub/connection.hpp"
#include "hub/outbox.hpp"
#include "ws/frame_codec.hpp"
#include "ws/frame_encoder.hpp"
#include "ws/frame_parser.hpp"
#include "ws/handshake.hpp"
#include "ws/keepalive.hpp"

namespace gc::ws {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;
using Event = FrameParser::Event;

// How long a close may take, from queuing our close frame to closing the socket: flushing what
// is queued ahead of it and waiting for the peer's close frame.
// Shorter than the 5 s main::drain waits for sessions to end, so every session has closed its
// socket before the threads stop.
constexpr auto kCloseTimeout = std::chrono::seconds(3);
// One socket read at most; also what a network thread keeps for all of its connections.
constexpr std::size_t kScratchSize = 64 * 1024;
// Full reads in a row before yielding the thread to other connections.
constexpr int kReadsPerTurn = 4;

// Every read lands here first: one buffer per network thread instead of one per connection.
// The parser copies out only the bytes of a message that is not complete yet.
std::span<char> scratch() {
  thread_local const auto buffer = std::make_unique<char[]>(kScratchSize);
  return {buffer.get(), kScratchSize};
}

const broker::SharedFrame& pongFrame() {
  static const auto frame = std::make_shared<const std::string>(R"({"type":"pong"})");
  return frame;
}

const broker::SharedFrame& emptyPayload() {
  static const auto payload = std::make_shared<const std::string>();
  return payload;
}

// One frame waiting to be written: the shared payload and the header for this connection.
// The 101 response goes through the same queue with an empty header.
struct Outgoing {
  broker::SharedFrame payload;
  FrameHeader header;
};

// One chat connection. Everything below runs on the connection's strand (the socket's
// executor); send() and close() may be called from any thread and post onto it, keepAlive()
// reads only the atomic activity time before it posts.
//
// Closing, in the three ways it happens:
// - we close (logout 1008, shutdown 1001): our close frame goes behind the frames already
//   queued, then we wait for the peer's close frame and close the socket (§7.1.1);
// - the peer breaks the protocol (1002, 1007, 1009): the same, but after our close frame we
//   send FIN and discard input until the peer hangs up;
// - the peer closes: we echo its code behind the queued frames and close the socket;
// - the peer is gone or cannot keep up (I/O error, idle timeout, slow consumer): the socket
//   is closed at once, without a close frame, which it would not read anyway.
// kCloseTimeout bounds the first two.
class Session final : public hub::Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(api::App& app, tcp::socket socket, chat::Claims claims)
      : hub::Connection(std::move(claims.sub), std::move(claims.jti), claims.exp),
        app_(app),
        socket_(std::move(socket)),
        parser_(app.config.wsFrameLimit) {}

  void start(std::string_view key, bool answerSubprotocol, std::string_view early) {
    touch();
    error_code ec;
    // Reads happen only once the socket is readable; would_block is the end of what arrived.
    socket_.non_blocking(true, ec);
    if (ec) {
      shutdownSocket();
      return;
    }
    push(std::make_shared<const std::string>(upgradeResponse(key, answerSubprotocol)), {});
    attached_ = true;
    app_.hub.attach(shared_from_this());
    core::metrics().wsConnections.fetch_add(1, std::memory_order_relaxed);
    app_.messages.rememberUser(userId());
    app_.presence.connected(userId(), id());
    std::string pipelined(early);
    consume(std::span(pipelined.data(), pipelined.size()));
    waitReadable();
  }

  void send(broker::SharedFrame frame) override {
    asio::post(socket_.get_executor(), [self = shared_from_this(), frame = std::move(frame)] {
      self->enqueue(Opcode::Text, frame);
    });
  }

  void sendBatch(std::vector<broker::SharedFrame> frames) override {
    asio::post(socket_.get_executor(), [self = shared_from_this(), frames = std::move(frames)] {
      // All of them in one write, not the first alone and the rest behind it.
      for (const auto& frame : frames) self->enqueue(Opcode::Text, frame, false);
      self->flush();
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    asio::post(socket_.get_executor(),
               [self = shared_from_this(), code, reason = std::move(reason)] {
                 self->startClose(code, reason);
               });
  }

  void keepAlive(Clock::time_point now, std::chrono::milliseconds idleTimeout) override {
    // Most connections are busy or were checked recently: decide that without a post.
    if (idleAction(now - lastActivity(), idleTimeout, false) == IdleAction::None) return;
    asio::post(socket_.get_executor(),
               [self = shared_from_this(), idleTimeout] { self->onIdle(idleTimeout); });
  }

 private:
  // --- reads: no buffer while idle; wait for readability, then read into the scratch buffer ---

  bool wantsInput() const { return !closed_ && !paused_ && !peerClosed_; }

  void waitReadable() {
    if (!wantsInput() || waiting_) return;
    waiting_ = true;
    // async_wait re-arms epoll, so it also completes for bytes that are already waiting.
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
      self->waiting_ = false;
      if (ec) return self->shutdownSocket();
      self->readAvailable();
    });
  }

  void readAvailable() {
    const auto buffer = scratch();
    for (int reads = 0; wantsInput(); ++reads) {
      if (reads == kReadsPerTurn) {
        // A fast sender: let the other connections on this thread have a turn.
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->readAvailable(); });
        return;
      }
      error_code ec;
      const std::size_t n = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) break;
      if (ec) return shutdownSocket();  // eof or reset: the peer is gone
      touch();
      // After a protocol error the parser is done: only wait for the peer to hang up.
      if (!failed_) consume(buffer.first(n));
      if (n < buffer.size()) break;  // the kernel had no more than this
    }
    waitReadable();
  }

  // Parses `input` and acts on each event. Stops when reading pauses (keeping the rest in
  // unread_) or ends.
  void consume(std::span<char> input) {
    while (!closed_ && !peerClosed_ && !failed_) {
      if (paused_) {
        unread_.assign(input.data(), input.size());
        return;
      }
      const Event event = parser_.next(input);
      switch (event.kind) {
        case Event::Kind::NeedMore:
          return;
        case Event::Kind::Text:
          if (!closeQueued_ && admit(event.payload, true)) handle(event.payload);
          break;
        case Event::Kind::Binary:
          if (!closeQueued_ && admit(event.payload, false))
            reject("invalid_frame", "frames are JSON text, not binary", {});
          break;
        case Event::Kind::Ping:
          // Our close frame must be the last frame we send, so no pong after it.
          if (!closeQueued_)
            enqueue(Opcode::Pong, std::make_shared<const std::string>(event.payload));
          break;
        case Event::Kind::Pong:
          break;  // its bytes already counted as activity
        case Event::Kind::Close:
          onPeerClose(event.code);
          return;
        case Event::Kind::Error:
          onProtocolError(event.code);
          return;
      }
    }
  }

  // Called when the authorization lookup is done.
  void resume() {
    paused_ = false;
    if (closed_) return;
    if (!unread_.empty()) {
      std::string pending;
      pending.swap(unread_);
      if (!failed_) consume(std::span(pending.data(), pending.size()));
    }
    waitReadable();
  }

  void touch() {
    lastActivity_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    pinged_ = false;
  }

  Clock::time_point lastActivity() const {
    return Clock::time_point(Clock::duration(lastActivity_.load(std::memory_order_relaxed)));
  }

  void onIdle(std::chrono::milliseconds idleTimeout) {
    if (closed_) return;
    switch (idleAction(Clock::now() - lastActivity(), idleTimeout, pinged_)) {
      case IdleAction::None:
        break;
      case IdleAction::Ping:
        if (closeQueued_) break;  // the close timeout takes care of it
        pinged_ = true;
        enqueue(Opcode::Ping, emptyPayload());
        break;
      case IdleAction::Drop:
        spdlog::debug("dropping idle WebSocket of {}", userId());
        shutdownSocket();
        break;
    }
  }

  // --- chat frames ---

  // Every client message (text or binary, a JSON ping too: it costs a parse and an answer like
  // any other) takes a token; RFC 6455 control frames do not (they stay with the protocol
  // layer, and a ping flood meets the write-queue bound). A message over the limit is answered
  // with a rate_limited error frame and not processed; more refused messages than
  // --ws-flood-limit allows close the connection with 1008.
  bool admit(std::string_view payload, bool text) {
    const auto& config = app_.config;
    const auto now = Clock::now();
    if (frameBucket_.take(config.wsFrameRateLimit, now).allowed) return true;
    core::metrics().wsFramesRateLimited.fetch_add(1, std::memory_order_relaxed);
    if (!floodBucket_.take(config.wsFloodLimit, now).allowed) {
      core::metrics().wsFloodClosed.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("closing WebSocket of {}: flooding past the rate limit", userId());
      startClose(close_code::kPolicyViolation, "rate limit exceeded");
      return false;
    }
    reject("rate_limited", "too many messages; slow down",
           text ? clientMsgIdOf(payload) : std::string());
    return false;
  }

  void handle(std::string_view text) {
    ClientFrame frame;
    try {
      frame = decodeClientFrame(text);
    } catch (const FrameError& e) {
      reject(e.code, e.message, e.ref);
      return;
    }
    switch (frame.type) {
      case ClientFrame::Type::Ping:
        enqueue(Opcode::Text, pongFrame());
        break;
      case ClientFrame::Type::Send:
        handleSend(std::move(frame.send));
        break;
      case ClientFrame::Type::Typing:
        handleTyping(frame);
        break;
      case ClientFrame::Type::Read:
        handleRead(frame);
        break;
      case ClientFrame::Type::Presence:
        app_.presence.setAway(userId(), id(), frame.away);
        break;
    }
  }

  void handleSend(chat::SendRequest request) {
    request.originConnection = id();  // this connection gets the ack instead of the message
    std::optional<chat::Target> target;
    try {
      target = app_.messages.authorizeCached(userId(), request.conversationId);
    } catch (const core::ApiError& e) {
      reject(e.code(), e.what(), request.clientMsgId);
      return;
    }
    if (target) {
      submit(*target, std::move(request));
      return;
    }
    // The cache could not decide: look up on the blocking pool, and stop reading meanwhile
    // so this connection's sends stay in order.
    paused_ = true;
    asio::post(app_.blocking, [self = shared_from_this(), request = std::move(request)]() mutable {
      std::optional<chat::Target> t;
      std::optional<core::ApiError> error;
      try {
        t = self->app_.messages.authorize(self->userId(), request.conversationId);
      } catch (const core::ApiError& e) {
        error = e;
      } catch (const std::exception& e) {
        error = core::unavailable(e.what());
      }
      asio::post(self->socket_.get_executor(), [self, t = std::move(t), error = std::move(error),
                                                request = std::move(request)]() mutable {
        if (error) {
          self->reject(error->code(), error->what(), request.clientMsgId);
        } else {
          self->submit(*t, std::move(request));
        }
        self->resume();
      });
    });
  }

  void submit(const chat::Target& target, chat::SendRequest request) {
    const std::string ref = request.clientMsgId;
    try {
      app_.messages.send(userId(), target, std::move(request),
                         [self = shared_from_this(), ref](const chat::SendOutcome& outcome,
                                                          const std::exception_ptr& error) {
                           // On the store's commit thread, inside the batch's Outbox: the ack joins
                           // this connection's other frames of the batch in one hand-over.
                           if (error) {
                             hub::Outbox::send(self, std::make_shared<const std::string>(
                                                         errorFrameFor(error, ref)));
                             return;
                           }
                           hub::Outbox::send(self, std::make_shared<const std::string>(
                                                       encodeAckFrame(ref, outcome.messageJson)));
                         });
    } catch (const core::ApiError& e) {
      reject(e.code(), e.what(), ref);
    }
  }

  static std::string errorFrameFor(const std::exception_ptr& error, const std::string& ref) {
    try {
      std::rethrow_exception(error);
    } catch (const core::ApiError& e) {
      return encodeErrorFrame(e.code(), e.what(), ref);
    } catch (const std::exception& e) {
      spdlog::error("send failed: {}", e.what());
      return encodeErrorFrame("unavailable", "the message could not be stored; retry", ref);
    }
  }

  void handleTyping(const ClientFrame& frame) {
    try {
      // Authorized before throttled: an outsider or a blocked user always hears why.
      auto target = app_.messages.authorizeCached(userId(), frame.conversationId);
      if (!target) return;  // a conversation never written to from here: nobody to tell yet
      if (!typing_.shouldRelay(frame.conversationId, frame.typingState == "start", core::nowMs())) {
        return;
      }
      relayTyping(*target, frame.typingState);
    } catch (const core::ApiError& e) {
      reject(e.code(), e.what(), {});
    }
  }

  void relayTyping(const chat::Target& target, std::string_view state) {
    std::vector<std::string> others;
    for (const auto& p : target.participants) {
      if (p != userId()) others.push_back(p);
    }
    app_.broker.publish(
        broker::Delivery{.userIds = std::move(others),
                         .frame = std::make_shared<const std::string>(
                             encodeTypingFrame(target.conversationId, userId(), state)),
                         .exceptConnection = 0});
  }

  // A connection that closes mid-sentence would leave "typing…" up until it expires.
  void stopTyping() {
    for (const auto& cid : typing_.active(core::nowMs())) {
      try {
        if (auto target = app_.messages.authorizeCached(userId(), cid)) {
          relayTyping(*target, "stop");
        }
      } catch (const core::ApiError&) {
        // Blocked since: nothing was showing on the other side worth a stop.
      }
    }
  }

  void handleRead(const ClientFrame& frame) {
    asio::post(app_.blocking, [self = shared_from_this(), cid = frame.conversationId,
                               seq = frame.seq] {
      try {
        const auto target = self->app_.messages.authorize(self->userId(), cid, chat::Intent::Read);
        // This connection knows what it read; the reader's other connections learn it.
        self->app_.messages.markRead(self->userId(), target, seq, self->id());
      } catch (const core::ApiError& e) {
        self->send(std::make_shared<const std::string>(encodeErrorFrame(e.code(), e.what(), {})));
      } catch (const std::exception& e) {
        spdlog::error("read marker failed: {}", e.what());
      }
    });
  }

  void reject(std::string_view code, std::string_view message, std::string_view ref) {
    core::metrics().wsFramesRejected.fetch_add(1, std::memory_order_relaxed);
    enqueue(Opcode::Text,
            std::make_shared<const std::string>(encodeErrorFrame(code, message, ref)));
  }

  // --- writes: one async_write in flight, a bounded queue behind it ---

  // `now` false: the caller flushes once it has queued everything it has.
  void enqueue(Opcode opcode, broker::SharedFrame payload, bool now = true) {
    if (closed_ || closeQueued_) return;
    if (queuedBytes_ + payload->size() > app_.config.wsQueueBytes) {
      // It cannot keep up: drop it rather than let it hold memory or slow the others.
      // It resyncs with `after=` when it reconnects.
      core::metrics().slowConsumersClosed.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("closing slow consumer {} ({} bytes queued)", userId(), queuedBytes_);
      shutdownSocket();
      return;
    }
    const auto header = encodeFrameHeader(opcode, payload->size());
    push(std::move(payload), header, now);
  }

  void push(broker::SharedFrame payload, FrameHeader header, bool now = true) {
    queuedBytes_ += payload->size();
    queue_.push_back({std::move(payload), header});
    if (now) flush();
  }

  void flush() {
    if (!writeInFlight_ && !queue_.empty()) write();
  }

  // Writes everything queued in one gather. The frames move to inFlight_, which stays
  // untouched until the write completes: the buffers point into its headers and payloads.
  void write() {
    inFlight_.swap(queue_);
    gather_.reserve(2 * inFlight_.size());
    for (const auto& out : inFlight_) {
      if (out.header.size > 0) gather_.emplace_back(out.header.bytes.data(), out.header.size);
      gather_.emplace_back(out.payload->data(), out.payload->size());
    }
    // The socket is non-blocking and its send buffer is usually free: try the write here,
    // which spares the reactor a round trip and a completion handler per write. Whatever
    // does not fit goes on asynchronously.
    error_code ec;
    const std::size_t written =
        socket_.write_some(std::span<const asio::const_buffer>(gather_), ec);
    if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return onWrite(ec);
    if (!ec) consumeGather(written);
    if (gather_.empty()) return onWrite(ec);
    writeInFlight_ = true;
    asio::async_write(
        socket_, std::span<const asio::const_buffer>(gather_),
        [self = shared_from_this()](const error_code& ec, std::size_t) { self->onWrite(ec); });
  }

  // Drops the first `n` bytes from gather_ (a partial write).
  void consumeGather(std::size_t n) {
    auto first = gather_.begin();
    while (first != gather_.end() && n >= first->size()) {
      n -= first->size();
      ++first;
    }
    gather_.erase(gather_.begin(), first);
    if (!gather_.empty()) gather_.front() += n;
  }

  void onWrite(const error_code& ec) {
    writeInFlight_ = false;
    for (const auto& out : inFlight_) queuedBytes_ -= out.payload->size();
    inFlight_.clear();
    gather_.clear();
    if (ec || closed_) return shutdownSocket();
    if (!queue_.empty()) return write();
    // Drained: an idle connection keeps no queue memory.
    releaseQueues();
    if (closeQueued_) onCloseSent();
  }

  void releaseQueues() {
    std::vector<Outgoing>().swap(queue_);
    std::vector<Outgoing>().swap(inFlight_);
    std::vector<asio::const_buffer>().swap(gather_);
  }

  // --- closing ---

  // Ours: logout (1008), shutdown (1001).
  void startClose(std::uint16_t code, std::string_view reason) {
    if (closed_ || closeQueued_) return;
    queueClose(encodeClosePayload(code, reason));
  }

  void onPeerClose(std::uint16_t code) {
    peerClosed_ = true;
    if (!closeQueued_) {
      // Echo its code (§5.5.1); a close without a code is answered without one.
      queueClose(code == close_code::kNoStatus ? std::string() : encodeClosePayload(code, {}));
    } else if (closeSent_) {
      shutdownSocket();  // the answer to our close: the handshake is complete
    }
    // Else our own close frame is still queued; it answers this one once written.
  }

  void onProtocolError(std::uint16_t code) {
    failed_ = true;
    if (!closeQueued_) {
      queueClose(encodeClosePayload(code, {}));
    } else if (closeSent_) {
      shutdownSocket();
    }
  }

  void queueClose(std::string payload) {
    closeQueued_ = true;
    auto shared = std::make_shared<const std::string>(std::move(payload));
    const auto header = encodeFrameHeader(Opcode::Close, shared->size());
    push(std::move(shared), header);  // past the queue bound: it is small and the last one
    closeTimer_ = std::make_unique<asio::steady_timer>(socket_.get_executor(), kCloseTimeout);
    closeTimer_->async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->shutdownSocket();
    });
  }

  void onCloseSent() {
    closeSent_ = true;
    if (peerClosed_) {
      // Both close frames are out: the server closes the TCP connection first (§7.1.1).
      shutdownSocket();
    } else if (failed_) {
      // After a protocol error there is nothing more to parse. Sending FIN (not closing yet, which
      // would answer unread bytes with a reset that can destroy our close frame) lets the peer
      // see the end; we read and discard until it hangs up or the close timeout.
      error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_send, ignored);
    }
    // Else keep reading until the peer's close frame arrives.
  }

  void shutdownSocket() {
    if (closed_) return;
    closed_ = true;
    // inFlight_ and gather_ belong to a write that may still be running: onWrite frees them.
    std::vector<Outgoing>().swap(queue_);
    std::string().swap(unread_);
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    closeTimer_.reset();
    if (attached_) {
      attached_ = false;
      app_.hub.detach(this);
      core::metrics().wsConnections.fetch_sub(1, std::memory_order_relaxed);
      stopTyping();
      app_.presence.disconnected(userId(), id());
    }
  }

  api::App& app_;
  tcp::socket socket_;
  FrameParser parser_;
  chat::TypingThrottle typing_;
  std::string unread_;  // read while paused, parsed on resume
  std::vector<Outgoing> queue_;
  std::vector<Outgoing> inFlight_;
  std::vector<asio::const_buffer> gather_;
  std::unique_ptr<asio::steady_timer> closeTimer_;  // only while closing
  std::size_t queuedBytes_ = 0;
  std::atomic<Clock::rep> lastActivity_{0};  // when bytes last arrived; read by the sweeper
  core::TokenBucket frameBucket_;            // client messages (--ws-rate-limit)
  core::TokenBucket floodBucket_;            // rate-limited messages (--ws-flood-limit)
  bool waiting_ = false;                     // an async_wait is pending
  bool paused_ = false;                      // an authorization lookup is running
  bool pinged_ = false;                      // a keep-alive ping is unanswered
  bool writeInFlight_ = false;               // an async_write is pending
  bool closeQueued_ = false;                 // our close frame is queued: nothing may follow it
  bool closeSent_ = false;
  bool peerClosed_ = false;  // the peer's close frame arrived: it sends nothing more
  bool failed_ = false;      // the peer broke the protocol: input is discarded
  bool closed_ = false;      // the socket is closed
  bool attached_ = false;    // in the hub and counted in gc_ws_connections
};

}  // namespace

void startSession(api::App& app, tcp::socket socket, chat::Claims claims, std::string_view key,
                  bool answerSubprotocol, std::string_view early) {
  auto session = std::make_shared<Session>(app, std::move(socket), std::move(claims));
  session->start(key, answerSubprotocol, early);
}

}  // namespace gc::ws
