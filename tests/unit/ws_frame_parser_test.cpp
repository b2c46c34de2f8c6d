#include "ws/frame_parser.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "ws/frame_encoder.hpp"

namespace gc::ws {
namespace {

using Kind = FrameParser::Event::Kind;

constexpr std::size_t kLimit = 64 * 1024;

struct FrameSpec {
  std::uint8_t opcode = 0x1;
  std::string payload;
  bool fin = true;
  bool mask = true;
  std::uint8_t rsv = 0;                                // the three RSV bits, as 0..7
  std::optional<std::uint64_t> length = std::nullopt;  // declared, if not payload.size()
  int lengthBytes = -1;                                // force 0, 2 or 8 extended length bytes
};

// A client frame as a browser would send it (or, with the knobs, would not).
std::string clientFrame(const FrameSpec& f) {
  const std::uint64_t length = f.length.value_or(f.payload.size());
  int ext = f.lengthBytes;
  if (ext < 0) ext = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
  std::string out;
  out.push_back(static_cast<char>((f.fin ? 0x80 : 0) | ((f.rsv & 7) << 4) | (f.opcode & 0x0F)));
  const std::uint8_t maskBit = f.mask ? 0x80 : 0;
  if (ext == 0) {
    out.push_back(static_cast<char>(maskBit | length));
  } else {
    out.push_back(static_cast<char>(maskBit | (ext == 2 ? 126 : 127)));
    for (int i = ext - 1; i >= 0; --i) out.push_back(static_cast<char>(length >> (8 * i)));
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (f.mask) out.append(key, 4);
  for (std::size_t i = 0; i < f.payload.size(); ++i) {
    out.push_back(static_cast<char>(f.mask ? f.payload[i] ^ key[i % 4] : f.payload[i]));
  }
  return out;
}

std::string text(std::string_view payload, bool fin = true) {
  return clientFrame({.opcode = 0x1, .payload = std::string(payload), .fin = fin});
}
std::string continuation(std::string_view payload, bool fin = true) {
  return clientFrame({.opcode = 0x0, .payload = std::string(payload), .fin = fin});
}
std::string closeFrame(std::uint16_t code, std::string_view reason = {}) {
  return clientFrame({.opcode = 0x8, .payload = encodeClosePayload(code, reason)});
}

struct Seen {
  Kind kind;
  std::string payload;
  std::uint16_t code;
};

// Feeds `bytes` in pieces of `step` bytes (0: all at once), collecting events until the input
// is used up, the peer closes or the parser fails.
std::vector<Seen> parse(FrameParser& parser, std::string bytes, std::size_t step = 0) {
  std::vector<Seen> seen;
  if (step == 0) step = bytes.size();
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    std::span<char> input(bytes.data() + at, std::min(step, bytes.size() - at));
    for (;;) {
      const auto e = parser.next(input);
      if (e.kind == Kind::NeedMore) break;
      seen.push_back({e.kind, std::string(e.payload), e.code});
      if (e.kind == Kind::Close || e.kind == Kind::Error) return seen;
    }
    EXPECT_TRUE(input.empty());
  }
  return seen;
}

std::vector<Seen> parse(std::string bytes, std::size_t step = 0) {
  FrameParser parser(kLimit);
  return parse(parser, std::move(bytes), step);
}

// The close code the parser fails with, or 0 when it does not fail.
std::uint16_t errorCode(std::string bytes) {
  const auto seen = parse(std::move(bytes));
  return !seen.empty() && seen.back().kind == Kind::Error ? seen.back().code : 0;
}

TEST(WsFrameParser, MaskedTextFrame) {
  const auto seen = parse(text(R"({"type":"ping"})"));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, Kind::Text);
  EXPECT_EQ(seen[0].payload, R"({"type":"ping"})");
}

TEST(WsFrameParser, AWholeFrameInOneReadIsNotCopied) {
  FrameParser parser(kLimit);
  std::string bytes = text("hello");
  std::span<char> input(bytes.data(), bytes.size());
  const auto e = parser.next(input);
  ASSERT_EQ(e.kind, Kind::Text);
  EXPECT_EQ(e.payload, "hello");
  EXPECT_GE(e.payload.data(), bytes.data());
  EXPECT_LT(e.payload.data(), bytes.data() + bytes.size());
  EXPECT_EQ(parser.bufferedBytes(), 0u);
}

TEST(WsFrameParser, ByteByByteGivesTheSameMessages) {
  const std::string big(300, 'x');
  const std::string huge(70'000, 'y');
  const std::string stream = text("a") + text(big) + text(huge) + text("");
  for (std::size_t step : {1u, 2u, 3u, 5u, 7u, 4096u}) {
    FrameParser parser(100'000);
    const auto seen = parse(parser, stream, step);
    ASSERT_EQ(seen.size(), 4u) << "step " << step;
    EXPECT_EQ(seen[0].payload, "a");
    EXPECT_EQ(seen[1].payload, big);
    EXPECT_EQ(seen[2].payload, huge);
    EXPECT_EQ(seen[3].payload, "");
    // Nothing is held once the messages are complete and the next call has been made.
    std::span<char> none;
    EXPECT_EQ(parser.next(none).kind, Kind::NeedMore);
    EXPECT_EQ(parser.bufferedBytes(), 0u);
  }
}

TEST(WsFrameParser, PartialMessageIsHeldUntilComplete) {
  FrameParser parser(kLimit);
  std::string bytes = text("0123456789");
  std::span<char> first(bytes.data(), bytes.size() - 4);
  EXPECT_EQ(parser.next(first).kind, Kind::NeedMore);
  EXPECT_EQ(parser.bufferedBytes(), 6u);
  std::span<char> rest(bytes.data() + bytes.size() - 4, 4);
  const auto e = parser.next(rest);
  ASSERT_EQ(e.kind, Kind::Text);
  EXPECT_EQ(e.payload, "0123456789");
  std::span<char> none;
  EXPECT_EQ(parser.next(none).kind, Kind::NeedMore);
  EXPECT_EQ(parser.bufferedBytes(), 0u);
}

TEST(WsFrameParser, SeveralFramesInOneRead) {
  const auto seen = parse(text("one") + clientFrame({.opcode = 0x9, .payload = "p"}) +
                          clientFrame({.opcode = 0xA, .payload = "q"}) + text("two"));
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].kind, Kind::Text);
  EXPECT_EQ(seen[1].kind, Kind::Ping);
  EXPECT_EQ(seen[1].payload, "p");
  EXPECT_EQ(seen[2].kind, Kind::Pong);
  EXPECT_EQ(seen[2].payload, "q");
  EXPECT_EQ(seen[3].payload, "two");
}

TEST(WsFrameParser, FragmentedMessageWithPingInBetween) {
  const std::string stream = text(R"({"type":)", false) +
                             clientFrame({.opcode = 0x9, .payload = "abc"}) +
                             continuation(R"("pi)", false) + continuation(R"(ng"})");
  for (std::size_t step : {0u, 1u, 3u}) {
    const auto seen = parse(stream, step);
    ASSERT_EQ(seen.size(), 2u) << "step " << step;
    EXPECT_EQ(seen[0].kind, Kind::Ping);
    EXPECT_EQ(seen[0].payload, "abc");
    EXPECT_EQ(seen[1].kind, Kind::Text);
    EXPECT_EQ(seen[1].payload, R"({"type":"ping"})");
  }
}

TEST(WsFrameParser, EmptyFragmentsAreFine) {
  const auto seen = parse(text("", false) + continuation("", false) + continuation("x"));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].payload, "x");
}

