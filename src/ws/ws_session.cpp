#include "ws/ws_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "chat/typing_throttle.hpp"
#include "core/error.hpp"
#include "core/metrics.hpp"
#include "core/time_format.hpp"
#include "hub/outbox.hpp"
#include "ws/frame_codec.hpp"
#include "ws/socket_session.hpp"

namespace gc::ws {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

const broker::SharedFrame& pongFrame() {
  static const auto frame = std::make_shared<const std::string>(R"({"type":"pong"})");
  return frame;
}

// One chat connection: the frames of the chat protocol over a SocketSession, which owns the
// socket, the write queue, the rate limits and the closing handshake.
class Session final : public SocketSession {
 public:
  Session(api::App& app, tcp::socket socket, chat::Claims claims)
      : SocketSession(std::move(socket), std::move(claims),
                      {.frameLimit = app.config.wsFrameLimit,
                       .queueBytes = app.config.wsQueueBytes,
                       .frameRate = app.config.wsFrameRateLimit,
                       .floodLimit = app.config.wsFloodLimit}),
        app_(app) {}

  // Scale-out: the 101 waits until the user's conversations are followed here, so that the
  // client's resync, which starts once it has the 101, misses nothing committed meanwhile
  // (chat/conversation_follows.hpp). One instance: at once.
  void admit(std::string key, bool answerSubprotocol, std::string early) {
    if (!app_.follows) {
      start(key, answerSubprotocol, early);
      return;
    }
    auto self = selfAs<Session>();
    followed_ = app_.follows->admit(
        userId(), [self, key = std::move(key), answerSubprotocol, early = std::move(early)] {
          asio::post(self->executor(), [self, key, answerSubprotocol, early] {
            self->start(key, answerSubprotocol, early);
          });
        });
  }

 private:
  void onOpen() override {
    app_.hub.attach(shared_from_this());
    app_.messages.rememberUser(userId());
    app_.presence.connected(userId(), id());
  }

  void onClosed() override {
    app_.hub.detach(this);
    stopTyping();
    app_.presence.disconnected(userId(), id());
  }

  std::string refOf(std::string_view text) const override { return clientMsgIdOf(text); }

  // --- chat frames ---

  void onText(std::string_view text) override {
    ClientFrame frame;
    try {
      frame = decodeClientFrame(text);
    } catch (const FrameError& e) {
      reject(e.code, e.message, e.ref);
      return;
    }
    switch (frame.type) {
      case ClientFrame::Type::Ping:
        enqueueText(pongFrame());
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
    if (target && request.attachmentIds.empty()) {
      submit(*target, std::move(request));
      return;
    }
    // The cache could not decide, or the attachments need looking up: on the blocking pool,
    // and stop reading meanwhile so this connection's sends stay in order.
    pauseReading();
    asio::post(app_.blocking, [self = selfAs<Session>(), request = std::move(request)]() mutable {
      std::optional<chat::Target> t;
      std::optional<core::ApiError> error;
      try {
        t = self->app_.messages.authorize(self->userId(), request.conversationId);
        self->app_.messages.resolveAttachments(self->userId(), request);
      } catch (const core::ApiError& e) {
        error = e;
      } catch (const std::exception& e) {
        error = core::unavailable(e.what());
      }
      asio::post(self->executor(), [self, t = std::move(t), error = std::move(error),
                                    request = std::move(request)]() mutable {
        if (error) {
          self->reject(error->code(), error->what(), request.clientMsgId);
        } else {
          self->submit(*t, std::move(request));
        }
        self->resumeReading();
      });
    });
  }

  void submit(const chat::Target& target, chat::SendRequest request) {
    const std::string ref = request.clientMsgId;
    const auto received = std::chrono::steady_clock::now();
    if (!app_.config.redisUrl.empty()) {
      request.encodeAck = [ref](std::string_view json) { return encodeAckFrame(ref, json); };
    }
    try {
      app_.messages.send(
          userId(), target, std::move(request),
          [self = selfAs<Session>(), ref, received](const chat::SendOutcome& outcome,
                                                    const std::exception_ptr& error) {
            // On the store's commit thread, inside the batch's Outbox: the ack joins
            // this connection's other frames of the batch in one hand-over.
            if (error) {
              hub::Outbox::send(self,
                                std::make_shared<const std::string>(errorFrameFor(error, ref)));
              return;
            }
            core::metrics().sendAckSeconds.observe(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - received).count());
            if (outcome.ackDelivered) return;  // with the delivery, in order
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
      if (auto target = app_.messages.authorizeCached(userId(), frame.conversationId)) {
        throttleTyping(*target, frame.typingState);
        return;
      }
    } catch (const core::ApiError& e) {
      reject(e.code(), e.what(), {});
      return;
    }
    // The caches cannot decide (a conversation never written to from here, a user or group
    // another instance made): the store does, off the io thread.
    asio::post(app_.blocking,
               [self = selfAs<Session>(), cid = frame.conversationId, state = frame.typingState] {
                 std::optional<chat::Target> target;
                 std::optional<core::ApiError> error;
                 try {
                   target = self->app_.messages.authorize(self->userId(), cid);
                 } catch (const core::ApiError& e) {
                   error = e;
                 } catch (const std::exception& e) {
                   spdlog::warn("typing not relayed: {}", e.what());
                   return;
                 }
                 asio::post(self->executor(),
                            [self, target = std::move(target), error = std::move(error), state] {
                              if (error) {
                                self->reject(error->code(), error->what(), {});
                              } else {
                                self->throttleTyping(*target, state);
                              }
                            });
               });
  }

  void throttleTyping(const chat::Target& target, const std::string& state) {
    if (typing_.shouldRelay(target.conversationId, state == "start", core::nowMs())) {
      relayTyping(target, state);
    }
  }

  void relayTyping(const chat::Target& target, std::string_view state) {
    std::vector<std::string> others;
    for (const auto& p : *target.participants) {
      if (p != userId()) others.push_back(p);
    }
    app_.broker.publish(
        broker::Delivery{.userIds = std::move(others),
                         .frame = std::make_shared<const std::string>(
                             encodeTypingFrame(target.conversationId, userId(), state)),
                         .exceptConnection = 0,
                         .sharedUserIds = nullptr,
                         .conversationId = onConversationChannel(target.conversationId)});
  }

  // Scale-out: typing in a conversation the instances do not follow yet (a DM before its
  // first message: nobody's conversation list has it) goes to every instance, not to the
  // conversation's channel, which nobody would hear.
  std::string onConversationChannel(const std::string& conversationId) const {
    return !app_.follows || app_.follows->isFollowed(conversationId) ? conversationId
                                                                     : std::string();
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
    asio::post(app_.blocking, [self = selfAs<Session>(), cid = frame.conversationId,
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

  api::App& app_;
  chat::TypingThrottle typing_;
  std::shared_ptr<chat::ConversationFollows::Ticket> followed_;  // scale-out: while alive
};

}  // namespace

void startSession(api::App& app, tcp::socket socket, chat::Claims claims, std::string_view key,
                  bool answerSubprotocol, std::string_view early) {
  auto session = std::make_shared<Session>(app, std::move(socket), std::move(claims));
  session->admit(std::string(key), answerSubprotocol, std::string(early));
}

}  // namespace gc::ws
