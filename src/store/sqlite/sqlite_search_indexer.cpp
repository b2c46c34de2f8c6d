#include "store/sqlite/sqlite_search_indexer.hpp"

#include "core/thread_name.hpp"

#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

namespace gc::store::sqlite {
namespace {

// Rows per index transaction: big enough to amortise a commit, small enough that new
// messages never wait long behind a backlog.
constexpr std::int64_t kChunk = 1000;
// Without a poke (a quiet server, or a poke lost to a race), look again this often.
constexpr auto kIdlePoll = std::chrono::milliseconds(500);

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS search_state (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO search_state (name, value) VALUES ('messages', 0), ('changes', 0);
CREATE VIRTUAL TABLE IF NOT EXISTS message_text
  USING fts5(body, conversation_id UNINDEXED, tokenize = 'trigram');
)sql";

std::unique_ptr<SqliteDb> openIndex(const std::string& indexPath, const std::string& dbPath) {
  auto db = std::make_unique<SqliteDb>(indexPath, false);
  // Losing the last few index transactions in a power cut costs a re-index of those rows,
  // not data: the watermarks commit with them. So no fsync per transaction.
  db->exec("PRAGMA journal_mode = WAL");
  db->exec("PRAGMA synchronous = NORMAL");
  db->exec(kSchema);
  db->prepare("ATTACH ?1 AS chat").bind(1, dbPath).run();
  return db;
}

std::int64_t stateValue(SqliteDb& db, const char* sql) {
  return db.prepare(sql).one([](const Statement& s) { return s.int64(0); }).value_or(0);
}

}  // namespace

SqliteSearchIndexer::SqliteSearchIndexer(std::string databasePath, std::string indexPath,
                                         std::function<void(std::int64_t)> trimChanges,
                                         std::function<bool()> storeBusy)
    : databasePath_(std::move(databasePath)),
      indexPath_(std::move(indexPath)),
      trimChanges_(std::move(trimChanges)),
      storeBusy_(std::move(storeBusy)) {
  try {
    db_ = openIndex(indexPath_, databasePath_);
  } catch (const SqliteError& e) {
    // The index is derived data: start it again rather than refuse to serve chat.
    spdlog::warn("search index {} unusable ({}); rebuilding it", indexPath_, e.what());
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      std::filesystem::remove(indexPath_ + suffix, ec);
    }
    db_ = openIndex(indexPath_, databasePath_);
  }
  messageWatermark_ = stateValue(*db_, "SELECT value FROM search_state WHERE name = 'messages'");
  changeWatermark_ = stateValue(*db_, "SELECT value FROM search_state WHERE name = 'changes'");
}

SqliteSearchIndexer::~SqliteSearchIndexer() {
  stop();
}

void SqliteSearchIndexer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    core::nameThisThread("gc-search-index");
    loop();
  });
}

void SqliteSearchIndexer::poke() {
  {
    std::lock_guard lock(mutex_);
    if (poked_) return;
    poked_ = true;
  }
  wake_.notify_one();
}

void SqliteSearchIndexer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void SqliteSearchIndexer::loop() {
  // Chat traffic always goes first: SCHED_IDLE runs only on a core nothing else wants (nice 19
  // where that is refused). Measured: at nice 19 alone the indexer, busy behind a 30,000
  // msgs/s load, still took a quarter of the DM benchmark's throughput.
  const sched_param idle{.sched_priority = 0};
  if (::sched_setscheduler(0, SCHED_IDLE, &idle) != 0 &&
      ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19) != 0) {
    spdlog::debug("search indexer keeps its default priority");
  }
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, kIdlePoll, [this] { return stopping_ || poked_; });
      if (stopping_) return;
      poked_ = false;
    }
    try {
      // Until caught up: each chunk is its own transaction, so stop() waits at most one.
      for (;;) {
        // Under heavy load (large commit batches) even an idle-priority indexer costs the
        // sends throughput (measured: ~15% of the dm benchmark): search waits instead.
        while (storeBusy_ && storeBusy_()) {
          std::unique_lock lock(mutex_);
          if (wake_.wait_for(lock, kIdlePoll, [this] { return stopping_; })) return;
        }
        const auto started = std::chrono::steady_clock::now();
        const int handled = indexNewMessages() + applyChanges();
        if (handled == 0) break;
        // Behind a heavy load, index at most a quarter of the time: the backlog waits for a
        // quieter moment instead of taking cores from the sends.
        const auto pause = handled >= kChunk ? 3 * (std::chrono::steady_clock::now() - started)
                                             : std::chrono::steady_clock::duration::zero();
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, pause, [this] { return stopping_; })) return;
      }
    } catch (const std::exception& e) {
      // A failed chunk rolled back with its watermark: the next round does it again.
      spdlog::error("search indexing failed: {}", e.what());
    }
  }
}

