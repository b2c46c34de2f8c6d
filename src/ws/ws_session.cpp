#include "ws/ws_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

#include "core/error.hpp"
#include "core/metrics.hpp"
#include "hub/connection.hpp"
#include "ws/frame_codec.hpp"

namespace gc::ws {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = asio::ip::tcp;

const broker::SharedFrame& pongFrame() {
  static const auto frame = std::make_shared<const std::string>(R"({"type":"pong"})");
  return frame;
}

// One chat connection. Everything below runs on the connection's strand (the socket's
// executor); send() and close() may be called from any thread and post onto it.
class Session final : public hub::Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(api::App& app, tcp::socket socket, chat::Claims claims)
      : hub::Connection(claims.sub, claims.jti), app_(app), ws_(std::move(socket)) {}

  void start(http::request<http::string_body> upgrade, bool answerSubprotocol) {
    ws_.read_message_max(app_.config.wsFrameLimit);
    ws_.auto_fragment(false);
    websocket::stream_base::timeout timeouts{
        .handshake_timeout = std::chrono::seconds(10),
        .idle_timeout = std::chrono::seconds(app_.config.wsIdleTimeoutSeconds),
        .keep_alive_pings = true,
    };
    ws_.set_option(timeouts);
    ws_.set_option(
        websocket::stream_base::decorator([answerSubprotocol](websocket::response_type& res) {
          res.set(http::field::server, "gopherchat");
          if (answerSubprotocol) res.set(http::field::sec_websocket_protocol, "gopherchat.v1");
        }));
    ws_.async_accept(upgrade,
                     [self = shared_from_this()](beast::error_code ec) { self->onAccept(ec); });
  }