TEST(WsFrameParser, BinaryMessage) {
  const auto seen = parse(clientFrame({.opcode = 0x2, .payload = std::string("\xff\x00\xfe", 3)}));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, Kind::Binary);  // not UTF-8 checked
  EXPECT_EQ(seen[0].payload, std::string("\xff\x00\xfe", 3));
}

TEST(WsFrameParser, UnmaskedFrameIs1002) {
  EXPECT_EQ(errorCode(clientFrame({.payload = "x", .mask = false})), 1002);
}

TEST(WsFrameParser, RsvBitsAre1002) {
  for (std::uint8_t rsv : {1, 2, 4, 7}) {
    EXPECT_EQ(errorCode(clientFrame({.payload = "x", .rsv = rsv})), 1002) << int(rsv);
  }
}

TEST(WsFrameParser, ReservedOpcodesAre1002) {
  for (std::uint8_t op : {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
    EXPECT_EQ(errorCode(clientFrame({.opcode = op, .payload = "x"})), 1002) << int(op);
  }
}

TEST(WsFrameParser, ControlFramesOver125BytesAre1002) {
  EXPECT_EQ(errorCode(clientFrame({.opcode = 0x9, .payload = std::string(126, 'p')})), 1002);
  EXPECT_EQ(errorCode(clientFrame({.opcode = 0xA, .payload = std::string(126, 'p')})), 1002);
  EXPECT_EQ(errorCode(clientFrame({.opcode = 0x8, .payload = std::string(126, 'p')})), 1002);
  const auto ok = parse(clientFrame({.opcode = 0x9, .payload = std::string(125, 'p')}));
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].kind, Kind::Ping);
  EXPECT_EQ(ok[0].payload.size(), 125u);
}

TEST(WsFrameParser, FragmentedControlFramesAre1002) {
  EXPECT_EQ(errorCode(clientFrame({.opcode = 0x9, .payload = "x", .fin = false})), 1002);
  EXPECT_EQ(errorCode(clientFrame({.opcode = 0x8, .payload = "", .fin = false})), 1002);
}

