// Edits, deletes and reactions of stored messages, and the edit history.
#include <algorithm>

#include "core/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gc::store::sqlite {
namespace {

// A message gathers at most this many distinct emojis, as in Slack: enough for any real
// conversation, and it bounds what one user can make everybody download.
constexpr std::int64_t kMaxDistinctEmojis = 50;

std::optional<Message> load(SqliteDb& db, std::string_view messageId) {
  auto m = db.prepare("SELECT " GC_MESSAGE_COLUMNS GC_MESSAGE_FROM " WHERE m.id = ?1")
               .bind(1, messageId)
               .one(readMessage);
  if (m) attachReactions(db, *m);
  return m;
}

// Tells the search index (which follows new messages by itself) that an older one changed.
void noteForSearch(SqliteDb& db, const Message& m) {
  db.prepare("INSERT INTO search_changes (message_rowid) SELECT rowid FROM messages WHERE id = ?1")
      .bind(1, m.id)
      .run();
}

void edit(SqliteDb& db, const Message& m, const MessageChange& c) {
  if (m.deletedAtMs) throw core::conflict("message_deleted", "the message was deleted");
  if (m.body == c.body) return;  // nothing changes, so no new version either
  // The replaced body becomes a version, stamped with when it was written.
  const auto version = *db.prepare(
                              "SELECT COALESCE(max(version), 0) + 1 FROM message_versions"
                              " WHERE message_id = ?1")
                            .bind(1, m.id)
                            .one([](const Statement& s) { return s.int64(0); });
  db.prepare(
        "INSERT INTO message_versions (message_id, version, body, written_at)"
        " VALUES (?1, ?2, ?3, ?4)")
      .bind(1, m.id)
      .bind(2, version)
      .bind(3, m.body)
      .bind(4, m.editedAtMs.value_or(m.createdAtMs))
      .run();
  db.prepare("UPDATE messages SET body = ?2, edited_at = ?3 WHERE id = ?1")
      .bind(1, m.id)
      .bind(2, c.body)
      .bind(3, c.atMs)
      .run();
  noteForSearch(db, m);
}

void remove(SqliteDb& db, const Message& m, const MessageChange& c) {
  if (m.deletedAtMs) return;  // deleting twice is deleting once
  // A tombstone keeps the message's place (id, seq, sender, time) and nothing of what it said:
  // no body, no earlier versions, no attachments or room, no reactions.
  db.prepare(
        "UPDATE messages SET body = '', metadata = '{\"attachments\":[]}', deleted_at = ?2"
        " WHERE id = ?1")
      .bind(1, m.id)
      .bind(2, c.atMs)
      .run();
  db.prepare("DELETE FROM message_versions WHERE message_id = ?1").bind(1, m.id).run();
  noteForSearch(db, m);
  db.prepare("DELETE FROM message_reactions WHERE conversation_id = ?1 AND seq = ?2")
      .bind(1, m.conversationId)
      .bind(2, m.seq)
      .run();
}

void addReaction(SqliteDb& db, const Message& m, const MessageChange& c) {
  if (m.deletedAtMs) throw core::conflict("message_deleted", "the message was deleted");
  const bool knownEmoji = std::any_of(m.reactions.begin(), m.reactions.end(),
                                      [&](const Reaction& r) { return r.emoji == c.emoji; });
  if (!knownEmoji && static_cast<std::int64_t>(m.reactions.size()) >= kMaxDistinctEmojis) {
    throw core::invalidField("emoji", "this message has as many different reactions as it can");
  }
  db.prepare(
        // created_at orders a message's reactions; two in the same millisecond must still
        // keep the order they were made in, so it never goes back or repeats per message.
        "INSERT OR IGNORE INTO message_reactions (conversation_id, seq, emoji, user_id, created_at)"
        " SELECT ?1, ?2, ?3, ?4, max(?5, coalesce(max(created_at) + 1, ?5))"
        " FROM message_reactions WHERE conversation_id = ?1 AND seq = ?2")
      .bind(1, m.conversationId)
      .bind(2, m.seq)
      .bind(3, c.emoji)
      .bind(4, c.userId)
      .bind(5, c.atMs)
      .run();
}

void removeReaction(SqliteDb& db, const Message& m, const MessageChange& c) {
  db.prepare(
        "DELETE FROM message_reactions WHERE conversation_id = ?1 AND seq = ?2 AND emoji = ?3"
        " AND user_id = ?4")
      .bind(1, m.conversationId)
      .bind(2, m.seq)
      .bind(3, c.emoji)
      .bind(4, c.userId)
      .run();
}

}  // namespace

std::optional<Message> SqliteMessageStore::byId(std::string_view messageId) {
  return readers_.with([messageId](SqliteDb& db) { return load(db, messageId); });
}

Message SqliteMessageStore::change(const MessageChange& change) {
  struct Outcome {
    std::optional<Message> message;
    std::exception_ptr refused;
  };
  // A refusal is returned, not thrown: a throwing op makes the writer roll back its whole
  // batch and retry every op alone. Each rule is checked before this op writes anything.
  auto outcome = writer_.run([&change](SqliteDb& db) {
    Outcome out;
    try {
      auto before = load(db, change.messageId);
      if (!before) throw core::notFound("message not found");
      switch (change.kind) {
        case MessageChange::Kind::Edit:
          edit(db, *before, change);
          break;
        case MessageChange::Kind::Delete:
          remove(db, *before, change);
          break;
        case MessageChange::Kind::AddReaction:
          addReaction(db, *before, change);
          break;
        case MessageChange::Kind::RemoveReaction:
          removeReaction(db, *before, change);
          break;
      }
      out.message = load(db, change.messageId);
    } catch (const core::ApiError&) {
      out.refused = std::current_exception();
    }
    return out;
  });
  if (outcome.refused) std::rethrow_exception(outcome.refused);
  return std::move(*outcome.message);
}

std::vector<MessageVersion> SqliteMessageStore::history(std::string_view messageId) {
  return readers_.with([messageId](SqliteDb& db) {
    std::vector<MessageVersion> out;
    auto& q = db.prepare(
                    "SELECT body, written_at FROM message_versions WHERE message_id = ?1"
                    " ORDER BY version")
                  .bind(1, messageId);
    while (q.step()) out.push_back(MessageVersion{.body = q.text(0), .writtenAtMs = q.int64(1)});
    return out;
  });
}

}  // namespace gc::store::sqlite
