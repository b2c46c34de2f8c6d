#include "core/json_string.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace gc::core {
namespace {

std::string literal(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(literal("plain"), "\"plain\"");
  EXPECT_EQ(literal("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(literal("line\r\nforged"), R"("line\r\nforged")");
  EXPECT_EQ(literal(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
}

TEST(JsonString, RoundTripsThroughAJsonParser) {
  const std::string tricky = "é 日本 \"q\" \\ \t\n\x07 end";
  const auto parsed = boost::json::parse(literal(tricky));
  ASSERT_TRUE(parsed.is_string());
  EXPECT_EQ(std::string_view(parsed.as_string()), tricky);
}

}  // namespace
}  // namespace gc::core
