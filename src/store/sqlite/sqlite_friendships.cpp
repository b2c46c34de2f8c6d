#include "core/error.hpp"
#include "store/friendship_rules.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gc::store::sqlite {
namespace {

#define GC_FRIENDSHIP_COLUMNS "id, requester_id, recipient_id, status, created_at, updated_at"

Friendship readFriendship(const Statement& row) {
  return Friendship{.id = row.text(0),
                    .requester = row.text(1),
                    .recipient = row.text(2),
                    .status = row.text(3),
                    .createdAtMs = row.int64(4),
                    .updatedAtMs = row.int64(5)};
}

// The pair's key: one row per pair, whoever asked.
std::pair<std::string, std::string> pairKey(std::string_view a, std::string_view b) {
  if (b < a) std::swap(a, b);
  return {std::string(a), std::string(b)};
}

std::optional<Friendship> between(SqliteDb& db, std::string_view a, std::string_view b) {
  const auto [low, high] = pairKey(a, b);
  return db
      .prepare("SELECT " GC_FRIENDSHIP_COLUMNS
               " FROM friendships WHERE user_low = ?1 AND user_high = ?2")
      .bind(1, low)
      .bind(2, high)
      .one(readFriendship);
}

bool blockedEitherWay(SqliteDb& db, std::string_view a, std::string_view b) {
  return db
      .prepare(
          "SELECT 1 FROM blocks WHERE (blocker_id = ?1 AND blocked_id = ?2)"
          " OR (blocker_id = ?2 AND blocked_id = ?1)")
      .bind(1, a)
      .bind(2, b)
      .one([](const Statement&) { return true; })
      .has_value();
}

void setStatus(SqliteDb& db, const Friendship& f) {
  db.prepare("UPDATE friendships SET status = ?2, updated_at = ?3 WHERE id = ?1")
      .bind(1, f.id)
      .bind(2, f.status)
      .bind(3, f.updatedAtMs)
      .run();
}

// False when the pair has a row already.
bool insertUnlessPaired(SqliteDb& db, const Friendship& f) {
  const auto [low, high] = pairKey(f.requester, f.recipient);
  db.prepare(
        "INSERT INTO friendships (id, user_low, user_high, requester_id, recipient_id, status,"
        " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        " ON CONFLICT (user_low, user_high) DO NOTHING")
      .bind(1, f.id)
      .bind(2, low)
      .bind(3, high)
      .bind(4, f.requester)
      .bind(5, f.recipient)
      .bind(6, f.status)
      .bind(7, f.createdAtMs)
      .bind(8, f.updatedAtMs)
      .run();
  return sqlite3_changes(db.handle()) > 0;
}

void deletePair(SqliteDb& db, std::string_view a, std::string_view b) {
  const auto [low, high] = pairKey(a, b);
  db.prepare("DELETE FROM friendships WHERE user_low = ?1 AND user_high = ?2")
      .bind(1, low)
      .bind(2, high)
      .run();
}

}  // namespace

FriendRequestResult SqliteFriendshipStore::request(std::string_view requester,
                                                   std::string_view recipient,
                                                   std::string_view newId, std::int64_t nowMs) {
  return writer_.run([requester = std::string(requester), recipient = std::string(recipient),
                      newId = std::string(newId), nowMs](SqliteDb& db) {
    // Decided inside the writer's transaction: two crossing requests cannot both insert.
    auto existing = between(db, requester, recipient);
    if (requestAnswersTheirs(existing, requester, blockedEitherWay(db, requester, recipient))) {
      existing->status = "accepted";
      existing->updatedAtMs = nowMs;
      setStatus(db, *existing);
      return FriendRequestResult{.friendship = std::move(*existing), .accepted = true};
    }
    // None, or a rejected one: a new request replaces it.
    if (existing) deletePair(db, requester, recipient);
    auto f = pendingRequest(newId, requester, recipient, nowMs);
    insertUnlessPaired(db, f);
    return FriendRequestResult{.friendship = std::move(f), .accepted = false};
  });
}

Friendship SqliteFriendshipStore::respond(std::string_view id, std::string_view actor,
                                          std::string_view status, std::int64_t nowMs) {
  return writer_.run([id = std::string(id), actor = std::string(actor),
                      status = std::string(status), nowMs](SqliteDb& db) {
    auto f = db.prepare("SELECT " GC_FRIENDSHIP_COLUMNS " FROM friendships WHERE id = ?1")
                 .bind(1, id)
                 .one(readFriendship);
    checkCanRespond(f, actor);
    f->status = status;
    f->updatedAtMs = nowMs;
    setStatus(db, *f);
    return std::move(*f);
  });
}

std::optional<Friendship> SqliteFriendshipStore::remove(std::string_view userA,
                                                        std::string_view userB) {
  return writer_.run([a = std::string(userA), b = std::string(userB)](SqliteDb& db) {
    auto existing = between(db, a, b);
    if (existing) deletePair(db, a, b);
    return existing;
  });
}

std::optional<Friendship> SqliteFriendshipStore::byId(std::string_view id) {
  return readers_.with([id](SqliteDb& db) {
    return db.prepare("SELECT " GC_FRIENDSHIP_COLUMNS " FROM friendships WHERE id = ?1")
        .bind(1, id)
        .one(readFriendship);
  });
}

std::vector<Friendship> SqliteFriendshipStore::forUser(std::string_view userId) {
  return readers_.with([userId](SqliteDb& db) {
    std::vector<Friendship> out;
    auto& q = db.prepare("SELECT " GC_FRIENDSHIP_COLUMNS
                         " FROM friendships WHERE (requester_id = ?1 OR recipient_id = ?1)"
                         " AND status IN ('pending', 'accepted') ORDER BY updated_at DESC, id")
                  .bind(1, userId);
    while (q.step()) out.push_back(readFriendship(q));
    return out;
  });
}

std::vector<Friendship> SqliteFriendshipStore::allAccepted() {
  return readers_.with([](SqliteDb& db) {
    std::vector<Friendship> out;
    auto& q =
        db.prepare("SELECT " GC_FRIENDSHIP_COLUMNS " FROM friendships WHERE status = 'accepted'");
    while (q.step()) out.push_back(readFriendship(q));
    return out;
  });
}

int SqliteFriendshipStore::createMissing(const std::vector<Friendship>& friendships) {
  return writer_.run([&friendships](SqliteDb& db) {
    int created = 0;
    for (const auto& f : friendships) {
      if (!blockedEitherWay(db, f.requester, f.recipient) && insertUnlessPaired(db, f)) ++created;
    }
    return created;
  });
}

std::optional<Friendship> SqliteFriendshipStore::block(std::string_view blocker,
                                                       std::string_view blocked,
                                                       std::int64_t nowMs) {
  return writer_.run(
      [blocker = std::string(blocker), blocked = std::string(blocked), nowMs](SqliteDb& db) {
        db.prepare(
              "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?1, ?2, ?3)"
              " ON CONFLICT (blocker_id, blocked_id) DO NOTHING")
            .bind(1, blocker)
            .bind(2, blocked)
            .bind(3, nowMs)
            .run();
        auto existing = between(db, blocker, blocked);
        if (existing) deletePair(db, blocker, blocked);
        return existing;
      });
}

bool SqliteFriendshipStore::unblock(std::string_view blocker, std::string_view blocked) {
  return writer_.run(
      [blocker = std::string(blocker), blocked = std::string(blocked)](SqliteDb& db) {
        return db
            .prepare(
                "DELETE FROM blocks WHERE blocker_id = ?1 AND blocked_id = ?2 RETURNING blocker_id")
            .bind(1, blocker)
            .bind(2, blocked)
            .one([](const Statement&) { return true; })
            .has_value();
      });
}

std::vector<std::string> SqliteFriendshipStore::blockedBy(std::string_view blocker) {
  return readers_.with([blocker](SqliteDb& db) {
    std::vector<std::string> out;
    auto& q = db.prepare(
                    "SELECT blocked_id FROM blocks WHERE blocker_id = ?1"
                    " ORDER BY created_at DESC, blocked_id")
                  .bind(1, blocker);
    while (q.step()) out.push_back(q.text(0));
    return out;
  });
}

std::vector<Block> SqliteFriendshipStore::allBlocks() {
  return readers_.with([](SqliteDb& db) {
    std::vector<Block> out;
    auto& q = db.prepare("SELECT blocker_id, blocked_id FROM blocks");
    while (q.step()) out.push_back(Block{.blocker = q.text(0), .blocked = q.text(1)});
    return out;
  });
}

}  // namespace gc::store::sqlite
