#include "ws/handshake.hpp"

#include <gtest/gtest.h>

namespace gc::ws {
namespace {

TEST(WsHandshake, AcceptKeyFromRfc6455) {
  // RFC 6455 §1.3 (and §4.2.2): base64(SHA-1(key + GUID)), checked with Python's hashlib too.
  EXPECT_EQ(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsHandshake, KeyMustBeBase64Of16Bytes) {
  EXPECT_TRUE(isValidKey("dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_TRUE(isValidKey("AAAAAAAAAAAAAAAAAAAA+/=="));
  EXPECT_FALSE(isValidKey(""));
  EXPECT_FALSE(isValidKey("dGhlIHNhbXBsZSBub25jZQ"));     // no padding
  EXPECT_FALSE(isValidKey("dGhlIHNhbXBsZSBub25jZQ==="));  // too long
  EXPECT_FALSE(isValidKey("dGhlIHNhbXBsZSBub25j"));       // 15 bytes
  EXPECT_FALSE(isValidKey("dGhlIHNhbXBsZSBub25jZ!=="));   // not base64
  EXPECT_FALSE(isValidKey("dGhlIHNhbXBsZSBub25jZQ=A"));
}

TEST(WsHandshake, UpgradeResponse) {
  const auto plain = upgradeResponse("dGhlIHNhbXBsZSBub25jZQ==", false);
  EXPECT_TRUE(plain.starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
  EXPECT_NE(plain.find("\r\nUpgrade: websocket\r\n"), std::string::npos);
  EXPECT_NE(plain.find("\r\nConnection: Upgrade\r\n"), std::string::npos);
  EXPECT_NE(plain.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string::npos);
  EXPECT_EQ(plain.find("Sec-WebSocket-Protocol"), std::string::npos);
  EXPECT_TRUE(plain.ends_with("\r\n\r\n"));

  const auto withProtocol = upgradeResponse("dGhlIHNhbXBsZSBub25jZQ==", true);
  EXPECT_NE(withProtocol.find("\r\nSec-WebSocket-Protocol: gopherchat.v1\r\n"), std::string::npos);
}

}  // namespace
}  // namespace gc::ws
