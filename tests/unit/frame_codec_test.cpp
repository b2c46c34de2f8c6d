#include "ws/frame_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace gc::ws {
namespace {

FrameError errorOf(std::string_view text) {
  try {
    decodeClientFrame(text);
  } catch (const FrameError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << text;
  return {};
}

TEST(FrameCodec, DecodesSend) {
  const auto f = decodeClientFrame(
      R"({"type":"send","clientMsgId":"c-1","conversationId":"dm_x","body":"hi","msgType":"text"})");
  EXPECT_EQ(f.type, ClientFrame::Type::Send);
  EXPECT_EQ(f.send.clientMsgId, "c-1");
  EXPECT_EQ(f.send.conversationId, "dm_x");
  EXPECT_EQ(f.send.body, "hi");
  EXPECT_EQ(f.send.type, "text");
}

TEST(FrameCodec, SendDefaultsToTextAndReadsRoomId) {
  const auto f = decodeClientFrame(
      R"({"type":"send","clientMsgId":"c","conversationId":"d","body":"b","msgType":"call-invite","metadata":{"roomId":"r1"}})");
  EXPECT_EQ(f.send.type, "call-invite");
  EXPECT_EQ(f.send.roomId, "r1");
  EXPECT_EQ(
      decodeClientFrame(R"({"type":"send","clientMsgId":"c","conversationId":"d","body":"b"})")
          .send.type,
      "text");
}

TEST(FrameCodec, ASystemSendNeedsNoBodyAndCarriesTheCallsEnd) {
  const auto f = decodeClientFrame(
      R"({"type":"send","clientMsgId":"c","conversationId":"d","msgType":"system","metadata":{"roomId":"r1","event":"call-ended","reason":"completed","durationSeconds":65}})");
  EXPECT_EQ(f.send.type, "system");
  EXPECT_EQ(f.send.body, "");
  EXPECT_EQ(f.send.roomId, "r1");
  EXPECT_EQ(f.send.event, "call-ended");
  EXPECT_EQ(f.send.callReason, "completed");
  EXPECT_EQ(f.send.durationSeconds, 65);
  // A text send still needs its body; a duration that is not an integer is named.
  EXPECT_EQ(errorOf(R"({"type":"send","clientMsgId":"c","conversationId":"d"})").message,
            "body: is required");
  const auto e = errorOf(
      R"({"type":"send","clientMsgId":"c9","conversationId":"d","msgType":"system","metadata":{"durationSeconds":"5"}})");
  EXPECT_EQ(e.code, "invalid_request");
  EXPECT_EQ(e.message, "metadata.durationSeconds: must be an integer");
  EXPECT_EQ(e.ref, "c9");
}

TEST(FrameCodec, DecodesPingTypingRead) {
  EXPECT_EQ(decodeClientFrame(R"({"type":"ping"})").type, ClientFrame::Type::Ping);
  const auto t = decodeClientFrame(R"({"type":"typing","conversationId":"c","state":"start"})");
  EXPECT_EQ(t.type, ClientFrame::Type::Typing);
  EXPECT_EQ(t.typingState, "start");
  const auto r = decodeClientFrame(R"({"type":"read","conversationId":"c","seq":42})");
  EXPECT_EQ(r.type, ClientFrame::Type::Read);
  EXPECT_EQ(r.seq, 42);
}

TEST(FrameCodec, MalformedFramesAreInvalidFrame) {
  for (auto text : {"", "not json", "[1,2]", "42", "\"send\"", "{\"type\":"}) {
    EXPECT_EQ(errorOf(text).code, "invalid_frame") << text;
  }
  std::string deep(1000, '[');
  EXPECT_EQ(errorOf(deep).code, "invalid_frame");
}

TEST(FrameCodec, UnknownTypeAndBadFieldsAreNamed) {
  EXPECT_EQ(errorOf(R"({"type":"subscribe"})").code, "unknown_type");
  EXPECT_EQ(errorOf(R"({"type":5})").code, "invalid_request");
  EXPECT_EQ(errorOf(R"({"nope":1})").code, "invalid_request");
  const auto e = errorOf(R"({"type":"send","clientMsgId":"c-9","conversationId":"d","body":5})");
  EXPECT_EQ(e.code, "invalid_request");
  EXPECT_NE(e.message.find("body"), std::string::npos);
  EXPECT_EQ(e.ref, "c-9");
  EXPECT_EQ(errorOf(R"({"type":"read","conversationId":"c","seq":-1})").code, "invalid_request");
  EXPECT_EQ(errorOf(R"({"type":"read","conversationId":"c","seq":"1"})").code, "invalid_request");
  EXPECT_EQ(errorOf(R"({"type":"typing","conversationId":"c","state":"maybe"})").code,
            "invalid_request");
}

TEST(FrameCodec, ClientMsgIdOfAFrameRefusedBeforeDecoding) {
  EXPECT_EQ(clientMsgIdOf(R"({"type":"send","clientMsgId":"c-9","body":"x"})"), "c-9");
  EXPECT_EQ(clientMsgIdOf(R"({"type":"typing","conversationId":"dm_x"})"), "");
  EXPECT_EQ(clientMsgIdOf(R"({"clientMsgId":42})"), "");
  EXPECT_EQ(clientMsgIdOf("not json"), "");
  EXPECT_EQ(clientMsgIdOf(R"(["clientMsgId"])"), "");
}

TEST(FrameCodec, EncodesErrorAckAndTypingAsValidJson) {
  auto err = boost::json::parse(encodeErrorFrame("forbidden", "no \"way\"\n", "c-1")).as_object();
  EXPECT_EQ(err.at("type"), "error");
  EXPECT_EQ(err.at("code"), "forbidden");
  EXPECT_EQ(err.at("message"), "no \"way\"\n");
  EXPECT_EQ(err.at("ref"), "c-1");
  EXPECT_TRUE(boost::json::parse(encodeErrorFrame("x", "y", "")).as_object().at("ref").is_null());
  auto ack = boost::json::parse(encodeAckFrame("c-2", R"({"id":"m"})")).as_object();
  EXPECT_EQ(ack.at("clientMsgId"), "c-2");
  EXPECT_EQ(ack.at("message").as_object().at("id"), "m");
  auto typing = boost::json::parse(encodeTypingFrame("c", "u", "stop")).as_object();
  EXPECT_EQ(typing.at("state"), "stop");
}

}  // namespace
}  // namespace gc::ws
