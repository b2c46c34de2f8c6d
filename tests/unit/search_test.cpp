#include "chat/search.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace gc::chat {
namespace {

std::string joined(const std::vector<SnippetPart>& parts) {
  std::string out;
  for (const auto& p : parts) out += p.text;
  return out;
}

std::vector<std::string> matches(const std::vector<SnippetPart>& parts) {
  std::vector<std::string> out;
  for (const auto& p : parts) {
    if (p.match) out.push_back(p.text);
  }
  return out;
}

TEST(SearchTerms, SplitsAtSpacesIncludingTheIdeographicOneAndDropsRepeats) {
  EXPECT_EQ(searchTerms("  road  map road "), (std::vector<std::string>{"road", "map"}));
  EXPECT_EQ(searchTerms("東京\xE3\x80\x80大阪"), (std::vector<std::string>{"東京", "大阪"}));
}

TEST(SearchTerms, RefusesEmptyLongAndWordyQueries) {
  EXPECT_THROW(searchTerms(""), core::ApiError);
  EXPECT_THROW(searchTerms(" \t "), core::ApiError);
  EXPECT_THROW(searchTerms(std::string(201, 'x')), core::ApiError);
  EXPECT_THROW(searchTerms("a b c d e f g h i"), core::ApiError);
  EXPECT_NO_THROW(searchTerms("a b c d e f g h"));
}

TEST(Snippet, MarksEveryMatchCaseInsensitively) {
  const auto parts = snippetOf("Roadmap and ROAD trip", {"road"});
  EXPECT_EQ(joined(parts), "Roadmap and ROAD trip");
  EXPECT_EQ(matches(parts), (std::vector<std::string>{"Road", "ROAD"}));
}

TEST(Snippet, MergesOverlappingMatches) {
  const auto parts = snippetOf("abcdef", {"abcd", "cdef"});
  EXPECT_EQ(matches(parts), (std::vector<std::string>{"abcdef"}));
}

TEST(Snippet, CutsALongBodyAroundTheFirstMatchAtCharacterBoundaries) {
  std::string body;
  for (int i = 0; i < 100; ++i) body += "é";  // two bytes each
  body += "needle";
  for (int i = 0; i < 200; ++i) body += "ü";
  const auto parts = snippetOf(body, {"needle"});
  const auto text = joined(parts);
  EXPECT_EQ(text.rfind("\u2026", 0), 0u) << "starts with an ellipsis";
  EXPECT_EQ(text.substr(text.size() - 3), "\u2026");
  EXPECT_EQ(matches(parts), (std::vector<std::string>{"needle"}));
  EXPECT_LT(text.size(), 220u);
  // No split characters: every é and ü survived whole.
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xC3) {
      EXPECT_TRUE(text[i + 1] == '\xA9' || text[i + 1] == '\xBC');
    }
  }
}

TEST(Snippet, WithoutAMatchShowsTheStart) {
  const auto parts = snippetOf("nothing here", {"zzz"});
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].text, "nothing here");
  EXPECT_FALSE(parts[0].match);
}

}  // namespace
}  // namespace gc::chat
