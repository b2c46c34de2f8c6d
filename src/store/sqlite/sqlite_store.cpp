#include "store/sqlite/sqlite_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

#include "core/error.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_batched_wal_vfs.hpp"

namespace gc::store::sqlite {

ReaderPool::ReaderPool(const std::string& path, int size, const std::string& searchIndexPath) {
  for (int i = 0; i < size; ++i) {
    auto db = std::make_unique<SqliteDb>(path, true);
    if (!searchIndexPath.empty()) db->prepare("ATTACH ?1 AS search").bind(1, searchIndexPath).run();
    free_.push_back(std::move(db));
  }
}

std::unique_ptr<SqliteDb> ReaderPool::acquire() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !free_.empty(); });
  auto db = std::move(free_.back());
  free_.pop_back();
  return db;
}

void ReaderPool::release(std::unique_ptr<SqliteDb> db) {
  std::lock_guard lock(mutex_);
  free_.push_back(std::move(db));
  available_.notify_one();
}

namespace {

std::unique_ptr<SqliteDb> openWriter(const std::string& path, const StoreOptions& options,
                                     SqliteCheckpointer& checkpointer) {
  // Read-only: the "writer" is one more read-only connection, so every write fails with
  // SQLITE_READONLY instead of waiting for a writer that never comes.
  if (options.readOnly) return std::make_unique<SqliteDb>(path, true);
  // Its WAL writes are gathered into one per commit (see sqlite_batched_wal_vfs.hpp).
  auto db = std::make_unique<SqliteDb>(path, false, batchedWalVfs());
  // Takes effect only on a new file (before its first table), so it goes before WAL mode and
  // the migrations. PRAGMA takes no bound parameters; the value is a checked integer.
  db->exec(("PRAGMA page_size = " + std::to_string(options.pageSize)).c_str());
  db->exec("PRAGMA journal_mode = WAL");
  if (options.synchronous == "full" || options.synchronous == "normal") {
    // For "full", durability comes from the writer's own WAL fsync before any completion
    // (see sqlite_writer.hpp): SQLite itself need not sync inside COMMIT.
    db->exec("PRAGMA synchronous = NORMAL");
  } else if (options.synchronous == "off") {
    db->exec("PRAGMA synchronous = OFF");
  } else {
    throw std::invalid_argument("sqlite synchronous must be full, normal or off");
  }
  db->exec("PRAGMA cache_size = -65536");
  migrate(*db);
  checkpointer.watch(*db);
  return db;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, const StoreOptions& options)
    // The writer opens first: it creates the file, turns on WAL and migrates, so the
    // read-only connections find the schema.
    : checkpointer_(std::make_unique<SqliteCheckpointer>(path)),
      writer_(std::make_unique<SqliteWriter>(
          openWriter(path, options, *checkpointer_), 4096,
          options.synchronous == "full" && !options.readOnly ? path + "-wal" : "")),
      // The search index is a file of its own next to the database (see
      // sqlite_search_indexer.hpp); it exists before the readers attach it.
      indexer_(options.readOnly
                   ? nullptr
                   : std::make_unique<SqliteSearchIndexer>(
                         path, searchIndexPath(path),
                         [this](std::int64_t upTo) { trimSearchChanges(upTo); },
                         [this] { return writer_->busyWithin(std::chrono::milliseconds(250)); })),
      readers_(std::make_unique<ReaderPool>(path, options.readers,
                                            indexer_ ? indexer_->indexPath() : std::string())),
      users_(*writer_, *readers_),
      messages_(*writer_, *readers_),
      conversations_(*writer_, *readers_),
      tokens_(*writer_, *readers_),
      friendships_(*writer_, *readers_),
      groups_(*writer_, *readers_),
      search_(*readers_),
      uploads_(*writer_, *readers_) {
  if (!indexer_) {
    writer_->start();
    spdlog::info("store: sqlite {} (read-only)", path);
    return;
  }
  // After every committed batch, the indexer looks for new rows.
  writer_->addBatchHooks({.beforeCommit = [](SqliteDb&) {},
                          .afterRollback = [] {},
                          .beforeCompletions = {},
                          .afterCompletions = [this] { indexer_->poke(); }});
  checkpointer_->holdWriterWith([this](const std::function<void()>& f) { writer_->whileHeld(f); });
  checkpointer_->start();
  writer_->start();
  indexer_->start();
  spdlog::info("store: sqlite {} (synchronous={})", path, options.synchronous);
}

SqliteStore::~SqliteStore() {
  drain();
}

void SqliteStore::drain() {
  if (indexer_) indexer_->stop();
  writer_->drain();
  checkpointer_->stop();
}

std::string SqliteStore::searchIndexPath(const std::string& path) {
  // chat.db → chat.search.db, in the same directory (and on the same backups).
  const auto dot = path.rfind('.');
  const auto slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) {
    return path + ".search";
  }
  return path.substr(0, dot) + ".search" + path.substr(dot);
}

