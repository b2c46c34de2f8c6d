#pragma once
// One server-side WebSocket after its handshake, whatever it carries: reads and parses
// frames, admits client messages through the connection's rate limits, queues writes behind
// one async_write (bounded: a slow consumer is closed), answers pings and runs the closing
// handshake. What the messages mean belongs to a subclass: the chat session (ws_session.cpp),
// the video room session (video/room_session.cpp).
//
// Everything runs on the connection's strand (the socket's executor); send(), close() and
// keepAlive() may be called from any thread and post onto it. Frames sent from other threads
// wait in an inbox that one posted drain empties: while the strand is behind, the frames of
// several hand-overs gather there and leave in one write (see send()).
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "chat/jwt.hpp"
#include "core/token_bucket.hpp"
#include "hub/connection.hpp"
#include "ws/frame_encoder.hpp"
#include "ws/frame_parser.hpp"

namespace gc::ws {

struct SessionLimits {
  std::size_t frameLimit = std::size_t{64} * 1024;  // largest client message (1009 above)
  std::size_t queueBytes = 4 << 20;                 // queued past this: a slow consumer
  core::RateLimit frameRate;                        // client messages
  core::RateLimit floodLimit;                       // refused messages, then 1008
};

class SocketSession : public hub::Connection, public std::enable_shared_from_this<SocketSession> {
 public:
  SocketSession(boost::asio::ip::tcp::socket socket, chat::Claims claims, SessionLimits limits);
  ~SocketSession() override;

  // Queues the 101 response for `key`, calls onOpen(), then parses `early` (bytes the HTTP
  // session read past the request head) and starts reading.
  void start(std::string_view key, bool answerSubprotocol, std::string_view early);

  void send(broker::SharedFrame frame) override;
  void sendBatch(std::vector<broker::SharedFrame> frames) override;
  void close(std::uint16_t code, std::string reason) override;
  void keepAlive(std::chrono::steady_clock::time_point now,
                 std::chrono::milliseconds idleTimeout) override;

 protected:
  // On the strand, once the 101 is queued.
  virtual void onOpen() {}
  // A text message that passed the rate limits.
  virtual void onText(std::string_view text) = 0;
  // Once, when the socket closes, if onOpen() ran.
  virtual void onClosed() {}
  // The `ref` of the error frame for a message refused before it was decoded (rate limited).
  virtual std::string refOf(std::string_view /*text*/) const { return {}; }

  // --- for subclasses, on the strand ---
  // An error frame {"type":"error",code,message,ref}; the connection stays.
  void reject(std::string_view code, std::string_view message, std::string_view ref);
  // Queues a text frame; `now` false leaves the flush to the caller's next enqueue.
  void enqueueText(broker::SharedFrame payload, bool now = true);
  // Our close frame behind what is queued (logout 1008, shutdown 1001, room_full ...).
  void startClose(std::uint16_t code, std::string_view reason);
  // While paused nothing is parsed (what arrives is kept), so messages keep their order
  // across an asynchronous lookup; resumeReading() goes on where it stopped.
  void pauseReading() { paused_ = true; }
  void resumeReading();
  bool isClosed() const { return closed_ || closeQueued_; }
  const boost::asio::any_io_executor& executor() { return socket_.get_executor(); }

  template <class Self>
  std::shared_ptr<Self> selfAs() {
    return std::static_pointer_cast<Self>(shared_from_this());
  }

 private:
  struct Outgoing {
    broker::SharedFrame payload;
    FrameHeader header;
  };
  using Clock = std::chrono::steady_clock;

  bool wantsInput() const { return !closed_ && !paused_ && !peerClosed_; }
  void waitReadable();
  void readAvailable();
  void consume(std::span<char> input);
  void touch();
  Clock::time_point lastActivity() const;
  void onIdle(std::chrono::milliseconds idleTimeout);
  bool admit(std::string_view payload, bool text);
  void drainInbox();
  void enqueue(Opcode opcode, broker::SharedFrame payload, bool now = true);
  void push(broker::SharedFrame payload, FrameHeader header, bool now = true);
  void flush();
  void write();
  void consumeGather(std::size_t n);
  void onWrite(const boost::system::error_code& ec);
  void releaseQueues();
  void onPeerClose(std::uint16_t code);
  void onProtocolError(std::uint16_t code);
  void queueClose(std::string payload);
  void onCloseSent();
  void shutdownSocket();

  boost::asio::ip::tcp::socket socket_;
  SessionLimits limits_;
  FrameParser parser_;
  std::string unread_;  // read while paused, parsed on resume
  std::mutex inboxMutex_;
  std::vector<broker::SharedFrame> inbox_;  // inboxMutex_: sent, not yet on the strand
  bool drainPosted_ = false;                // inboxMutex_: a drainInbox() is on its way
  bool closeCalled_ = false;  // inboxMutex_: close() ran, later hand-overs are dropped
  std::vector<broker::SharedFrame> draining_;  // on the strand: the inbox being drained
  std::vector<Outgoing> queue_;
  std::vector<Outgoing> inFlight_;
  std::vector<boost::asio::const_buffer> gather_;
  std::unique_ptr<boost::asio::steady_timer> closeTimer_;  // only while closing
  std::size_t queuedBytes_ = 0;
  std::atomic<Clock::rep> lastActivity_{0};  // when bytes last arrived; read by the sweeper
  core::TokenBucket frameBucket_;            // client messages
  core::TokenBucket floodBucket_;            // rate-limited messages
  bool waiting_ = false;                     // an async_wait is pending
  bool paused_ = false;                      // a subclass's lookup is running
  bool pinged_ = false;                      // a keep-alive ping is unanswered
  bool writeInFlight_ = false;               // an async_write is pending
  bool closeQueued_ = false;                 // our close frame is queued: nothing may follow it
  bool closeSent_ = false;
  bool peerClosed_ = false;  // the peer's close frame arrived: it sends nothing more
  bool failed_ = false;      // the peer broke the protocol: input is discarded
  bool closed_ = false;      // the socket is closed
  bool opened_ = false;      // onOpen ran and gc_ws_connections counts it
};

}  // namespace gc::ws
