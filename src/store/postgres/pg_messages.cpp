// Sends (through the group-committing writer), pages, edits, deletes and reactions.
#include <algorithm>

#include "core/error.hpp"
#include "store/postgres/pg_sql.hpp"
#include "store/postgres/pg_store.hpp"

namespace gc::store::postgres {
namespace {

// A message gathers at most this many distinct emojis (the same limit as the SQLite backend).
constexpr std::int64_t kMaxDistinctEmojis = 50;

std::optional<Message> load(PgConnection& conn, std::string_view messageId) {
  const auto rows = conn.query(sql::kMessageById, messageId);
  if (rows.empty()) return std::nullopt;
  auto m = readMessage(rows, 0);
  attachReactions(conn, m);
  return m;
}

void edit(PgConnection& conn, const Message& m, const MessageChange& c) {
  if (m.deletedAtMs) throw core::conflict("message_deleted", "the message was deleted");
  if (m.body == c.body) return;  // nothing changes, so no new version either
  // The replaced body becomes a version, stamped with when it was written.
  const auto version = conn.query(sql::kNextVersion, m.id).int64(0, 0);
  conn.query(sql::kInsertVersion, m.id, version, m.body, m.editedAtMs.value_or(m.createdAtMs));
  conn.query(sql::kEditBody, m.id, c.body, c.atMs);
  conn.query(sql::kQueueForSearch, m.id);
}

void remove(PgConnection& conn, const Message& m, const MessageChange& c) {
  if (m.deletedAtMs) return;  // deleting twice is deleting once
  // A tombstone keeps the message's place and nothing of what it said.
  conn.query(sql::kTombstone, m.id, c.atMs);
  conn.query(sql::kQueueForSearch, m.id);
  conn.query(sql::kDeleteVersions, m.id);
  conn.query(sql::kDeleteReactions, m.conversationId, m.seq);
}

void addReaction(PgConnection& conn, const Message& m, const MessageChange& c) {
  if (m.deletedAtMs) throw core::conflict("message_deleted", "the message was deleted");
  const bool knownEmoji = std::any_of(m.reactions.begin(), m.reactions.end(),
                                      [&](const Reaction& r) { return r.emoji == c.emoji; });
  if (!knownEmoji && static_cast<std::int64_t>(m.reactions.size()) >= kMaxDistinctEmojis) {
    throw core::invalidField("emoji", "this message has as many different reactions as it can");
  }
  conn.query(sql::kAddReaction, m.conversationId, m.seq, c.emoji, c.userId, c.atMs);
}

}  // namespace

void PgMessageStore::append(NewMessage message, AppendCallback done) {
  writer_.append(std::move(message), std::move(done));
}

void PgMessageStore::setBatchScope(std::function<void()> begin, std::function<void()> end) {
  writer_.setBatchScope(std::move(begin), std::move(end));
}

std::vector<Message> PgMessageStore::page(std::string_view conversationId, const PageQuery& q) {
  return pool_.with([conversationId, &q](PgConnection& conn) {
    const std::int64_t lower = q.after.value_or(0);
    const NullIfEmpty viewer{q.viewerId};
    if (q.after && !q.before) {
      // Resync: the oldest `limit` after the cursor, so a client fills its gap in order.
      auto out = readMessages(
          conn.query(sql::kPageAfter, conversationId, lower, std::int64_t{q.limit}, viewer));
      attachReactions(conn, out);
      return out;
    }
    const std::int64_t upper = q.before.value_or(INT64_MAX);
    auto out = readMessages(
        conn.query(sql::kPageWindow, conversationId, lower, upper, std::int64_t{q.limit}, viewer));
    std::reverse(out.begin(), out.end());
    attachReactions(conn, out);
    return out;
  });
}

std::optional<Message> PgMessageStore::byId(std::string_view messageId) {
  return pool_.with([messageId](PgConnection& conn) { return load(conn, messageId); });
}

Message PgMessageStore::change(const MessageChange& change) {
  auto changed = pool_.transaction([&change](PgConnection& conn) {
    // The message's row lock orders concurrent changes of it (and the reactions' created_at).
    if (conn.query(sql::kLockMessage, change.messageId).empty()) {
      throw core::notFound("message not found");
    }
    auto before = load(conn, change.messageId);
    switch (change.kind) {
      case MessageChange::Kind::Edit:
        edit(conn, *before, change);
        break;
      case MessageChange::Kind::Delete:
        remove(conn, *before, change);
        break;
      case MessageChange::Kind::AddReaction:
        addReaction(conn, *before, change);
        break;
      case MessageChange::Kind::RemoveReaction:
        conn.query(sql::kRemoveReaction, before->conversationId, before->seq, change.emoji,
                   change.userId);
        break;
    }
    return *load(conn, change.messageId);
  });
  const bool bodyChanged =
      change.kind == MessageChange::Kind::Edit || change.kind == MessageChange::Kind::Delete;
  if (bodyChanged && indexChanged_) indexChanged_();
  return changed;
}

std::vector<MessageVersion> PgMessageStore::history(std::string_view messageId) {
  return pool_.with([messageId](PgConnection& conn) {
    const auto rows = conn.query(sql::kHistory, messageId);
    std::vector<MessageVersion> out;
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back(MessageVersion{.body = rows.text(i, 0), .writtenAtMs = rows.int64(i, 1)});
    }
    return out;
  });
}

}  // namespace gc::store::postgres
