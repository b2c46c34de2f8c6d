#include "ws/socket_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <span>
#include <utility>

#include "core/metrics.hpp"
#include "ws/frame_codec.hpp"
#include "ws/handshake.hpp"
#include "ws/keepalive.hpp"

namespace gc::ws {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Event = FrameParser::Event;

// How long a close may take, from queuing our close frame to closing the socket: flushing what
// is queued ahead of it and waiting for the peer's close frame.
// Shorter than the 5 s a drain waits for sessions to end, so every session has closed its
// socket before the threads stop.
constexpr auto kCloseTimeout = std::chrono::seconds(3);
// One socket read at most; also what a network thread keeps for all of its connections.
constexpr std::size_t kScratchSize = std::size_t{64} * 1024;
// Frames of inbox capacity a connection keeps between bursts (see drainInbox).
constexpr std::size_t kKeptInboxCapacity = 64;
// Full reads in a row before yielding the thread to other connections.
constexpr int kReadsPerTurn = 4;

// Every read lands here first: one buffer per network thread instead of one per connection.
// The parser copies out only the bytes of a message that is not complete yet.
std::span<char> scratch() {
  thread_local const auto buffer = std::make_unique<char[]>(kScratchSize);
  return {buffer.get(), kScratchSize};
}

const broker::SharedFrame& emptyPayload() {
  static const auto payload = std::make_shared<const std::string>();
  return payload;
}

}  // namespace

// Closing, in the ways it happens:
// - we close (logout 1008, shutdown 1001, a subclass's refusal): our close frame goes behind
//   the frames already queued, then we wait for the peer's close frame and close the socket
//   (§7.1.1);
// - the peer breaks the protocol (1002, 1007, 1009): the same, but after our close frame we
//   send FIN and discard input until the peer hangs up;
// - the peer closes: we echo its code behind the queued frames and close the socket;
// - the peer is gone or cannot keep up (I/O error, idle timeout, slow consumer): the socket
//   is closed at once, without a close frame, which it would not read anyway.
// kCloseTimeout bounds the first two.
SocketSession::SocketSession(tcp::socket socket, chat::Claims claims, SessionLimits limits)
    : hub::Connection(std::move(claims.sub), std::move(claims.jti), claims.exp),
      socket_(std::move(socket)),
      limits_(limits),
      parser_(limits.frameLimit) {}

SocketSession::~SocketSession() = default;

void SocketSession::start(std::string_view key, bool answerSubprotocol, std::string_view early) {
  touch();
  error_code ec;
  // Reads happen only once the socket is readable; would_block is the end of what arrived.
  socket_.non_blocking(true, ec);
  if (ec) {
    shutdownSocket();
    return;
  }
  // The 101 is queued, not written, until onOpen() has run: once the client reads it, it may
  // act at once (a friend connects, a message is sent) and this connection must already be
  // attached to the hub and presence to hear of it. Frames onOpen() queues follow the 101 in
  // the same write.
  push(std::make_shared<const std::string>(upgradeResponse(key, answerSubprotocol)), {}, false);
  opened_ = true;
  core::metrics().wsConnections.fetch_add(1, std::memory_order_relaxed);
  onOpen();
  flush();
  std::string pipelined(early);
  consume(std::span(pipelined.data(), pipelined.size()));
  waitReadable();
}

// A hand-over appends to the inbox and posts a drain only when none is on its way. A fan-out
// hands 1,000 connections a frame each per commit; when the network threads fall behind, the
// next commits' frames join the inbox instead of queueing more handlers, and the drain writes
// them all in one gather: the busier the server, the more frames share a sendmsg, with no
// timer and no delay when it is not busy.
void SocketSession::send(broker::SharedFrame frame) {
  bool post = false;
  {
    std::lock_guard lock(inboxMutex_);
    if (closeCalled_) return;
    inbox_.push_back(std::move(frame));
    post = !std::exchange(drainPosted_, true);
  }
  if (post) asio::post(socket_.get_executor(), [self = shared_from_this()] { self->drainInbox(); });
}

