// Video room frames: every field checked, the error codes of the contract, and relayed frames
// rebuilt from the validated fields with the server's `from`.
#include "video/signal_frame.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "ws/frame_codec.hpp"

namespace gc::video {
namespace {

namespace json = boost::json;
constexpr std::size_t kSdpLimit = 64 * 1024;
constexpr std::string_view kCandidate =
    "candidate:842163049 1 udp 1677729535 192.0.2.7 46154 typ srflx raddr 10.0.0.2 rport 46154";

std::string codeOf(std::string_view text) {
  try {
    decodeSignalFrame(text, kSdpLimit);
  } catch (const ws::FrameError& e) {
    return e.code;
  }
  return "accepted";
}

TEST(SignalFrame, OfferIsRelayedWithTheServersFromOnly) {
  const auto f = decodeSignalFrame(
      R"({"type":"offer","to":"bob","sdp":"v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n","from":"mallory","x":1})",
      kSdpLimit);
  EXPECT_EQ(f.type, SignalFrame::Type::Offer);
  const auto out = json::parse(encodeRelayed(f, "alice")).as_object();
  EXPECT_EQ(out.at("type"), "offer");
  EXPECT_EQ(out.at("from"), "alice");
  EXPECT_EQ(out.at("sdp"), "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n");
  EXPECT_FALSE(out.contains("to"));
  EXPECT_FALSE(out.contains("x"));
}

TEST(SignalFrame, IceCandidateAndEndOfCandidates) {
  const auto f = decodeSignalFrame(
      std::string(R"({"type":"ice-candidate","to":"bob","candidate":{"candidate":")") +
          std::string(kCandidate) + R"(","sdpMid":"0","sdpMLineIndex":0}})",
      kSdpLimit);
  const auto out = json::parse(encodeRelayed(f, "alice")).as_object();
  EXPECT_EQ(out.at("candidate").at("candidate").as_string(), kCandidate);
  EXPECT_EQ(out.at("candidate").at("sdpMid"), "0");
  EXPECT_EQ(out.at("candidate").at("sdpMLineIndex"), 0);
  EXPECT_EQ(
      codeOf(R"({"type":"ice-candidate","to":"b","candidate":{"candidate":"","sdpMid":"0"}})"),
      "accepted");
}

TEST(SignalFrame, CandidateGrammar) {
  EXPECT_TRUE(isValidCandidate(kCandidate));
  EXPECT_TRUE(isValidCandidate("candidate:1 1 UDP 2122260223 abcd.local 54400 typ host"));
  EXPECT_TRUE(isValidCandidate("candidate:1 1 tcp 1518280447 ::1 9 typ host tcptype active"));
  EXPECT_FALSE(isValidCandidate("1 1 udp 1 1.2.3.4 5 typ host"));                   // no prefix
  EXPECT_FALSE(isValidCandidate("candidate:1 1 sctp 1 1.2.3.4 5 typ host"));        // transport
  EXPECT_FALSE(isValidCandidate("candidate:1 1 udp 1 1.2.3.4 70000 typ host"));     // port
  EXPECT_FALSE(isValidCandidate("candidate:1 1 udp 1 1.2.3.4 5 type host"));        // "typ"
  EXPECT_FALSE(isValidCandidate("candidate:1 1 udp 1 1.2.3.4 5 typ evil"));         // type
  EXPECT_FALSE(isValidCandidate("candidate:1 1 udp 1 1.2.3.4 5 typ host\r\na=x"));  // CRLF
  EXPECT_FALSE(isValidCandidate("candidate:1  1 udp 1 1.2.3.4 5 typ host"));        // empty token
  EXPECT_FALSE(isValidCandidate("candidate:1 1 udp"));                              // short
}

TEST(SignalFrame, MediaStateNeedsThreeBooleans) {
  const auto f = decodeSignalFrame(
      R"({"type":"media-state","audio":true,"video":false,"screen":true})", kSdpLimit);
  EXPECT_EQ(encodeRelayed(f, "alice"),
            R"({"type":"media-state","from":"alice","audio":true,"video":false,"screen":true})");
  EXPECT_EQ(codeOf(R"({"type":"media-state","audio":true,"video":"no","screen":true})"),
            "invalid_request");
  EXPECT_EQ(codeOf(R"({"type":"media-state","audio":true,"video":false})"), "invalid_request");
}

TEST(SignalFrame, BadFramesGetTheirCodes) {
  EXPECT_EQ(codeOf("not json"), "invalid_frame");
  EXPECT_EQ(codeOf("[1,2]"), "invalid_frame");
  EXPECT_EQ(codeOf(R"({"to":"b"})"), "invalid_request");
  EXPECT_EQ(codeOf(R"({"type":"teleport"})"), "unknown_type");
  EXPECT_EQ(codeOf(R"({"type":"offer","sdp":"v=0"})"), "invalid_request");  // no to
  EXPECT_EQ(codeOf(R"({"type":"offer","to":"","sdp":"v=0"})"), "invalid_request");
  EXPECT_EQ(codeOf(R"({"type":"offer","to":"b","sdp":42})"), "invalid_request");
  EXPECT_EQ(codeOf(R"({"type":"offer","to":"b","sdp":"hello"})"), "invalid_request");
  EXPECT_EQ(codeOf(R"({"type":"answer","to":["b"],"sdp":"v=0"})"), "invalid_request");
  EXPECT_EQ(codeOf(R"({"type":"ice-candidate","to":"b","candidate":"x"})"), "invalid_request");
  EXPECT_EQ(
      codeOf(
          R"({"type":"ice-candidate","to":"b","candidate":{"candidate":"garbage","sdpMid":"0"}})"),
      "invalid_request");
  EXPECT_EQ(codeOf(R"({"type":"ice-candidate","to":"b","candidate":{"candidate":""}})"),
            "invalid_request");  // neither sdpMid nor sdpMLineIndex
  EXPECT_EQ(
      codeOf(
          R"({"type":"ice-candidate","to":"b","candidate":{"candidate":"","sdpMLineIndex":-1}})"),
      "invalid_request");
  EXPECT_EQ(codeOf(R"({"type":"ping"})"), "accepted");
}

TEST(SignalFrame, SdpLimitIsInclusive) {
  const std::string atLimit = "v=0" + std::string(kSdpLimit - 3, 'a');
  const std::string over = atLimit + "a";
  EXPECT_EQ(codeOf(R"({"type":"offer","to":"b","sdp":")" + atLimit + R"("})"), "accepted");
  EXPECT_EQ(codeOf(R"({"type":"offer","to":"b","sdp":")" + over + R"("})"), "too_large");
}

TEST(SignalFrame, ServerFrames) {
  EXPECT_EQ(encodeWelcome("me", {"a", "b"}, "[]"),
            R"({"type":"welcome","selfId":"me","peers":["a","b"],"iceServers":[]})");
  EXPECT_EQ(encodePeerEvent("peer-left", "a\"b"), R"({"type":"peer-left","userId":"a\"b"})");
}

}  // namespace
}  // namespace gc::video