  void send(broker::SharedFrame frame) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
      self->enqueue(std::move(frame));
    });
  }

  void close(std::uint16_t code, std::string reason) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), code, reason = std::move(reason)] {
      self->startClose(code, reason);
    });
  }

 private:
  void onAccept(beast::error_code ec) {
    if (ec) return;  // the handshake failed or timed out: nothing was registered
    attached_ = true;
    app_.hub.attach(shared_from_this());
    core::metrics().wsConnections.fetch_add(1, std::memory_order_relaxed);
    app_.messages.rememberUser(userId());
    read();
  }

  void read() {
    if (closed_ || paused_) return;
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->onRead(ec);
    });
  }

  void onRead(beast::error_code ec) {
    if (ec) {
      finish();
      return;
    }
    if (!ws_.got_text()) {
      reject("invalid_frame", "frames are JSON text, not binary", {});
    } else {
      const std::string_view text(static_cast<const char*>(buffer_.cdata().data()), buffer_.size());
      handle(text);
    }
    buffer_.consume(buffer_.size());
    // A large frame grew the buffer: give the memory back, idle connections stay small.
    if (buffer_.capacity() > 8192) buffer_.shrink_to_fit();
    read();
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
        enqueue(pongFrame());
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
    }
  }

  void handleSend(chat::SendRequest request) {
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
      asio::post(self->ws_.get_executor(), [self, t = std::move(t), error = std::move(error),
                                            request = std::move(request)]() mutable {
        if (error) {
          self->reject(error->code(), error->what(), request.clientMsgId);
        } else {
          self->submit(*t, std::move(request));
        }
        self->paused_ = false;
        self->read();
      });
    });
  }

  void submit(const chat::Target& target, chat::SendRequest request) {
    const std::string ref = request.clientMsgId;
    try {
      app_.messages.send(
          userId(), target, std::move(request),
          [self = shared_from_this(), ref](chat::SendOutcome outcome, std::exception_ptr error) {
            // On the store's commit thread: build the frame here, queue it
            // on the strand.
            if (error) {
              self->send(std::make_shared<const std::string>(errorFrameFor(error, ref)));
              return;
            }
            self->send(
                std::make_shared<const std::string>(encodeAckFrame(ref, outcome.messageJson)));
          });
    } catch (const core::ApiError& e) {
      reject(e.code(), e.what(), ref);
    }
  }

  static std::string errorFrameFor(std::exception_ptr error, const std::string& ref) {
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
      auto target = app_.messages.authorizeCached(userId(), frame.conversationId);
      if (!target) return;  // a conversation never written to from here: nobody to tell yet
      std::vector<std::string> others;
      for (const auto& p : target->participants) {
        if (p != userId()) others.push_back(p);
      }
      app_.broker.publish(
          broker::Delivery{.userIds = std::move(others),
                           .frame = std::make_shared<const std::string>(encodeTypingFrame(
                               frame.conversationId, userId(), frame.typingState))});
    } catch (const core::ApiError& e) {
      reject(e.code(), e.what(), {});
    }
  }

  void handleRead(const ClientFrame& frame) {
    asio::post(app_.blocking, [self = shared_from_this(), cid = frame.conversationId,
                               seq = frame.seq] {
      try {
        const auto target = self->app_.messages.authorize(self->userId(), cid);
        self->app_.messages.markRead(self->userId(), target, seq);
      } catch (const core::ApiError& e) {
        self->send(std::make_shared<const std::string>(encodeErrorFrame(e.code(), e.what(), {})));
      } catch (const std::exception& e) {
        spdlog::error("read marker failed: {}", e.what());
      }
    });
  }

  void reject(std::string_view code, std::string_view message, std::string_view ref) {
    core::metrics().wsFramesRejected.fetch_add(1, std::memory_order_relaxed);
    enqueue(std::make_shared<const std::string>(encodeErrorFrame(code, message, ref)));
  }

  // --- writes: one async_write in flight, a bounded queue behind it ---

  void enqueue(broker::SharedFrame frame) {
    if (closed_ || closing_) return;
    if (queuedBytes_ + frame->size() > app_.config.wsQueueBytes) {
      // It cannot keep up: drop it rather than let it hold memory or slow the others.
      // It resyncs with `after=` when it reconnects.
      core::metrics().slowConsumersClosed.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("closing slow consumer {} ({} bytes queued)", userId(), queuedBytes_);
      abort();
      return;
    }
    queuedBytes_ += frame->size();
    queue_.push_back(std::move(frame));
    if (!writing_) write();
  }

  void write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(
        asio::buffer(*queue_.front()),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onWrite(ec); });
  }

  void onWrite(beast::error_code ec) {
    writing_ = false;
    if (queue_.empty()) return;
    queuedBytes_ -= queue_.front()->size();
    queue_.pop_front();
    if (ec) {
      abort();
      return;
    }
    if (!queue_.empty() && !closed_) {
      write();
    } else if (pendingClose_) {
      sendClose();
    }
  }

  void startClose(std::uint16_t code, const std::string& reason) {
    if (closed_ || closing_) return;
    closing_ = true;
    closeReason_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    if (writing_) {
      pendingClose_ = true;  // after the frame in flight
    } else {
      sendClose();
    }
  }

  void sendClose() {
    pendingClose_ = false;
    ws_.async_close(closeReason_, [self = shared_from_this()](beast::error_code) {
      // The read loop sees the peer's close (or the timeout) and finishes.
    });
  }

  void abort() {
    if (closed_) return;
    closed_ = true;
    queue_.clear();
    queuedBytes_ = 0;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).close(ignored);
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    closed_ = true;
    if (attached_) {
      app_.hub.detach(this);
      core::metrics().wsConnections.fetch_sub(1, std::memory_order_relaxed);
    }
  }

  api::App& app_;
  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  std::deque<broker::SharedFrame> queue_;
  std::size_t queuedBytes_ = 0;
  websocket::close_reason closeReason_;
  bool writing_ = false;
  bool paused_ = false;
  bool closing_ = false;
  bool pendingClose_ = false;
  bool closed_ = false;
  bool finished_ = false;
  bool attached_ = false;
};

}  // namespace

void startSession(api::App& app, tcp::socket socket, http::request<http::string_body> upgrade,
                  chat::Claims claims, bool answerSubprotocol) {
  auto session = std::make_shared<Session>(app, std::move(socket), std::move(claims));
  session->start(std::move(upgrade), answerSubprotocol);
}

}  // namespace gc::ws