void SqliteStore::trimSearchChanges(std::int64_t upTo) {
  writer_->submit(SqliteWriter::Op{
      .apply =
          [upTo](SqliteDb& db) {
            db.prepare("DELETE FROM search_changes WHERE id <= ?1").bind(1, upTo).run();
          },
      .complete = [](const std::exception_ptr&) {},
  });
}

bool SqliteStore::ready() {
  try {
    return readers_->with([](SqliteDb& db) {
      return db.prepare("SELECT 1").one([](const Statement& s) { return s.int64(0); }) ==
             std::int64_t{1};
    });
  } catch (const std::exception& e) {
    spdlog::warn("store not ready: {}", e.what());
    return false;
  }
}

namespace {

std::optional<std::int64_t> optionalInt(const Statement& row, int col) {
  if (row.isNull(col)) return std::nullopt;
  return row.int64(col);
}

}  // namespace

Message readMessage(const Statement& row) {
  Message m;
  m.id = row.text(0);
  m.conversationId = row.text(1);
  m.seq = row.int64(2);
  m.from = row.text(3);
  m.to = row.text(4);
  m.body = row.text(5);
  m.type = row.text(6);
  m.metadataJson = row.text(7);
  m.clientMsgId = row.text(8);
  m.createdAtMs = row.int64(9);
  m.editedAtMs = optionalInt(row, 10);
  m.deletedAtMs = optionalInt(row, 11);
  m.replyToId = row.text(12);
  if (!m.replyToId.empty() && !row.isNull(13)) {
    const bool deleted = !row.isNull(16);
    m.replyTo = ReplyPreview{.id = m.replyToId,
                             .from = row.text(13),
                             .seq = row.int64(14),
                             .body = deleted ? std::string() : row.text(15),
                             .deleted = deleted};
  }
  return m;
}

void attachReactions(SqliteDb& db, std::vector<Message>& messages) {
  if (messages.empty()) return;
  auto [lo, hi] = std::minmax_element(messages.begin(), messages.end(),
                                      [](const auto& a, const auto& b) { return a.seq < b.seq; });
  auto& q = db.prepare(
                  "SELECT seq, emoji, user_id FROM message_reactions"
                  " WHERE conversation_id = ?1 AND seq BETWEEN ?2 AND ?3"
                  " ORDER BY seq, created_at, user_id")
                .bind(1, messages.front().conversationId)
                .bind(2, lo->seq)
                .bind(3, hi->seq);
  std::unordered_map<std::int64_t, Message*> bySeq;
  for (auto& m : messages) bySeq.emplace(m.seq, &m);
  while (q.step()) {
    auto it = bySeq.find(q.int64(0));
    if (it == bySeq.end()) continue;
    auto& reactions = it->second->reactions;
    auto emoji = q.text(1);
    auto r = std::find_if(reactions.begin(), reactions.end(),
                          [&](const Reaction& x) { return x.emoji == emoji; });
    if (r == reactions.end()) r = reactions.insert(reactions.end(), Reaction{std::move(emoji), {}});
    r->users.push_back(q.text(2));
  }
}

void attachReactions(SqliteDb& db, Message& message) {
  std::vector<Message> one;
  one.push_back(std::move(message));
  attachReactions(db, one);
  message = std::move(one.front());
}

void SqliteRevokedTokenStore::revoke(std::string_view jti, std::int64_t expiresAtSec) {
  writer_.run([jti = std::string(jti), expiresAtSec](SqliteDb& db) {
    db.prepare("INSERT OR IGNORE INTO revoked_tokens (jti, expires_at) VALUES (?1, ?2)")
        .bind(1, jti)
        .bind(2, expiresAtSec)
        .run();
  });
}

std::vector<std::string> SqliteRevokedTokenStore::active(std::int64_t nowSec) {
  return readers_.with([nowSec](SqliteDb& db) {
    std::vector<std::string> out;
    auto& q = db.prepare("SELECT jti FROM revoked_tokens WHERE expires_at > ?1").bind(1, nowSec);
    while (q.step()) out.push_back(q.text(0));
    return out;
  });
}

}  // namespace gc::store::sqlite
