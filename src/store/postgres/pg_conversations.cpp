#include <unordered_map>

#include "store/postgres/pg_sql.hpp"
#include "store/postgres/pg_store.hpp"

namespace gc::store::postgres {

std::vector<ConversationSummary> PgConversationStore::listForUser(std::string_view userId,
                                                                  int limit) {
  return pool_.with([userId, limit](PgConnection& conn) {
    std::vector<ConversationSummary> out;
    const auto rows = conn.query(sql::kConversationsOfUser, userId, std::int64_t{limit});
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back(ConversationSummary{.id = rows.text(i, 0),
                                        .kind = rows.text(i, 1),
                                        .lastSeq = rows.int64(i, 2),
                                        .lastActivityMs = rows.int64(i, 3),
                                        .readSeq = rows.int64(i, 4),
                                        .unread = 0,
                                        .lastMessage = std::nullopt});
    }
    for (auto& c : out) {
      // The newest message the user may see (in a group, not one from a member they blocked).
      const auto last = conn.query(sql::kLastVisibleMessage, c.id, c.lastSeq, userId);
      if (!last.empty()) {
        c.lastMessage = readMessage(last, 0);
        attachReactions(conn, *c.lastMessage);
      }
      c.unread = conn.query(sql::kUnreadCount, c.id, c.readSeq, userId).int64(0, 0);
    }
    return out;
  });
}

std::vector<std::string> PgConversationStore::idsForUser(std::string_view userId) {
  return pool_.with([userId](PgConnection& conn) {
    std::vector<std::string> out;
    const auto rows = conn.query(sql::kConversationIdsOfUser, userId);
    for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.text(i, 0));
    return out;
  });
}

std::int64_t PgConversationStore::lastSeq(std::string_view conversationId) {
  return pool_.with([conversationId](PgConnection& conn) {
    const auto rows = conn.query(sql::kLastSeq, conversationId);
    return rows.empty() ? 0 : rows.int64(0, 0);
  });
}

std::int64_t PgConversationStore::advance(std::string_view userId, std::string_view conversationId,
                                          std::int64_t seq) {
  // One statement: the upsert moves the marker forward only, clamped to the last seq.
  return pool_.with([&](PgConnection& conn) {
    return conn.query(sql::kAdvanceMarker, userId, conversationId, seq).int64(0, 0);
  });
}

std::int64_t PgConversationStore::get(std::string_view userId, std::string_view conversationId) {
  return pool_.with([&](PgConnection& conn) {
    const auto rows = conn.query(sql::kMarker, userId, conversationId);
    return rows.empty() ? 0 : rows.int64(0, 0);
  });
}

std::vector<ReadMarker> PgConversationStore::forUsers(std::string_view conversationId,
                                                      const std::vector<std::string>& userIds) {
  if (userIds.empty()) return {};
  return pool_.with([&](PgConnection& conn) {
    const auto rows = conn.query(sql::kMarkersOfUsers, conversationId, pgArray(userIds));
    std::unordered_map<std::string, std::int64_t> seqOf;
    for (int i = 0; i < rows.rows(); ++i) seqOf.emplace(rows.text(i, 0), rows.int64(i, 1));
    // In the order the caller named the users; those who never read it are left out.
    std::vector<ReadMarker> out;
    for (const auto& user : userIds) {
      auto it = seqOf.find(user);
      if (it != seqOf.end() && it->second > 0) out.push_back({.userId = user, .seq = it->second});
    }
    return out;
  });
}

}  // namespace gc::store::postgres