void SocketSession::sendBatch(std::vector<broker::SharedFrame> frames) {
  bool post = false;
  {
    std::lock_guard lock(inboxMutex_);
    if (closeCalled_) return;
    if (inbox_.empty()) {
      inbox_.swap(frames);
    } else {
      inbox_.insert(inbox_.end(), std::make_move_iterator(frames.begin()),
                    std::make_move_iterator(frames.end()));
    }
    post = !std::exchange(drainPosted_, true);
  }
  if (post) asio::post(socket_.get_executor(), [self = shared_from_this()] { self->drainInbox(); });
}

// On the strand: everything handed over so far, in order, in one write.
void SocketSession::drainInbox() {
  {
    std::lock_guard lock(inboxMutex_);
    draining_.swap(inbox_);
    drainPosted_ = false;
  }
  for (auto& frame : draining_) enqueue(Opcode::Text, std::move(frame), false);
  draining_.clear();
  // A burst's capacity is not kept for the life of a mostly idle connection.
  if (draining_.capacity() > kKeptInboxCapacity) draining_ = {};
  flush();
}

void SocketSession::close(std::uint16_t code, std::string reason) {
  {
    // What is handed over after a close is not written: the close frame must come last, even
    // when a drain posted before it is still to run.
    std::lock_guard lock(inboxMutex_);
    closeCalled_ = true;
  }
  asio::post(socket_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
    self->startClose(code, reason);
  });
}

void SocketSession::keepAlive(Clock::time_point now, std::chrono::milliseconds idleTimeout) {
  // Most connections are busy or were checked recently: decide that without a post.
  if (idleAction(now - lastActivity(), idleTimeout, false) == IdleAction::None) return;
  asio::post(socket_.get_executor(),
             [self = shared_from_this(), idleTimeout] { self->onIdle(idleTimeout); });
}

// --- reads: no buffer while idle; wait for readability, then read into the scratch buffer ---

void SocketSession::waitReadable() {
  if (!wantsInput() || waiting_) return;
  waiting_ = true;
  // async_wait re-arms epoll, so it also completes for bytes that are already waiting.
  socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
    self->waiting_ = false;
    if (ec) return self->shutdownSocket();
    self->readAvailable();
  });
}

