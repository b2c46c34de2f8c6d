#include "store/sqlite/sqlite_store.hpp"

namespace gc::store::sqlite {
namespace {

// 0 when the user never read the conversation.
std::int64_t markerOf(SqliteDb& db, std::string_view userId, std::string_view conversationId) {
  return db.prepare("SELECT seq FROM read_markers WHERE user_id = ?1 AND conversation_id = ?2")
      .bind(1, userId)
      .bind(2, conversationId)
      .one([](const Statement& s) { return s.int64(0); })
      .value_or(0);
}

}  // namespace

std::vector<std::string> SqliteConversationStore::idsForUser(std::string_view userId) {
  return readers_.with([userId](SqliteDb& db) {
    std::vector<std::string> out;
    auto& q = db.prepare("SELECT conversation_id FROM conversation_members WHERE user_id = ?1")
                  .bind(1, userId);
    while (q.step()) out.push_back(q.text(0));
    return out;
  });
}

std::vector<ConversationSummary> SqliteConversationStore::listForUser(std::string_view userId,
                                                                      int limit) {
  return readers_.with([userId, limit](SqliteDb& db) {
    std::vector<ConversationSummary> out;
    auto& q =
        db.prepare(
              "SELECT c.id, c.kind, c.last_seq, c.last_activity, COALESCE(r.seq, 0)"
              " FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id"
              " LEFT JOIN read_markers r ON r.user_id = m.user_id AND r.conversation_id = c.id"
              " WHERE m.user_id = ?1 ORDER BY c.last_activity DESC, c.id LIMIT ?2")
            .bind(1, userId)
            .bind(2, std::int64_t{limit});
    while (q.step()) {
      out.push_back(ConversationSummary{.id = q.text(0),
                                        .kind = q.text(1),
                                        .lastSeq = q.int64(2),
                                        .lastActivityMs = q.int64(3),
                                        .readSeq = q.int64(4),
                                        .unread = 0,
                                        .lastMessage = std::nullopt});
    }
    for (auto& c : out) {
      // The newest message the user may see (in a group, not one from a member they blocked).
      c.lastMessage = db.prepare("SELECT " GC_MESSAGE_COLUMNS GC_MESSAGE_FROM
                                 " WHERE m.conversation_id = ?1 AND m.seq <= ?2"
                                 " AND NOT" GC_HIDDEN_FROM("?3") " ORDER BY m.seq DESC LIMIT 1")
                          .bind(1, c.id)
                          .bind(2, c.lastSeq)
                          .bind(3, userId)
                          .one(readMessage);
      if (c.lastMessage) attachReactions(db, *c.lastMessage);
      c.unread = *db.prepare(
                        "SELECT count(*) FROM messages m WHERE m.conversation_id = ?1"
                        " AND m.seq > ?2 AND m.sender_id != ?3 AND NOT" GC_HIDDEN_FROM("?3"))
                      .bind(1, c.id)
                      .bind(2, c.readSeq)
                      .bind(3, userId)
                      .one([](const Statement& s) { return s.int64(0); });
    }
    return out;
  });
}

std::int64_t SqliteConversationStore::lastSeq(std::string_view conversationId) {
  return readers_.with([conversationId](SqliteDb& db) {
    return db.prepare("SELECT last_seq FROM conversations WHERE id = ?1")
        .bind(1, conversationId)
        .one([](const Statement& s) { return s.int64(0); })
        .value_or(0);
  });
}

std::int64_t SqliteConversationStore::advance(std::string_view userId,
                                              std::string_view conversationId, std::int64_t seq) {
  return writer_.run(
      [user = std::string(userId), cid = std::string(conversationId), seq](SqliteDb& db) {
        return *db.prepare(
                      "INSERT INTO read_markers (user_id, conversation_id, seq) VALUES (?1, ?2,"
                      " min(?3, COALESCE((SELECT last_seq FROM conversations WHERE id = ?2), 0)))"
                      " ON CONFLICT (user_id, conversation_id) DO UPDATE SET"
                      " seq = max(seq, excluded.seq) RETURNING seq")
                    .bind(1, user)
                    .bind(2, cid)
                    .bind(3, seq)
                    .one([](const Statement& s) { return s.int64(0); });
      });
}

std::int64_t SqliteConversationStore::get(std::string_view userId,
                                          std::string_view conversationId) {
  return readers_.with(
      [userId, conversationId](SqliteDb& db) { return markerOf(db, userId, conversationId); });
}

std::vector<ReadMarker> SqliteConversationStore::forUsers(std::string_view conversationId,
                                                          const std::vector<std::string>& userIds) {
  // One primary-key lookup per user. read_markers is keyed by user first; an index by
  // conversation would answer in one scan but cost every send (which moves the sender's
  // marker) a second index write. A group has at most maxMembers users.
  return readers_.with([conversationId, &userIds](SqliteDb& db) {
    std::vector<ReadMarker> out;
    for (const auto& userId : userIds) {
      const auto seq = markerOf(db, userId, conversationId);
      if (seq > 0) out.push_back(ReadMarker{.userId = userId, .seq = seq});
    }
    return out;
  });
}

}  // namespace gc::store::sqlite