// Each chunk reads the chat database first, in a read transaction of its own, and only then
// writes the index. A read of the chat database left open while a chunk is indexed (tens of
// ms, longer at idle priority on a busy machine) keeps the chat WAL from starting over and
// the checkpointer from copying past it (sqlite_checkpointer.hpp): at 10,000 msgs/s, 54 of 74
// holds of the writer started the WAL over with the read open across the chunk, 57 of 58
// without. Reading and writing in two transactions is safe: rows are indexed by rowid with
// INSERT OR REPLACE, and the watermark only moves in the index's own transaction.
//
// Both are deferred transactions, never IMMEDIATE: IMMEDIATE takes the write lock of every
// attached database, the chat database's too, and would stall the store's writer (every
// send). Deferred, a read takes a snapshot of the chat database and a write locks only the
// index file, which nothing else writes.
template <class Body>
void SqliteSearchIndexer::deferredTransaction(Body&& body) {
  SqliteDb& db = *db_;
  db.exec("BEGIN");
  try {
    body(db);
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
}

int SqliteSearchIndexer::indexNewMessages() {
  struct Row {
    std::int64_t rowid;
    std::string conversationId, body;
  };
  std::vector<Row> rows;
  std::int64_t newest = 0;
  deferredTransaction([&](SqliteDb& db) {  // reads the chat database
    auto& q = db.prepare(
                    "SELECT rowid, conversation_id, body FROM chat.messages"
                    " WHERE rowid > ?1 AND deleted_at IS NULL AND type != 'system'"
                    " ORDER BY rowid LIMIT ?2")
                  .bind(1, messageWatermark_)
                  .bind(2, kChunk);
    while (q.step()) rows.push_back({q.int64(0), q.text(1), q.text(2)});
    q.reset();
    // Caught up: the watermark may pass the skipped (deleted, system) rows at the end too,
    // as far as this snapshot goes.
    if (std::ssize(rows) < kChunk) {
      newest = stateValue(db, "SELECT COALESCE(max(rowid), 0) FROM chat.messages");
    }
  });
  const std::int64_t last =
      std::max({messageWatermark_, newest, rows.empty() ? 0 : rows.back().rowid});
  if (last == messageWatermark_) return 0;
  deferredTransaction([&](SqliteDb& db) {  // writes the index
    for (const auto& row : rows) {
      db.prepare(
            "INSERT OR REPLACE INTO message_text (rowid, body, conversation_id)"
            " VALUES (?1, ?2, ?3)")
          .bind(1, row.rowid)
          .bind(2, row.body)
          .bind(3, row.conversationId)
          .run();
    }
    db.prepare("UPDATE search_state SET value = ?1 WHERE name = 'messages'").bind(1, last).run();
  });
  messageWatermark_ = last;
  return static_cast<int>(rows.size());
}

int SqliteSearchIndexer::applyChanges() {
  struct Change {
    std::int64_t id, rowid;
    bool indexed;  // the message exists, is not deleted and not a system message
    std::string conversationId, body;
  };
  std::vector<Change> changes;
  deferredTransaction([&](SqliteDb& db) {  // reads the chat database
    auto& q = db.prepare(
                    "SELECT c.id, c.message_rowid, m.conversation_id, m.body,"
                    " m.deleted_at IS NULL AND m.type != 'system'"
                    " FROM chat.search_changes c LEFT JOIN chat.messages m"
                    " ON m.rowid = c.message_rowid"
                    " WHERE c.id > ?1 ORDER BY c.id LIMIT ?2")
                  .bind(1, changeWatermark_)
                  .bind(2, kChunk);
    while (q.step()) {
      const bool indexed = !q.isNull(4) && q.int64(4) != 0;
      changes.push_back({q.int64(0), q.int64(1), indexed, indexed ? q.text(2) : std::string(),
                         indexed ? q.text(3) : std::string()});
    }
    q.reset();
  });
  if (changes.empty()) return 0;
  const std::int64_t last = changes.back().id;
  deferredTransaction([&](SqliteDb& db) {  // writes the index
    for (const auto& change : changes) {
      // Rows past the message watermark are indexed as they are now when it gets there.
      if (change.rowid > messageWatermark_) continue;
      db.prepare("DELETE FROM message_text WHERE rowid = ?1").bind(1, change.rowid).run();
      if (!change.indexed) continue;  // deleted: it stays out
      db.prepare("INSERT INTO message_text (rowid, body, conversation_id) VALUES (?1, ?2, ?3)")
          .bind(1, change.rowid)
          .bind(2, change.body)
          .bind(3, change.conversationId)
          .run();
    }
    db.prepare("UPDATE search_state SET value = ?1 WHERE name = 'changes'").bind(1, last).run();
  });
  changeWatermark_ = last;
  if (trimChanges_) trimChanges_(last);
  return static_cast<int>(changes.size());
}

}  // namespace gc::store::sqlite
