#include "store/postgres/pg_append_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/error.hpp"
#include "core/metrics.hpp"
#include "core/thread_name.hpp"
#include "store/postgres/pg_sql.hpp"
#include "store/postgres/pg_store.hpp"

namespace gc::store::postgres {
namespace {

// A deadlock or serialization failure rolls the whole batch back; it is simply run again.
constexpr int kAttempts = 5;
// Conversations remembered as existing (ids of ~40 bytes: a few MB at most); past this the
// memory starts again, empty.
constexpr std::size_t kMaxKnownConversations = 100'000;

struct RetryKey {
  std::string sender, conversation, clientMsgId;
  auto operator<=>(const RetryKey&) const = default;
};

RetryKey retryKeyOf(const Message& m) {
  return RetryKey{.sender = m.from, .conversation = m.conversationId, .clientMsgId = m.clientMsgId};
}

// What a send needs of the message it replies to.
struct Original {
  std::string conversationId;
  ReplyPreview preview;
};

std::map<std::string, Original> loadOriginals(PgConnection& conn,
                                              const std::vector<std::string>& ids) {
  std::map<std::string, Original> out;
  if (ids.empty()) return out;
  const auto rows = conn.query(sql::kRepliedTo, pgArray(ids));
  for (int i = 0; i < rows.rows(); ++i) {
    out.emplace(rows.text(i, 0), Original{.conversationId = rows.text(i, 1),
                                          .preview = {.id = rows.text(i, 0),
                                                      .from = rows.text(i, 2),
                                                      .seq = rows.int64(i, 3),
                                                      .body = rows.text(i, 4),
                                                      .deleted = rows.boolean(i, 5)}});
  }
  return out;
}

std::map<std::string, std::string> loadUploadOwners(PgConnection& conn,
                                                    const std::vector<std::string>& ids) {
  std::map<std::string, std::string> out;
  if (ids.empty()) return out;
  const auto rows = conn.query(sql::kUploadOwners, pgArray(ids));
  for (int i = 0; i < rows.rows(); ++i) out.emplace(rows.text(i, 0), rows.text(i, 1));
  return out;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

PgAppendWriter::PgAppendWriter(std::unique_ptr<PgConnection> conn, std::size_t maxBatch,
                               std::function<void()> afterBatch)
    : conn_(std::move(conn)), maxBatch_(maxBatch), afterBatch_(std::move(afterBatch)) {}

PgAppendWriter::~PgAppendWriter() {
  drain();
}

void PgAppendWriter::setBatchScope(std::function<void()> begin, std::function<void()> end) {
  std::lock_guard lock(mutex_);
  scopeBegin_ = std::move(begin);
  scopeEnd_ = std::move(end);
}

void PgAppendWriter::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    core::nameThisThread("gc-pg-writer");
    loop();
  });
}

void PgAppendWriter::append(NewMessage message, MessageStore::AppendCallback done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{
          .draft = std::move(message), .done = std::move(done), .result = {}, .error = nullptr});
      if (queue_.size() == 1) wake_.notify_one();
      return;
    }
  }
  done(AppendResult{}, std::make_exception_ptr(core::unavailable("the store is shutting down")));
}

void PgAppendWriter::drain() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();  // everything queued is committed and completed
}

bool PgAppendWriter::busyWithin(std::chrono::steady_clock::duration window) const {
  const auto last =
      std::chrono::steady_clock::duration(lastBusyBatch_.load(std::memory_order_relaxed));
  return last.count() != 0 && std::chrono::steady_clock::now().time_since_epoch() - last < window;
}

