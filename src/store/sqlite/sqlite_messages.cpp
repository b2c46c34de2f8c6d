#include <algorithm>

#include "core/error.hpp"
#include "core/metrics.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gc::store::sqlite {
namespace {

// Counters are dropped wholesale past this size, so the cache cannot grow without bound.
constexpr std::size_t kMaxCachedCounters = 100000;

}  // namespace

SqliteMessageStore::SqliteMessageStore(SqliteWriter& writer, ReaderPool& readers)
    : writer_(writer), readers_(readers) {
  writer_.addBatchHooks({.beforeCommit = [this](SqliteDb& db) { flushBatch(db); },
                         .afterRollback = [this] { forgetBatch(); },
                         .beforeCompletions = {},
                         .afterCompletions = {}});
}

SqliteMessageStore::Counter& SqliteMessageStore::counterFor(SqliteDb& db, const NewMessage& draft) {
  const auto& cid = draft.message.conversationId;
  auto it = counters_.find(cid);
  if (it != counters_.end()) return it->second;
  Counter c;
  c.kind = draft.conversationKind;
  if (auto last = db.prepare("SELECT last_seq FROM conversations WHERE id = ?1")
                      .bind(1, cid)
                      .one([](const Statement& s) { return s.int64(0); })) {
    c.lastSeq = *last;
  } else {
    // The conversation starts with this message: record who is in it.
    for (const auto& user : draft.participants) {
      db.prepare(
            "INSERT OR IGNORE INTO conversation_members (user_id, conversation_id) VALUES (?1, ?2)")
          .bind(1, user)
          .bind(2, cid)
          .run();
    }
  }
  return counters_.emplace(cid, std::move(c)).first->second;
}

