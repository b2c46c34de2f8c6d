// SocketSession's hand-over from other threads: frames sent while the connection's strand has
// not run yet gather in its inbox and leave together, in order, in one write.
#include "ws/socket_session.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <string>
#include <vector>

namespace gc::ws {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class QuietSession final : public SocketSession {
 public:
  using SocketSession::SocketSession;

 private:
  void onText(std::string_view /*text*/) override {}
};

broker::SharedFrame frame(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

// A server-side session on one end of a loopback TCP connection, the raw client on the other.
struct Connected {
  asio::io_context io;
  tcp::socket client{io};
  std::shared_ptr<QuietSession> session;

  Connected() {
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    client.connect(acceptor.local_endpoint());
    chat::Claims claims;
    claims.sub = "u1";
    claims.jti = "t1";
    session = std::make_shared<QuietSession>(acceptor.accept(), claims, SessionLimits{});
    session->start("dGhlIHNhbXBsZSBub25jZQ==", false, "");
    // The 101 leaves in start(): read it off so that only frames follow.
    std::string head;
    const auto n = asio::read_until(client, asio::dynamic_buffer(head), "\r\n\r\n");
    EXPECT_EQ(n, head.size());  // nothing behind the 101 yet
    EXPECT_TRUE(head.starts_with("HTTP/1.1 101"));
  }

  // The payloads of the next `count` unmasked text frames from the server (short ones).
  std::vector<std::string> readFrames(std::size_t count) {
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < count; ++i) {
      std::array<unsigned char, 2> header{};
      asio::read(client, asio::buffer(header));
      EXPECT_EQ(header[0], 0x81);  // FIN, text
      std::string payload(header[1] & 0x7f, '\0');
      asio::read(client, asio::buffer(payload));
      payloads.push_back(std::move(payload));
    }
    return payloads;
  }
};

TEST(SocketSessionInbox, HandOversBeforeTheStrandRunsShareOneDrainInOrder) {
  Connected c;
  c.session->send(frame("a"));
  c.session->sendBatch({frame("b"), frame("c")});
  c.session->send(frame("d"));
  // The first handler to run (the drain) writes all four, 3 bytes each; a handler per
  // hand-over would have written "a" alone. The write is synchronous and loopback delivers
  // in it, so the bytes are there when poll_one() returns.
  EXPECT_EQ(c.io.poll_one(), 1U);
  EXPECT_EQ(c.client.available(), 4U * 3);
  c.io.poll();  // (whatever else is due, so that a failure above does not hang the read)
  EXPECT_EQ(c.readFrames(4), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(SocketSessionInbox, AHandOverAfterADrainPostsAnother) {
  Connected c;
  c.session->send(frame("first"));
  c.io.poll();
  c.session->send(frame("second"));  // must not wait for a drain that already ran
  c.io.poll();
  EXPECT_EQ(c.readFrames(2), (std::vector<std::string>{"first", "second"}));
}

TEST(SocketSessionInbox, NothingIsWrittenAfterTheCloseFrame) {
  Connected c;
  c.session->send(frame("before"));
  c.session->close(1001, "bye");
  c.session->send(frame("after"));
  c.io.poll();
  EXPECT_EQ(c.readFrames(1), (std::vector<std::string>{"before"}));
  std::array<unsigned char, 2> header{};
  asio::read(c.client, asio::buffer(header));
  EXPECT_EQ(header[0], 0x88);  // the close frame, not "after"
}

}  // namespace
}  // namespace gc::ws