void PgAppendWriter::loop() {
  for (;;) {
    Batch batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and nothing left to commit
      // What queued while the previous batch committed: that wait is the batching.
      while (!queue_.empty() && batch.size() < maxBatch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const auto began = std::chrono::steady_clock::now();
    if (batch.size() >= kBusyBatch) {
      lastBusyBatch_.store(began.time_since_epoch().count(), std::memory_order_relaxed);
    }
    commit(batch);
    core::metrics().commitSeconds.observe(secondsSince(began));
    complete(batch);
    if (afterBatch_) afterBatch_();
  }
}

void PgAppendWriter::commit(Batch& batch) {
  core::metrics().commitBatchSize.observe(static_cast<double>(batch.size()));
  for (int attempt = 1;; ++attempt) {
    try {
      transaction(batch);
      // Committed: these conversations exist from now on.
      if (knownConversations_.size() + batchConversations_.size() > kMaxKnownConversations) {
        knownConversations_.clear();
      }
      knownConversations_.insert(batchConversations_.begin(), batchConversations_.end());
      return;
    } catch (const PgError& e) {
      if (e.isRetryable() && attempt < kAttempts) continue;
      if (batch.size() == 1) {
        batch.front().error = std::current_exception();
        return;
      }
      spdlog::debug("batch of {} failed ({}); retrying one by one", batch.size(), e.what());
      break;
    } catch (...) {
      // The connection went (503): the outcome of an interrupted COMMIT is unknown, so nothing
      // is retried; a client retry with its clientMsgId finds the message if it was stored.
      for (auto& p : batch) p.error = std::current_exception();
      return;
    }
  }
  // Isolate the op the server refused so the others still commit.
  for (auto& p : batch) {
    Batch one;
    one.push_back(std::move(p));
    commit(one);
    p = std::move(one.front());
  }
}

void PgAppendWriter::transaction(Batch& batch) {
  conn_->transaction([&](PgConnection&) { writeBatch(batch); });
}

void PgAppendWriter::writeBatch(Batch& batch) {
  for (auto& p : batch) {
    p.result = AppendResult{};
    p.error = nullptr;
  }
  // Set in step 2; a batch that stops before it names none (not those of a rolled-back one).
  batchConversations_.clear();

  // 1. The rules only the database can check, decided before anything is written. A reply
  // names a message its sender has seen, so acknowledged, so committed in an earlier batch.
  std::vector<std::string> replyIds, uploadIds;
  for (const auto& p : batch) {
    if (!p.draft.message.replyToId.empty()) replyIds.push_back(p.draft.message.replyToId);
    uploadIds.insert(uploadIds.end(), p.draft.attachmentIds.begin(), p.draft.attachmentIds.end());
  }
  const auto originals = loadOriginals(*conn_, replyIds);
  const auto owners = loadUploadOwners(*conn_, uploadIds);
  std::vector<std::size_t> accepted;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto& p = batch[i];
    const auto& m = p.draft.message;
    if (!m.replyToId.empty()) {
      auto it = originals.find(m.replyToId);
      // Another conversation's message is as unknown here as a message that never existed.
      if (it == originals.end() || it->second.conversationId != m.conversationId) {
        p.error = std::make_exception_ptr(
            core::invalidField("replyTo", "no such message in this conversation"));
        continue;
      }
      if (it->second.preview.deleted) {
        p.error = std::make_exception_ptr(
            core::conflict("message_deleted", "replyTo: the message replied to was deleted"));
        continue;
      }
      p.result.message.replyTo = it->second.preview;
    }
    const bool ownUploads =
        std::all_of(p.draft.attachmentIds.begin(), p.draft.attachmentIds.end(), [&](auto& id) {
          auto it = owners.find(id);
          return it != owners.end() && it->second == m.from;
        });
    if (!ownUploads) {
      p.error = std::make_exception_ptr(
          core::forbidden("attachments: only your own uploads can be attached"));
      continue;
    }
    accepted.push_back(i);
  }
  if (accepted.empty()) return;

  // 2. The conversations, created when new (their participants become members), then locked
  // in id order until commit. Conversations are never deleted, so one this writer committed
  // to before needs no creating (a statement fewer for most batches).
  std::map<std::string, const NewMessage*> conversations;
  for (auto i : accepted)
    conversations.emplace(batch[i].draft.message.conversationId, &batch[i].draft);
  std::vector<std::string> cids;
  for (const auto& [cid, draft] : conversations) cids.push_back(cid);
  const auto create = [&](bool all) {
    std::vector<std::string> newIds, kinds;
    for (const auto& [cid, draft] : conversations) {
      if (!all && knownConversations_.contains(cid)) continue;
      newIds.push_back(cid);
      kinds.push_back(draft->conversationKind);
    }
    if (newIds.empty()) return;
    const auto created = conn_->query(sql::kCreateConversations, pgArray(newIds), pgArray(kinds));
    std::vector<std::string> users, memberOf;
    for (int r = 0; r < created.rows(); ++r) {
      const auto cid = created.text(r, 0);
      for (const auto& user : conversations.at(cid)->participants) {
        users.push_back(user);
        memberOf.push_back(cid);
      }
    }
    if (!users.empty()) {
      conn_->query(sql::kAddConversationMembers, pgArray(users), pgArray(memberOf));
    }
  };
  create(false);
  if (std::cmp_not_equal(conn_->query(sql::kLockConversations, pgArray(cids)).rows(),
                         cids.size())) {
    // A conversation known here is not in the database (it was restored from an older
    // backup, or replaced): forget what is known and create what is missing.
    knownConversations_.clear();
    create(true);
    conn_->query(sql::kLockConversations, pgArray(cids));
  }
  batchConversations_ = cids;

  // 3. Retries: of a message stored before (by any server), or of one earlier in this batch.
  std::vector<std::string> senders, retryCids, clientIds;
  for (auto i : accepted) {
    const auto& m = batch[i].draft.message;
    if (m.clientMsgId.empty()) continue;
    senders.push_back(m.from);
    retryCids.push_back(m.conversationId);
    clientIds.push_back(m.clientMsgId);
  }
  std::map<RetryKey, Message> stored;
  if (!senders.empty()) {
    const auto rows =
        conn_->query(sql::kFindRetries, pgArray(senders), pgArray(retryCids), pgArray(clientIds));
    for (auto& m : readMessages(rows)) {
      attachReactions(*conn_, m);
      auto key = retryKeyOf(m);
      stored.emplace(std::move(key), std::move(m));
    }
  }
  std::map<RetryKey, std::size_t> firstInBatch;
  std::vector<std::size_t> fresh;
  std::vector<std::pair<std::size_t, std::size_t>> repeats;  // (retry, first in batch)
  for (auto i : accepted) {
    auto& p = batch[i];
    const auto& m = p.draft.message;
    if (!m.clientMsgId.empty()) {
      const auto key = retryKeyOf(m);
      if (auto it = stored.find(key); it != stored.end()) {
        p.result = AppendResult{.message = it->second, .duplicate = true};
        continue;
      }
      if (auto it = firstInBatch.find(key); it != firstInBatch.end()) {
        repeats.emplace_back(i, it->second);
        continue;
      }
      firstInBatch.emplace(key, i);
    }
    fresh.push_back(i);
  }
  if (fresh.empty()) return;

  // 4. One statement: seqs reserved per conversation (n each, handed out in batch order: the
  // k-th send of a conversation gets last - n + k), the messages, their search queue rows and
  // the senders' read markers.
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> perConversation;  // n, newest
  std::vector<std::int64_t> ordinals;  // k, per fresh send
  for (auto i : fresh) {
    const auto& m = batch[i].draft.message;
    auto& [n, newest] = perConversation[m.conversationId];
    ordinals.push_back(++n);
    newest = std::max(newest, m.createdAtMs);
  }
  std::vector<std::string> counterIds;
  std::vector<std::int64_t> counts, newest;
  for (const auto& [cid, v] : perConversation) {
    counterIds.push_back(cid);
    counts.push_back(v.first);
    newest.push_back(v.second);
  }
  std::vector<std::string> ids, mcids, from, to, bodies, types, metadata;
  std::vector<std::optional<std::string>> clients, replies;
  std::vector<std::int64_t> times;
  std::vector<std::string> attachUploads, attachMessages, attachCids;
  for (auto i : fresh) {
    const auto& p = batch[i];
    const auto& m = p.draft.message;
    ids.push_back(m.id);
    mcids.push_back(m.conversationId);
    from.push_back(m.from);
    to.push_back(m.to);
    bodies.push_back(m.body);
    types.push_back(m.type);
    metadata.push_back(m.metadataJson.empty() ? "{}" : m.metadataJson);  // JSONB needs a value
    clients.push_back(m.clientMsgId.empty() ? std::nullopt : std::optional(m.clientMsgId));
    times.push_back(m.createdAtMs);
    replies.push_back(m.replyToId.empty() ? std::nullopt : std::optional(m.replyToId));
    for (const auto& upload : p.draft.attachmentIds) {
      attachUploads.push_back(upload);
      attachMessages.push_back(m.id);
      attachCids.push_back(m.conversationId);
    }
  }
  const auto reserved = conn_->query(
      sql::kWriteBatch, pgArray(counterIds), pgArray(counts), pgArray(newest), pgArray(ids),
      pgArray(mcids), pgArray(ordinals), pgArray(from), pgArray(to), pgArray(bodies),
      pgArray(types), pgArray(metadata), pgArray(clients), pgArray(times), pgArray(replies));
  std::unordered_map<std::string, std::int64_t> firstSeq;  // of the batch, per conversation
  for (int r = 0; r < reserved.rows(); ++r) {
    const auto cid = reserved.text(r, 0);
    firstSeq[cid] = reserved.int64(r, 1) - perConversation.at(cid).first + 1;
  }
  // A conversation the database did not have (the lock above would have created it) cannot
  // take sends: fail the batch rather than hand out seqs that were never reserved.
  if (firstSeq.size() != perConversation.size()) {
    throw std::runtime_error("postgres: a batch's conversation has no counter row");
  }
  for (std::size_t f = 0; f < fresh.size(); ++f) {
    auto& p = batch[fresh[f]];
    auto replyTo = std::move(p.result.message.replyTo);
    p.result = AppendResult{.message = p.draft.message, .duplicate = false};
    p.result.message.seq = firstSeq.at(p.draft.message.conversationId) + ordinals[f] - 1;
    p.result.message.replyTo = std::move(replyTo);
  }

  // 5. Attachments (rare): one statement.
  if (!attachUploads.empty()) {
    conn_->query(sql::kRecordAttachments, pgArray(attachUploads), pgArray(attachMessages),
                 pgArray(attachCids));
  }
  for (const auto& [retry, first] : repeats) {
    batch[retry].result = AppendResult{.message = batch[first].result.message, .duplicate = true};
  }
}

void PgAppendWriter::complete(Batch& batch) {
  std::function<void()> begin, end;
  {
    std::lock_guard lock(mutex_);
    begin = scopeBegin_;
    end = scopeEnd_;
  }
  if (begin) begin();
  for (auto& p : batch) {
    if (!p.error && !p.result.duplicate) {
      core::metrics().messagesCommitted.fetch_add(1, std::memory_order_relaxed);
    }
    // A callback that throws must not take the thread, and every later commit, down.
    try {
      p.done(std::move(p.result), p.error);
    } catch (const std::exception& e) {
      spdlog::error("store completion failed: {}", e.what());
    } catch (...) {
      spdlog::error("store completion failed");
    }
  }
  if (end) end();
}

}  // namespace gc::store::postgres