// Inside the writer's transaction. The seq is the conversation's counter + 1, taken only
// once the insert succeeded, so seqs stay gap-free; a retry (same sender, conversation and
// clientMsgId) hits the unique index and returns the first message instead.
AppendResult SqliteMessageStore::applyAppend(SqliteDb& db, const NewMessage& draft) {
  const Message& m = draft.message;
  // Checked before anything is written: a rejection leaves the batch untouched.
  auto replyTo = m.replyToId.empty() ? std::nullopt : resolveReply(db, m);
  checkAttachments(db, draft);
  Counter& counter = counterFor(db, draft);
  const std::int64_t seq = counter.lastSeq + 1;

  // OR IGNORE rather than ON CONFLICT … DO NOTHING: a statement that cannot abort needs no
  // statement journal, which was an eighth of the writer's time. Only a retry can conflict
  // (the seq is ours, the id is fresh); anything else ignored is caught below.
  auto& insert = db.prepare(
      "INSERT OR IGNORE INTO messages (id, conversation_id, seq, sender_id, recipient_id, body,"
      " type, metadata, client_msg_id, created_at, reply_to)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  insert.bind(1, m.id)
      .bind(2, m.conversationId)
      .bind(3, seq)
      .bind(4, m.from)
      .bind(5, m.to)
      .bind(6, m.body)
      .bind(7, m.type)
      .bind(8, m.metadataJson);
  insert.bindNullIfEmpty(9, m.clientMsgId)
      .bind(10, m.createdAtMs)
      .bindNullIfEmpty(11, m.replyToId)
      .run();

  if (sqlite3_changes(db.handle()) == 0) {
    auto first = db.prepare("SELECT " GC_MESSAGE_COLUMNS GC_MESSAGE_FROM
                            " WHERE m.sender_id = ?1 AND m.conversation_id = ?2"
                            " AND m.client_msg_id = ?3")
                     .bind(1, m.from)
                     .bind(2, m.conversationId)
                     .bind(3, m.clientMsgId)
                     .one(readMessage);
    if (!first) throw std::logic_error("insert ignored without a conflicting message");
    attachReactions(db, *first);
    return AppendResult{.message = std::move(*first), .duplicate = true};
  }

  recordAttachments(db, draft);
  counter.lastSeq = seq;
  counter.lastActivityMs = std::max(counter.lastActivityMs, m.createdAtMs);
  counter.dirty = true;
  // Writing a message means having read the conversation up to it.
  auto& marker = senderMarkers_[{m.from, m.conversationId}];
  marker = std::max(marker, seq);

  AppendResult out{.message = m, .duplicate = false};
  out.message.seq = seq;
  out.message.replyTo = std::move(replyTo);
  return out;
}

std::optional<ReplyPreview> SqliteMessageStore::resolveReply(SqliteDb& db, const Message& m) {
  auto original = db.prepare(
                        "SELECT conversation_id, sender_id, seq, body, deleted_at IS NOT NULL"
                        " FROM messages WHERE id = ?1")
                      .bind(1, m.replyToId)
                      .one([](const Statement& s) {
                        return std::pair{s.text(0), ReplyPreview{.id = {},
                                                                 .from = s.text(1),
                                                                 .seq = s.int64(2),
                                                                 .body = s.text(3),
                                                                 .deleted = s.int64(4) != 0}};
                      });
  // Another conversation's message is as unknown here as a message that never existed.
  if (!original || original->first != m.conversationId) {
    throw core::invalidField("replyTo", "no such message in this conversation");
  }
  if (original->second.deleted)
    throw core::conflict("message_deleted", "replyTo: the message replied to was deleted");
  original->second.id = m.replyToId;
  return std::move(original->second);
}

void SqliteMessageStore::flushBatch(SqliteDb& db) {
  for (auto& [cid, c] : counters_) {
    if (!c.dirty) continue;
    db.prepare(
          "INSERT INTO conversations (id, kind, last_seq, last_activity) VALUES (?1, ?2, ?3, ?4)"
          " ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq,"
          " last_activity = max(last_activity, excluded.last_activity)")
        .bind(1, cid)
        .bind(2, c.kind)
        .bind(3, c.lastSeq)
        .bind(4, c.lastActivityMs)
        .run();
    c.dirty = false;
  }
  for (const auto& [key, seq] : senderMarkers_) {
    db.prepare(
          "INSERT INTO read_markers (user_id, conversation_id, seq) VALUES (?1, ?2, ?3)"
          " ON CONFLICT (user_id, conversation_id) DO UPDATE SET seq = max(seq, excluded.seq)")
        .bind(1, key.first)
        .bind(2, key.second)
        .bind(3, seq)
        .run();
  }
  senderMarkers_.clear();
  if (counters_.size() > kMaxCachedCounters) counters_.clear();
}

void SqliteMessageStore::forgetBatch() {
  // The rolled-back counters may be ahead of the database: read them again.
  counters_.clear();
  senderMarkers_.clear();
}

void SqliteMessageStore::setBatchScope(std::function<void()> begin, std::function<void()> end) {
  writer_.addBatchHooks({.beforeCommit = [](SqliteDb&) {},
                         .afterRollback = [] {},
                         .beforeCompletions = std::move(begin),
                         .afterCompletions = std::move(end)});
}

void SqliteMessageStore::append(NewMessage message, AppendCallback done) {
  struct Outcome {
    AppendResult result;
    std::exception_ptr rejected;  // the send broke a rule only the transaction could check
  };
  auto draft = std::make_shared<NewMessage>(std::move(message));
  auto outcome = std::make_shared<Outcome>();
  writer_.submit(SqliteWriter::Op{
      .apply =
          [this, draft, outcome](SqliteDb& db) {
            outcome->rejected = nullptr;
            try {
              outcome->result = applyAppend(db, *draft);
            } catch (const core::ApiError&) {
              // Thrown before this op wrote anything (see applyAppend): the rest of the batch
              // commits.
              outcome->rejected = std::current_exception();
            }
          },
      .complete =
          [outcome, done = std::move(done)](std::exception_ptr error) {
            if (!error) error = outcome->rejected;
            if (!error && !outcome->result.duplicate) {
              core::metrics().messagesCommitted.fetch_add(1, std::memory_order_relaxed);
            }
            done(std::move(outcome->result), error);
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
      auto& s = db.prepare("SELECT " GC_MESSAGE_COLUMNS GC_MESSAGE_FROM
                           " WHERE m.conversation_id = ?1 AND m.seq > ?2 AND NOT" GC_HIDDEN_FROM(
                               "?4") " ORDER BY m.seq ASC LIMIT ?3")
                    .bind(1, conversationId)
                    .bind(2, lower)
                    .bind(3, std::int64_t{q.limit});
      s.bindNullIfEmpty(4, q.viewerId);
      while (s.step()) out.push_back(readMessage(s));
      attachReactions(db, out);
      return out;
    }
    auto& s = db.prepare("SELECT " GC_MESSAGE_COLUMNS GC_MESSAGE_FROM
                         " WHERE m.conversation_id = ?1 AND m.seq > ?2 AND m.seq < ?3"
                         " AND NOT" GC_HIDDEN_FROM("?5") " ORDER BY m.seq DESC LIMIT ?4")
                  .bind(1, conversationId)
                  .bind(2, lower)
                  .bind(3, upper)
                  .bind(4, std::int64_t{q.limit});
    s.bindNullIfEmpty(5, q.viewerId);
    while (s.step()) out.push_back(readMessage(s));
    std::reverse(out.begin(), out.end());
    attachReactions(db, out);
    return out;
  });
}

}  // namespace gc::store::sqlite
