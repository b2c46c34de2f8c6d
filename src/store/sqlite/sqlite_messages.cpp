#include <algorithm>

#include "core/metrics.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gc::store::sqlite {
namespace {

// Inside the writer's transaction: a retry finds the first message; otherwise the
// conversation's counter row gives the next seq, so seqs are gap-free even when a batch
// rolls back (the counter rolls back with it).
AppendResult applyAppend(SqliteDb& db, const NewMessage& draft) {
  const Message& m = draft.message;
  if (!m.clientMsgId.empty()) {
    auto first = db.prepare("SELECT " GC_MESSAGE_COLUMNS
                            " FROM messages WHERE sender_id = ?1 AND conversation_id = ?2"
                            " AND client_msg_id = ?3")
                     .bind(1, m.from)
                     .bind(2, m.conversationId)
                     .bind(3, m.clientMsgId)
                     .one(readMessage);
    if (first) return AppendResult{.message = std::move(*first), .duplicate = true};
  }

  const auto seq = *db.prepare(
                          "INSERT INTO conversations (id, kind, last_seq, last_activity)"
                          " VALUES (?1, ?2, 1, ?3) ON CONFLICT (id) DO UPDATE SET"
                          " last_seq = last_seq + 1, last_activity = excluded.last_activity"
                          " RETURNING last_seq")
                        .bind(1, m.conversationId)
                        .bind(2, draft.conversationKind)
                        .bind(3, m.createdAtMs)
                        .one([](const Statement& s) { return s.int64(0); });
  if (seq == 1) {
    for (const auto& user : draft.participants) {
      db.prepare(
            "INSERT OR IGNORE INTO conversation_members (user_id, conversation_id) VALUES (?1, ?2)")
          .bind(1, user)
          .bind(2, m.conversationId)
          .run();
    }
  }

  auto& insert = db.prepare(
      "INSERT INTO messages (id, conversation_id, seq, sender_id, recipient_id, body, type,"
      " metadata, client_msg_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  insert.bind(1, m.id)
      .bind(2, m.conversationId)
      .bind(3, seq)
      .bind(4, m.from)
      .bind(5, m.to)
      .bind(6, m.body)
      .bind(7, m.type)
      .bind(8, m.metadataJson);
  if (m.clientMsgId.empty()) {
    insert.bindNull(9);
  } else {
    insert.bind(9, m.clientMsgId);
  }
  insert.bind(10, m.createdAtMs).run();

  // Writing a message means having read the conversation up to it.
  db.prepare(
        "INSERT INTO read_markers (user_id, conversation_id, seq) VALUES (?1, ?2, ?3)"
        " ON CONFLICT (user_id, conversation_id) DO UPDATE SET seq = max(seq, excluded.seq)")
      .bind(1, m.from)
      .bind(2, m.conversationId)
      .bind(3, seq)
      .run();

  AppendResult out{.message = m, .duplicate = false};
  out.message.seq = seq;
  return out;
}

}  // namespace

void SqliteMessageStore::append(NewMessage message, AppendCallback done) {
  auto draft = std::make_shared<NewMessage>(std::move(message));
  auto result = std::make_shared<AppendResult>();
  writer_.submit(SqliteWriter::Op{
      .apply = [draft, result](SqliteDb& db) { *result = applyAppend(db, *draft); },
      .complete =
          [result, done = std::move(done)](std::exception_ptr error) {
            if (!error && !result->duplicate) {
              core::metrics().messagesCommitted.fetch_add(1, std::memory_order_relaxed);
            }
            done(std::move(*result), error);
          },
  });
}

std::vector<Message> SqliteMessageStore::page(std::string_view conversationId, const PageQuery& q) {
  return readers_.with([conversationId, &q](SqliteDb& db) {
    std::vector<Message> out;
    const std::int64_t lower = q.after.value_or(0);
    const std::int64_t upper = q.before.value_or(INT64_MAX);
    if (q.after && !q.before) {
      // Resync: the oldest `limit` after the cursor, so a client fills its gap in order.
      auto& s = db.prepare("SELECT " GC_MESSAGE_COLUMNS
                           " FROM messages WHERE conversation_id = ?1 AND seq > ?2"
                           " ORDER BY seq ASC LIMIT ?3")
                    .bind(1, conversationId)
                    .bind(2, lower)
                    .bind(3, std::int64_t{q.limit});
      while (s.step()) out.push_back(readMessage(s));
      return out;
    }
    auto& s = db.prepare("SELECT " GC_MESSAGE_COLUMNS
                         " FROM messages WHERE conversation_id = ?1 AND seq > ?2 AND seq < ?3"
                         " ORDER BY seq DESC LIMIT ?4")
                  .bind(1, conversationId)
                  .bind(2, lower)
                  .bind(3, upper)
                  .bind(4, std::int64_t{q.limit});
    while (s.step()) out.push_back(readMessage(s));
    std::reverse(out.begin(), out.end());
    return out;
  });
}

}  // namespace gc::store::sqlite
