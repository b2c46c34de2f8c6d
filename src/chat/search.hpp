#pragma once
// Search: the rules for a query (terms, limits, paging) and the highlighted snippets.
// Who may see what is the store's query (the user's conversations only) plus, for one
// conversation, the same authorization as reading it.
#include <optional>
#include <string>
#include <vector>

#include "chat/messages.hpp"
#include "store/store.hpp"

namespace gc::chat {

struct SearchRequest {
  std::string text;
  std::optional<std::string> conversationId;
  std::optional<std::string> cursor;  // `next` of the previous page
  int limit = 20;
  bool newestFirst = false;
};

// A piece of a snippet; `match` pieces are where the query matched.
struct SnippetPart {
  std::string text;
  bool match = false;
};

struct SearchHit {
  store::Message message;
  std::vector<SnippetPart> snippet;
};

struct SearchResults {
  std::vector<SearchHit> hits;
  std::optional<std::string> next;  // the cursor of the next page, when there may be one
};

// Splits a query into distinct terms (at most 8); throws ApiError 400 naming `q`.
std::vector<std::string> searchTerms(std::string_view text);
// The part of `body` around the first match, cut at character boundaries, as pieces.
std::vector<SnippetPart> snippetOf(std::string_view body, const std::vector<std::string>& terms);

class SearchService {
 public:
  SearchService(store::Store& store, MessageService& messages)
      : store_(store), messages_(messages) {}
  // Blocking.
  SearchResults search(const std::string& userId, const SearchRequest& request);

 private:
  store::Store& store_;
  MessageService& messages_;
};

}  // namespace gc::chat