TEST(WsFrameParser, ContinuationWithoutAStartIs1002) {
  EXPECT_EQ(errorCode(continuation("x")), 1002);
  EXPECT_EQ(errorCode(text("a") + continuation("x")), 1002);
}

TEST(WsFrameParser, NewDataFrameInsideAFragmentedMessageIs1002) {
  EXPECT_EQ(errorCode(text("{", false) + text("{}")), 1002);
  EXPECT_EQ(errorCode(text("{", false) + clientFrame({.opcode = 0x2, .payload = "x"})), 1002);
}

TEST(WsFrameParser, LengthWithTheMostSignificantBitIs1002) {
  EXPECT_EQ(errorCode(clientFrame({.payload = "x", .length = 0x8000000000000001ull})), 1002);
}

TEST(WsFrameParser, NonMinimalLengthIs1002) {
  EXPECT_EQ(errorCode(clientFrame({.payload = "x", .lengthBytes = 2})), 1002);
  EXPECT_EQ(errorCode(clientFrame({.payload = std::string(200, 'x'), .lengthBytes = 8})), 1002);
}

TEST(WsFrameParser, OversizedFrameIs1009BeforeItsPayload) {
  FrameParser parser(kLimit);
  // Only the header: the parser must not wait for (or buffer) 2 GB.
  std::string header = clientFrame({.payload = "", .length = 0x7fffffff});
  std::span<char> input(header.data(), header.size());
  const auto e = parser.next(input);
  EXPECT_EQ(e.kind, Kind::Error);
  EXPECT_EQ(e.code, 1009);
  EXPECT_EQ(parser.bufferedBytes(), 0u);
  EXPECT_EQ(errorCode(text(std::string(kLimit + 1, 'x'))), 1009);
}

TEST(WsFrameParser, LimitCountsAcrossFragments) {
  const std::string half(kLimit / 2, 'x');
  EXPECT_EQ(errorCode(text(half, false) + continuation(half, false) + continuation("x")), 1009);
  const auto ok = parse(text(half, false) + continuation(half));
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].payload.size(), kLimit);
}

TEST(WsFrameParser, ControlFramesDoNotCountTowardsTheLimit) {
  const std::string half(kLimit / 2, 'x');
  const auto ok = parse(text(half, false) + clientFrame({.opcode = 0x9, .payload = "ping"}) +
                        continuation(half));
  ASSERT_EQ(ok.size(), 2u);
  EXPECT_EQ(ok[1].payload.size(), kLimit);
}

TEST(WsFrameParser, InvalidUtf8Is1007) {
  EXPECT_EQ(errorCode(text("\x7b\x22\xc0\xaf\x22\x7d")), 1007);  // overlong '/'
  EXPECT_EQ(errorCode(text("\xed\xa0\x80")), 1007);              // a surrogate
  EXPECT_EQ(errorCode(text("abc\xe2\x82")), 1007);               // ends inside a code point
}

TEST(WsFrameParser, Utf8SplitAcrossFragments) {
  // "€" is E2 82 AC; split after each of its bytes.
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"\"\xe2", "\x82\xac\""}, {"\"\xe2\x82", "\xac\""}}) {
    const auto seen = parse(text(a, false) + continuation(b));
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].kind, Kind::Text);
    EXPECT_EQ(seen[0].payload, "\"\xe2\x82\xac\"");
  }
  // The conformance test's case: E2 82 followed by '(' is invalid only once the second fragment
  // arrives.
  FrameParser parser(kLimit);
  EXPECT_TRUE(parse(parser, text("\"\xe2\x82", false)).empty());
  const auto seen = parse(parser, continuation("(\""));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, Kind::Error);
  EXPECT_EQ(seen[0].code, 1007);
}

TEST(WsFrameParser, Utf8SplitAcrossReads) {
  const auto seen = parse(text("h\xc3\xa9llo \xf0\x9f\x98\x80"), 1);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].payload, "h\xc3\xa9llo \xf0\x9f\x98\x80");
}

TEST(WsFrameParser, CloseWithoutPayloadIs1005) {
  const auto seen = parse(clientFrame({.opcode = 0x8, .payload = ""}));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, Kind::Close);
  EXPECT_EQ(seen[0].code, 1005);
}

TEST(WsFrameParser, CloseCodeAndReason) {
  const auto seen = parse(closeFrame(1000, "bye \xc3\xa9"));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, Kind::Close);
  EXPECT_EQ(seen[0].code, 1000);
  EXPECT_EQ(seen[0].payload, "bye \xc3\xa9");
}

TEST(WsFrameParser, CloseWithOneByteIs1002) {
  EXPECT_EQ(errorCode(clientFrame({.opcode = 0x8, .payload = "\x03"})), 1002);
}

