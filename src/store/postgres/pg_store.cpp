#include "store/postgres/pg_store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_map>

#include "store/postgres/pg_migrations.hpp"
#include "store/postgres/pg_sql.hpp"

namespace gc::store::postgres {
namespace {

// A batch this size is a few hundred kilobytes of array parameters: large enough to absorb
// any burst, small enough to keep one transaction's locks short.
constexpr std::size_t kMaxBatch = 2000;

std::unique_ptr<PgConnection> openWriterConnection(const std::string& url,
                                                   const StoreOptions& options) {
  auto conn = std::make_unique<PgConnection>(url, options.readOnly);
  // Read-only: another process owns the schema; its writes fail on the read-only session.
  if (!options.readOnly) migrate(*conn);
  return conn;
}

// Sends go through `count` group-committing writers, each on a connection of its own; the
// first one's connection migrates the schema.
std::unique_ptr<PgAppendShards> openAppendWriters(const std::string& url,
                                                  const StoreOptions& options,
                                                  const std::function<void()>& afterBatch) {
  std::vector<std::unique_ptr<PgAppendWriter>> writers;
  const int count = std::max(options.appendWriters, 1);
  for (int i = 0; i < count; ++i) {
    auto conn = i == 0 ? openWriterConnection(url, options)
                       : std::make_unique<PgConnection>(url, options.readOnly);
    writers.push_back(std::make_unique<PgAppendWriter>(std::move(conn), kMaxBatch, afterBatch));
  }
  return std::make_unique<PgAppendShards>(std::move(writers));
}

// The readers, and one more for the ordinary writes (those hold theirs for a transaction).
int poolSize(const StoreOptions& options) {
  return std::max(options.readers, 1) + 1;
}

}  // namespace

PgStore::PgStore(const std::string& url, const StoreOptions& options)
    : indexer_(options.readOnly
                   ? nullptr
                   : std::make_unique<PgSearchIndexer>(
                         std::make_unique<PgConnection>(url, false),
                         [this] { return writer_->busyWithin(std::chrono::milliseconds(250)); })),
      writer_(openAppendWriters(url, options, [this] { pokeIndexer(); })),
      pool_(std::make_unique<PgPool>(url, poolSize(options), options.readOnly)),
      users_(*pool_),
      messages_(*writer_, *pool_, [this] { pokeIndexer(); }),
      conversations_(*pool_),
      tokens_(*pool_),
      friendships_(*pool_),
      groups_(*pool_),
      search_(*pool_),
      uploads_(*pool_) {
  writer_->start();
  if (indexer_) indexer_->start();
  spdlog::info("store: postgres ({} send writers, {} pooled connections{})", writer_->size(),
               poolSize(options), options.readOnly ? ", read-only" : "");
}

PgStore::~PgStore() {
  drain();
}

void PgStore::drain() {
  writer_->drain();
  if (indexer_) indexer_->stop();
}

void PgStore::pokeIndexer() {
  if (indexer_) indexer_->poke();
}

bool PgStore::ready() {
  try {
    return pool_->with([](PgConnection& conn) { return conn.query(sql::kSelectOne).rows() == 1; });
  } catch (const std::exception& e) {
    spdlog::warn("store not ready: {}", e.what());
    return false;
  }
}

Message readMessage(const PgResult& r, int row) {
  Message m;
  m.id = r.text(row, 0);
  m.conversationId = r.text(row, 1);
  m.seq = r.int64(row, 2);
  m.from = r.text(row, 3);
  m.to = r.text(row, 4);
  m.body = r.text(row, 5);
  m.type = r.text(row, 6);
  m.metadataJson = r.text(row, 7);
  m.clientMsgId = r.text(row, 8);
  m.createdAtMs = r.int64(row, 9);
  m.editedAtMs = r.optionalInt64(row, 10);
  m.deletedAtMs = r.optionalInt64(row, 11);
  m.replyToId = r.text(row, 12);
  if (!m.replyToId.empty() && !r.isNull(row, 13)) {
    const bool deleted = !r.isNull(row, 16);
    m.replyTo = ReplyPreview{.id = m.replyToId,
                             .from = r.text(row, 13),
                             .seq = r.int64(row, 14),
                             .body = deleted ? std::string() : r.text(row, 15),
                             .deleted = deleted};
  }
  return m;
}

std::vector<Message> readMessages(const PgResult& rows) {
  std::vector<Message> out;
  out.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) out.push_back(readMessage(rows, i));
  return out;
}

void attachReactions(PgConnection& conn, std::vector<Message>& messages) {
  if (messages.empty()) return;
  auto [lo, hi] = std::minmax_element(messages.begin(), messages.end(),
                                      [](const auto& a, const auto& b) { return a.seq < b.seq; });
  const auto rows =
      conn.query(sql::kReactionsInRange, messages.front().conversationId, lo->seq, hi->seq);
  std::unordered_map<std::int64_t, Message*> bySeq;
  for (auto& m : messages) bySeq.emplace(m.seq, &m);
  for (int i = 0; i < rows.rows(); ++i) {
    auto it = bySeq.find(rows.int64(i, 0));
    if (it == bySeq.end()) continue;
    auto& reactions = it->second->reactions;
    auto emoji = rows.text(i, 1);
    auto r = std::find_if(reactions.begin(), reactions.end(),
                          [&](const Reaction& x) { return x.emoji == emoji; });
    if (r == reactions.end()) r = reactions.insert(reactions.end(), Reaction{std::move(emoji), {}});
    r->users.push_back(rows.text(i, 2));
  }
}

void attachReactions(PgConnection& conn, Message& message) {
  std::vector<Message> one;
  one.push_back(std::move(message));
  attachReactions(conn, one);
  message = std::move(one.front());
}

void PgRevokedTokenStore::revoke(std::string_view jti, std::int64_t expiresAtSec) {
  pool_.with([&](PgConnection& conn) { conn.query(sql::kRevokeToken, jti, expiresAtSec); });
}

std::vector<std::string> PgRevokedTokenStore::active(std::int64_t nowSec) {
  return pool_.with([nowSec](PgConnection& conn) {
    const auto rows = conn.query(sql::kActiveRevocations, nowSec);
    std::vector<std::string> out;
    for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.text(i, 0));
    return out;
  });
}

}  // namespace gc::store::postgres
