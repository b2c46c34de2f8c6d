// Message search on PostgreSQL: every term an ILIKE substring pattern, served by the trigram
// index (pg_trgm) for terms of 3+ characters.
#include "store/like_pattern.hpp"
#include "store/postgres/pg_sql.hpp"
#include "store/postgres/pg_store.hpp"

namespace gc::store::postgres {

std::vector<Message> PgSearchStore::search(const SearchQuery& q) {
  std::vector<std::string> patterns;
  std::string wholeQuery;
  for (const auto* terms : {&q.longTerms, &q.shortTerms}) {
    for (const auto& t : *terms) {
      patterns.push_back(likePattern(t));
      if (!wholeQuery.empty()) wholeQuery += ' ';
      wholeQuery += t;
    }
  }
  return pool_.with([&](PgConnection& conn) {
    auto out = readMessages(conn.query(sql::kSearch, q.userId, q.conversationId, pgArray(patterns),
                                       q.newestFirst, wholeQuery, std::int64_t{q.limit},
                                       std::int64_t{q.offset}));
    // Reactions: one small range query per hit, as hits come from many conversations.
    for (auto& m : out) attachReactions(conn, m);
    return out;
  });
}

}  // namespace gc::store::postgres
