#include "ws/handshake.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/digest.hpp"

namespace gc::ws {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool isBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

bool isValidKey(std::string_view key) {
  return key.size() == 24 && key.ends_with("==") &&
         std::all_of(key.begin(), key.end() - 2, isBase64Char);
}

std::string acceptKey(std::string_view key) {
  std::string input;
  input.reserve(key.size() + kGuid.size());
  input.append(key).append(kGuid);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digestSize = 0;
  if (EVP_Digest(input.data(), input.size(), digest.data(), &digestSize, EVP_sha1(), nullptr) !=
      1) {
    throw std::runtime_error("SHA-1 failed");
  }
  return core::base64Encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digestSize));
}

std::string upgradeResponse(std::string_view key, bool answerSubprotocol) {
  std::string res =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Server: gopherchat\r\n"
      "Sec-WebSocket-Accept: ";
  res += acceptKey(key);
  res += "\r\n";
  if (answerSubprotocol) res += "Sec-WebSocket-Protocol: gopherchat.v1\r\n";
  res += "\r\n";
  return res;
}

}  // namespace gc::ws
