#include "chat/jwt.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <boost/json.hpp>

#include "core/digest.hpp"
#include "core/ids.hpp"

namespace gc::chat {
namespace {

namespace json = boost::json;

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::size_t kMaxTokenBytes = 4096;
constexpr std::int64_t kClockSkewSec = 60;

std::optional<json::object> decodeObject(std::string_view part) {
  auto raw = base64UrlDecode(part);
  if (!raw) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::optional<std::string> stringClaim(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<std::int64_t> intClaim(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX)
    return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;  // strings, floats and 1e309 are not NumericDates we accept
}

}  // namespace

std::string base64UrlEncode(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                   (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    const auto n = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
  } else if (i + 2 == bytes.size()) {
    const auto n = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                   (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
  // Unpadded base64url only: '=', '+', '/' and whitespace are refused.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-') {
      v = 62;
    } else if (c == '_') {
      v = 63;
    } else {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero, or two encodings would map to one token.
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string signJwt(const Claims& claims, std::string_view secret) {
  json::object payload;
  payload["sub"] = claims.sub;
  payload["username"] = claims.username;
  payload["iat"] = claims.iat;
  payload["exp"] = claims.exp;
  payload["jti"] = claims.jti;
  std::string signingInput =
      base64UrlEncode(kHeader) + "." + base64UrlEncode(json::serialize(payload));
  const std::string mac = core::hmacSha256(secret, signingInput);
  return signingInput + "." + base64UrlEncode(mac);
}

std::optional<Claims> verifyJwt(std::string_view token, std::string_view secret,
                                std::int64_t nowSec) {
  if (token.empty() || token.size() > kMaxTokenBytes) return std::nullopt;
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return std::nullopt;
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  // The MAC first: nothing in an unauthenticated header or payload is looked at.
  const auto signature = base64UrlDecode(token.substr(dot2 + 1));
  const std::string expected = core::hmacSha256(secret, token.substr(0, dot2));
  if (!signature || signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  const auto header = decodeObject(token.substr(0, dot1));
  if (!header) return std::nullopt;
  const auto alg = stringClaim(*header, "alg");
  if (!alg || *alg != "HS256") return std::nullopt;
  if (const auto typ = stringClaim(*header, "typ"); header->contains("typ") && typ != "JWT") {
    return std::nullopt;
  }
  const auto payload = decodeObject(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!payload) return std::nullopt;
  Claims c;
  auto sub = stringClaim(*payload, "sub");
  auto username = stringClaim(*payload, "username");
  auto jti = stringClaim(*payload, "jti");
  auto iat = intClaim(*payload, "iat");
  auto exp = intClaim(*payload, "exp");
  if (!sub || !core::isId(*sub) || !username || !jti || jti->empty() || !iat || !exp) {
    return std::nullopt;
  }
  if (*exp <= nowSec || *iat > nowSec + kClockSkewSec) return std::nullopt;
  c.sub = std::move(*sub);
  c.username = std::move(*username);
  c.jti = std::move(*jti);
  c.iat = *iat;
  c.exp = *exp;
  return c;
}

}  // namespace gc::chat