void SocketSession::readAvailable() {
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
void SocketSession::consume(std::span<char> input) {
  while (!closed_ && !peerClosed_ && !failed_) {
    if (paused_) {
      unread_.append(input.data(), input.size());
      return;
    }
    const Event event = parser_.next(input);
    switch (event.kind) {
      case Event::Kind::NeedMore:
        return;
      case Event::Kind::Text:
        if (!closeQueued_ && admit(event.payload, true)) onText(event.payload);
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

void SocketSession::resumeReading() {
  paused_ = false;
  if (closed_) return;
  if (!unread_.empty()) {
    std::string pending;
    pending.swap(unread_);
    if (!failed_) consume(std::span(pending.data(), pending.size()));
  }
  waitReadable();
}

void SocketSession::touch() {
  lastActivity_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  pinged_ = false;
}

SocketSession::Clock::time_point SocketSession::lastActivity() const {
  return Clock::time_point(Clock::duration(lastActivity_.load(std::memory_order_relaxed)));
}

void SocketSession::onIdle(std::chrono::milliseconds idleTimeout) {
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

// Every client message (text or binary, a JSON ping too: it costs a parse and an answer like
// any other) takes a token; RFC 6455 control frames do not (they stay with the protocol
// layer, and a ping flood meets the write-queue bound). A message over the limit is answered
// with a rate_limited error frame and not processed; more refused messages than the flood
// limit allows close the connection with 1008.
bool SocketSession::admit(std::string_view payload, bool text) {
  const auto now = Clock::now();
  if (frameBucket_.take(limits_.frameRate, now).allowed) return true;
  core::metrics().wsFramesRateLimited.fetch_add(1, std::memory_order_relaxed);
  if (!floodBucket_.take(limits_.floodLimit, now).allowed) {
    core::metrics().wsFloodClosed.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("closing WebSocket of {}: flooding past the rate limit", userId());
    startClose(close_code::kPolicyViolation, "rate limit exceeded");
    return false;
  }
  reject("rate_limited", "too many messages; slow down", text ? refOf(payload) : std::string());
  return false;
}

void SocketSession::reject(std::string_view code, std::string_view message, std::string_view ref) {
  core::metrics().wsFramesRejected.fetch_add(1, std::memory_order_relaxed);
  enqueue(Opcode::Text, std::make_shared<const std::string>(encodeErrorFrame(code, message, ref)));
}

void SocketSession::enqueueText(broker::SharedFrame payload, bool now) {
  enqueue(Opcode::Text, std::move(payload), now);
}

// --- writes: one async_write in flight, a bounded queue behind it ---

void SocketSession::enqueue(Opcode opcode, broker::SharedFrame payload, bool now) {
  if (closed_ || closeQueued_) return;
  if (queuedBytes_ + payload->size() > limits_.queueBytes) {
    // It cannot keep up: drop it rather than let it hold memory or slow the others.
    core::metrics().slowConsumersClosed.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("closing slow consumer {} ({} bytes queued)", userId(), queuedBytes_);
    shutdownSocket();
    return;
  }
  const auto header = encodeFrameHeader(opcode, payload->size());
  push(std::move(payload), header, now);
}

void SocketSession::push(broker::SharedFrame payload, FrameHeader header, bool now) {
  queuedBytes_ += payload->size();
  queue_.push_back({std::move(payload), header});
  if (now) flush();
}

void SocketSession::flush() {
  if (!writeInFlight_ && !queue_.empty()) write();
}

// Writes everything queued in one gather. The frames move to inFlight_, which stays
// untouched until the write completes: the buffers point into its headers and payloads.
void SocketSession::write() {
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
  const std::size_t written = socket_.write_some(std::span<const asio::const_buffer>(gather_), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) return onWrite(ec);
  if (!ec) consumeGather(written);
  if (gather_.empty()) return onWrite(ec);
  writeInFlight_ = true;
  asio::async_write(
      socket_, std::span<const asio::const_buffer>(gather_),
      [self = shared_from_this()](const error_code& ec, std::size_t) { self->onWrite(ec); });
}

// Drops the first `n` bytes from gather_ (a partial write).
void SocketSession::consumeGather(std::size_t n) {
  auto first = gather_.begin();
  while (first != gather_.end() && n >= first->size()) {
    n -= first->size();
    ++first;
  }
  gather_.erase(gather_.begin(), first);
  if (!gather_.empty()) gather_.front() += n;
}

void SocketSession::onWrite(const error_code& ec) {
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

void SocketSession::releaseQueues() {
  std::vector<Outgoing>().swap(queue_);
  std::vector<Outgoing>().swap(inFlight_);
  std::vector<asio::const_buffer>().swap(gather_);
}

// --- closing ---

void SocketSession::startClose(std::uint16_t code, std::string_view reason) {
  if (closed_ || closeQueued_) return;
  queueClose(encodeClosePayload(code, reason));
}

void SocketSession::onPeerClose(std::uint16_t code) {
  peerClosed_ = true;
  if (!closeQueued_) {
    // Echo its code (§5.5.1); a close without a code is answered without one.
    queueClose(code == close_code::kNoStatus ? std::string() : encodeClosePayload(code, {}));
  } else if (closeSent_) {
    shutdownSocket();  // the answer to our close: the handshake is complete
  }
  // Else our own close frame is still queued; it answers this one once written.
}

void SocketSession::onProtocolError(std::uint16_t code) {
  failed_ = true;
  if (!closeQueued_) {
    queueClose(encodeClosePayload(code, {}));
  } else if (closeSent_) {
    shutdownSocket();
  }
}

void SocketSession::queueClose(std::string payload) {
  closeQueued_ = true;
  auto shared = std::make_shared<const std::string>(std::move(payload));
  const auto header = encodeFrameHeader(Opcode::Close, shared->size());
  push(std::move(shared), header);  // past the queue bound: it is small and the last one
  closeTimer_ = std::make_unique<asio::steady_timer>(socket_.get_executor(), kCloseTimeout);
  closeTimer_->async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec) self->shutdownSocket();
  });
}

void SocketSession::onCloseSent() {
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

void SocketSession::shutdownSocket() {
  if (closed_) return;
  closed_ = true;
  // inFlight_ and gather_ belong to a write that may still be running: onWrite frees them.
  std::vector<Outgoing>().swap(queue_);
  std::string().swap(unread_);
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  closeTimer_.reset();
  if (opened_) {
    opened_ = false;
    core::metrics().wsConnections.fetch_sub(1, std::memory_order_relaxed);
    onClosed();
  }
}

}  // namespace gc::ws
