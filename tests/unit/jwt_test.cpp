#include "chat/jwt.hpp"

#include <gtest/gtest.h>

namespace gc::chat {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef";
constexpr std::int64_t kNow = 1'800'000'000;

Claims sample() {
  return Claims{.sub = "6b0813273d572f9fa94a1f33",
                .username = "alice",
                .iat = kNow,
                .exp = kNow + 3600,
                .jti = "6b0813273d572f9fa94a1f34"};
}

std::string withPart(const std::string& token, int index, const std::string& part) {
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  std::string parts[3] = {token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1),
                          token.substr(d2 + 1)};
  parts[index] = part;
  return parts[0] + "." + parts[1] + "." + parts[2];
}

TEST(Jwt, ValidTokenRoundTrips) {
  const auto token = signJwt(sample(), kSecret);
  const auto claims = verifyJwt(token, kSecret, kNow + 10);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->sub, sample().sub);
  EXPECT_EQ(claims->username, "alice");
  EXPECT_EQ(claims->jti, sample().jti);
  EXPECT_EQ(claims->exp, kNow + 3600);
}

TEST(Jwt, TamperedSignatureIsRefused) {
  auto token = signJwt(sample(), kSecret);
  token.back() = token.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifyJwt(token, kSecret, kNow));
}

TEST(Jwt, TamperedPayloadIsRefused) {
  const auto token = signJwt(sample(), kSecret);
  auto other = sample();
  other.sub = "6b0813273d572f9fa94a1f99";
  const auto forged = signJwt(other, "another-secret-another-secret-xx");
  const auto d1 = forged.find('.');
  const auto d2 = forged.find('.', d1 + 1);
  EXPECT_FALSE(verifyJwt(withPart(token, 1, forged.substr(d1 + 1, d2 - d1 - 1)), kSecret, kNow));
}

TEST(Jwt, WrongSecretIsRefused) {
  EXPECT_FALSE(verifyJwt(signJwt(sample(), kSecret), "ffffffffffffffffffffffffffffffff", kNow));
}

TEST(Jwt, AlgNoneIsRefused) {
  const auto token = signJwt(sample(), kSecret);
  for (const char* header :
       {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})", R"({"alg":"nOnE"})"}) {
    EXPECT_FALSE(verifyJwt(withPart(token, 0, base64UrlEncode(header)), kSecret, kNow)) << header;
    EXPECT_FALSE(
        verifyJwt(withPart(withPart(token, 0, base64UrlEncode(header)), 2, ""), kSecret, kNow))
        << header;
  }
}

TEST(Jwt, OtherAlgorithmEvenCorrectlyMacedIsRefused) {
  // The header says HS512; whatever the header says, only HS256 over it is accepted.
  const auto token = signJwt(sample(), kSecret);
  const auto d1 = token.find('.');
  const auto d2 = token.find('.', d1 + 1);
  const std::string payload = token.substr(d1 + 1, d2 - d1 - 1);
  const std::string header = base64UrlEncode(R"({"alg":"HS512","typ":"JWT"})");
  EXPECT_FALSE(verifyJwt(header + "." + payload + "." + token.substr(d2 + 1), kSecret, kNow));
}

TEST(Jwt, ExpiredTokenIsRefused) {
  const auto token = signJwt(sample(), kSecret);
  EXPECT_TRUE(verifyJwt(token, kSecret, kNow + 3599));
  EXPECT_FALSE(verifyJwt(token, kSecret, kNow + 3600));
  EXPECT_FALSE(verifyJwt(token, kSecret, kNow + 100000));
}

TEST(Jwt, IssuedInTheFutureIsRefused) {
  auto c = sample();
  c.iat = kNow + 3600;
  c.exp = kNow + 7200;
  EXPECT_FALSE(verifyJwt(signJwt(c, kSecret), kSecret, kNow));
}

TEST(Jwt, MalformedShapesAreRefused) {
  const auto token = signJwt(sample(), kSecret);
  EXPECT_FALSE(verifyJwt("", kSecret, kNow));
  EXPECT_FALSE(verifyJwt("a.b", kSecret, kNow));
  EXPECT_FALSE(verifyJwt(token + ".x", kSecret, kNow));
  EXPECT_FALSE(verifyJwt(token + "=", kSecret, kNow));
  EXPECT_FALSE(verifyJwt(std::string(5000, 'a'), kSecret, kNow));
}

TEST(Base64Url, RoundTripsAndRefusesPaddingAndStandardAlphabet) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\xfd"}) {
    EXPECT_EQ(base64UrlDecode(base64UrlEncode(s)), s);
  }
  EXPECT_FALSE(base64UrlDecode("Zg=="));
  EXPECT_FALSE(base64UrlDecode("a+b/"));
  EXPECT_FALSE(base64UrlDecode("Zh"));  // non-zero trailing bits
}

}  // namespace
}  // namespace gc::chat
