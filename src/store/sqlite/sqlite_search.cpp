// Queries over the search index (sqlite_search_indexer.hpp), run on the reader connections,
// which attach the index file as `search`.
#include "store/like_pattern.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gc::store::sqlite {
namespace {

// Terms used in SQL: the long ones joined into one FTS5 query, the short ones as LIKE
// patterns (up to kShortTerms of them; the service caps the total).
constexpr std::size_t kShortTerms = 4;

// An FTS5 query that matches every term as a substring: each a quoted string, ANDed.
std::string ftsQuery(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : t) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  return out;
}

void bindShortTerms(Statement& s, int first, const std::vector<std::string>& terms) {
  for (std::size_t i = 0; i < kShortTerms; ++i) {
    if (i < terms.size()) {
      s.bind(first + static_cast<int>(i), likePattern(terms[i]));
    } else {
      s.bindNull(first + static_cast<int>(i));
    }
  }
}

// Membership is read at query time: who left or was removed finds nothing there any more.
#define GC_SEARCH_SCOPE \
  " m.conversation_id IN (SELECT conversation_id FROM conversation_members"                        \
  " WHERE user_id = ?2) AND (?3 IS NULL OR m.conversation_id = ?3)"                                \
  " AND m.deleted_at IS NULL AND m.type != 'system' AND NOT" GC_HIDDEN_FROM("?2")                 \
  " AND (?4 IS NULL OR m.body LIKE ?4 ESCAPE '\\') AND (?5 IS NULL OR m.body LIKE ?5 ESCAPE '\\')" \
  " AND (?6 IS NULL OR m.body LIKE ?6 ESCAPE '\\') AND (?7 IS NULL OR m.body LIKE ?7 ESCAPE '\\')"

}  // namespace

std::vector<Message> SqliteSearchStore::search(const SearchQuery& q) {
  return readers_.with([&q](SqliteDb& db) {
    std::vector<Message> out;
    Statement* s = nullptr;
    if (q.longTerms.empty()) {
      // Nothing the trigram index can use (1-2 characters, as in many CJK words): scan.
      s = &db.prepare("SELECT " GC_MESSAGE_COLUMNS GC_MESSAGE_FROM " WHERE" GC_SEARCH_SCOPE
                      " ORDER BY m.rowid DESC LIMIT ?8 OFFSET ?9");
    } else {
      // By relevance (bm25, lower is better) or, with ?10 set, newest first: one statement.
      s = &db.prepare("SELECT " GC_MESSAGE_COLUMNS
                      " FROM search.message_text t JOIN messages m ON m.rowid = t.rowid"
                      " LEFT JOIN messages o ON o.id = m.reply_to"
                      " WHERE t.message_text MATCH ?1 AND" GC_SEARCH_SCOPE
                      " ORDER BY CASE WHEN ?10 THEN 0 ELSE bm25(t.message_text) END,"
                      " m.rowid DESC LIMIT ?8 OFFSET ?9");
      s->bind(1, ftsQuery(q.longTerms));
      s->bind(10, std::int64_t{q.newestFirst ? 1 : 0});
    }
    s->bind(2, q.userId);
    s->bindOptional(3, q.conversationId);
    bindShortTerms(*s, 4, q.shortTerms);
    s->bind(8, std::int64_t{q.limit});
    s->bind(9, std::int64_t{q.offset});
    while (s->step()) out.push_back(readMessage(*s));
    s->reset();
    // Reactions: one small range query per hit, as hits come from many conversations.
    for (auto& m : out) attachReactions(db, m);
    return out;
  });
}

std::int64_t SqliteSearchStore::backlog() {
  return readers_.with([](SqliteDb& db) {
    return *db.prepare(
                  "SELECT (SELECT count(*) FROM messages WHERE rowid >"
                  " (SELECT value FROM search.search_state WHERE name = 'messages'))"
                  " + (SELECT count(*) FROM search_changes WHERE id >"
                  " (SELECT value FROM search.search_state WHERE name = 'changes'))")
                .one([](const Statement& s) { return s.int64(0); });
  });
}

}  // namespace gc::store::sqlite
