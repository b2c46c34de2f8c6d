// Message search on PostgreSQL: every term an ILIKE substring pattern, served by the trigram
// index (pg_trgm) for terms of 3+ characters.
#include <stdexcept>

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
  if (patterns.size() > sql::kMaxSearchTerms) {
    throw std::invalid_argument("search: more terms than the service allows");
  }
  PgParams params;
  params.add(q.userId);
  params.add(q.conversationId);
  params.add(q.newestFirst);
  params.add(wholeQuery);
  params.add(std::int64_t{q.limit});
  params.add(std::int64_t{q.offset});
  for (const auto& p : patterns) params.add(p);
  return pool_.with([&](PgConnection& conn) {
    const auto rows = conn.query(sql::search(patterns.size()), params);
    auto out = readMessages(rows);
    // Reactions: one small range query per hit, as hits come from many conversations.
    for (auto& m : out) attachReactions(conn, m);
    return out;
  });
}

std::int64_t PgSearchStore::backlog() {
  return pool_.with([](PgConnection& conn) { return conn.query(sql::kSearchBacklog).int64(0, 0); });
}

}  // namespace gc::store::postgres