TEST(WsFrameParser, CloseCodes) {
  for (std::uint16_t code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
                             3000, 3999, 4000, 4999}) {
    const auto seen = parse(closeFrame(code));
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].kind, Kind::Close) << code;
    EXPECT_EQ(seen[0].code, code);
  }
  for (std::uint16_t code : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535}) {
    EXPECT_EQ(errorCode(closeFrame(code)), 1002) << code;
  }
}

TEST(WsFrameParser, CloseReasonMustBeUtf8) {
  EXPECT_EQ(errorCode(clientFrame({.opcode = 0x8, .payload = std::string("\x03\xe8\xff", 3)})),
            1007);
}

TEST(WsFrameParser, NothingIsConsumedAfterClose) {
  FrameParser parser(kLimit);
  std::string bytes = closeFrame(1000) + text("late");
  std::span<char> input(bytes.data(), bytes.size());
  EXPECT_EQ(parser.next(input).kind, Kind::Close);
  const auto left = input.size();
  EXPECT_EQ(parser.next(input).kind, Kind::NeedMore);
  EXPECT_EQ(input.size(), left);
}

TEST(WsFrameParser, ErrorsRepeat) {
  FrameParser parser(kLimit);
  std::string bytes = continuation("x");
  std::span<char> input(bytes.data(), bytes.size());
  EXPECT_EQ(parser.next(input).code, 1002);
  std::string more = text("ok");
  std::span<char> next(more.data(), more.size());
  const auto e = parser.next(next);
  EXPECT_EQ(e.kind, Kind::Error);
  EXPECT_EQ(e.code, 1002);
}

TEST(WsFrameParser, ControlFrameSplitAcrossReads) {
  const auto seen = parse(clientFrame({.opcode = 0x9, .payload = "0123456789"}), 3);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, Kind::Ping);
  EXPECT_EQ(seen[0].payload, "0123456789");
}

TEST(WsFrameEncoder, HeaderSizes) {
  auto h = encodeFrameHeader(Opcode::Text, 0);
  EXPECT_EQ(h.size, 2);
  EXPECT_EQ(h.bytes[0], 0x81);
  EXPECT_EQ(h.bytes[1], 0);
  h = encodeFrameHeader(Opcode::Text, 125);
  EXPECT_EQ(h.size, 2);
  EXPECT_EQ(h.bytes[1], 125);
  h = encodeFrameHeader(Opcode::Pong, 126);
  EXPECT_EQ(h.size, 4);
  EXPECT_EQ(h.bytes[0], 0x8A);
  EXPECT_EQ(h.bytes[1], 126);
  EXPECT_EQ(h.bytes[2], 0);
  EXPECT_EQ(h.bytes[3], 126);
  h = encodeFrameHeader(Opcode::Text, 0xFFFF);
  EXPECT_EQ(h.size, 4);
  EXPECT_EQ(h.bytes[2], 0xFF);
  EXPECT_EQ(h.bytes[3], 0xFF);
  h = encodeFrameHeader(Opcode::Binary, 0x10000);
  EXPECT_EQ(h.size, 10);
  EXPECT_EQ(h.bytes[0], 0x82);
  EXPECT_EQ(h.bytes[1], 127);
  const std::uint8_t expected[8] = {0, 0, 0, 0, 0, 1, 0, 0};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(h.bytes[2 + i], expected[i]);
}

TEST(WsFrameEncoder, ClosePayload) {
  EXPECT_EQ(encodeClosePayload(1001, "bye"), std::string("\x03\xe9"
                                                         "bye"));
  EXPECT_EQ(encodeClosePayload(1000, ""), std::string("\x03\xe8", 2));
  // Cut to 123 bytes of reason without splitting "é" (2 bytes) at the boundary.
  const std::string reason = std::string(122, 'a') + "\xc3\xa9";
  const auto payload = encodeClosePayload(1000, reason);
  EXPECT_EQ(payload.size(), 2u + 122u);
  EXPECT_TRUE(core::isValidUtf8(std::string_view(payload).substr(2)));
}

TEST(WsFrameEncoder, ServerFramesParseBack) {
  // What we send, masked the way a client would, reads back as the same message.
  const std::string payload(70'000, 'z');
  const auto h = encodeFrameHeader(Opcode::Text, payload.size());
  std::string frame(reinterpret_cast<const char*>(h.bytes.data()), h.size);
  frame[1] = static_cast<char>(frame[1] | 0x80);
  frame.append("\0\0\0\0", 4);  // an all-zero mask changes nothing
  frame += payload;
  FrameParser parser(100'000);
  const auto seen = parse(parser, frame);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].payload, payload);
}

}  // namespace
}  // namespace gc::ws
