#include "chat/search.hpp"

#include <algorithm>
#include <cctype>

#include "chat/validation.hpp"
#include "core/ascii.hpp"
#include "core/error.hpp"

namespace gc::chat {
namespace {

constexpr std::size_t kMaxQueryCodePoints = 200;
constexpr std::size_t kMaxTerms = 8;
constexpr std::size_t kMaxShortTerms = 4;  // the store's LIKE slots
constexpr int kMaxOffset = 1000;           // deeper than this, refine the query
// Snippet window, in bytes: some context before the first match, a line's worth in all.
constexpr std::size_t kContextBefore = 40;
constexpr std::size_t kSnippetBytes = 200;

bool isContinuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Whitespace that separates terms: ASCII and the ideographic space of CJK input methods.
std::size_t spaceAt(std::string_view s, std::size_t i) {
  const char c = s[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (s.substr(i, 3) == "\xE3\x80\x80") return 3;  // U+3000
  return 0;
}

}  // namespace

std::vector<std::string> searchTerms(std::string_view text) {
  if (codePoints(text) > kMaxQueryCodePoints) {
    throw core::invalidField("q", "must be at most 200 characters");
  }
  std::vector<std::string> terms;
  std::size_t i = 0;
  while (i < text.size()) {
    if (const auto n = spaceAt(text, i)) {
      i += n;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && spaceAt(text, j) == 0) ++j;
    std::string term(text.substr(i, j - i));
    if (std::find(terms.begin(), terms.end(), term) == terms.end()) terms.push_back(term);
    i = j;
  }
  if (terms.empty()) throw core::invalidField("q", "must not be empty");
  if (terms.size() > kMaxTerms) throw core::invalidField("q", "must have at most 8 words");
  return terms;
}

std::vector<SnippetPart> snippetOf(std::string_view body, const std::vector<std::string>& terms) {
  // Matches as byte ranges, found case-insensitively for ASCII (what the index folds beyond
  // ASCII is still found, just not highlighted).
  const auto haystack = core::asciiLower(body);
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const auto& term : terms) {
    const auto needle = core::asciiLower(term);
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + 1)) {
      ranges.emplace_back(at, at + needle.size());
    }
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<std::size_t, std::size_t>> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  std::size_t start = merged.empty() || merged.front().first < kContextBefore
                          ? 0
                          : merged.front().first - kContextBefore;
  while (start > 0 && isContinuation(body[start])) --start;
  std::size_t end = std::min(body.size(), start + kSnippetBytes);
  while (end < body.size() && isContinuation(body[end])) ++end;

  std::vector<SnippetPart> parts;
  auto add = [&](std::size_t from, std::size_t to, bool match) {
    if (from >= to) return;
    std::string text(body.substr(from, to - from));
    std::replace(text.begin(), text.end(), '\n', ' ');
    if (!parts.empty() && parts.back().match == match) {
      parts.back().text += text;
    } else {
      parts.push_back(SnippetPart{std::move(text), match});
    }
  };
  std::size_t at = start;
  for (const auto& [from, to] : merged) {
    if (to <= start) continue;
    if (from >= end) break;
    add(at, std::max(from, at), false);
    add(std::max(from, at), std::min(to, end), true);
    at = std::min(to, end);
  }
  add(at, end, false);
  // An ellipsis where the body goes on beyond the snippet.
  if (start > 0) {
    if (!parts.empty() && !parts.front().match) {
      parts.front().text.insert(0, "\u2026");
    } else {
      parts.insert(parts.begin(), SnippetPart{"\u2026", false});
    }
  }
  if (end < body.size()) {
    if (!parts.empty() && !parts.back().match) {
      parts.back().text += "\u2026";
    } else {
      parts.push_back(SnippetPart{"\u2026", false});
    }
  }
  return parts;
}

SearchResults SearchService::search(const std::string& userId, const SearchRequest& request) {
  const auto terms = searchTerms(request.text);
  if (request.limit < 1 || request.limit > 100) {
    throw core::invalidField("limit", "must be 1-100");
  }
  int offset = 0;
  if (request.cursor) {
    const auto& c = *request.cursor;
    if (c.empty() || c.size() > 4 ||
        !std::all_of(c.begin(), c.end(), [](unsigned char d) { return std::isdigit(d) != 0; }) ||
        std::stoi(c) > kMaxOffset) {
      throw core::invalidField("before", "must be the `next` cursor of a previous page");
    }
    offset = std::stoi(c);
  }
  store::SearchQuery q{.userId = userId,
                       .longTerms = {},
                       .shortTerms = {},
                       .conversationId = request.conversationId,
                       .newestFirst = request.newestFirst,
                       .offset = offset,
                       .limit = request.limit};
  for (const auto& t : terms) {
    if (codePoints(t) >= 3) {
      q.longTerms.push_back(t);
    } else if (q.shortTerms.size() < kMaxShortTerms) {
      q.shortTerms.push_back(t);
    }
  }
  // One conversation: the same rules as reading it (403/404 for outsiders).
  if (request.conversationId) {
    messages_.authorize(userId, *request.conversationId, Intent::Read);
  }

  SearchResults out;
  for (auto& m : store_.search().search(q)) {
    auto snippet = snippetOf(m.body, terms);
    out.hits.push_back(SearchHit{std::move(m), std::move(snippet)});
  }
  if (static_cast<int>(out.hits.size()) == request.limit && offset + request.limit <= kMaxOffset) {
    out.next = std::to_string(offset + request.limit);
  }
  return out;
}

}  // namespace gc::chat
