#include "core/error.hpp"
#include "store/friendship_rules.hpp"
#include "store/postgres/pg_sql.hpp"
#include "store/postgres/pg_store.hpp"

namespace gc::store::postgres {
namespace {

Friendship readFriendship(const PgResult& rows, int i) {
  return Friendship{.id = rows.text(i, 0),
                    .requester = rows.text(i, 1),
                    .recipient = rows.text(i, 2),
                    .status = rows.text(i, 3),
                    .createdAtMs = rows.int64(i, 4),
                    .updatedAtMs = rows.int64(i, 5)};
}

std::optional<Friendship> readOne(const PgResult& rows) {
  if (rows.empty()) return std::nullopt;
  return readFriendship(rows, 0);
}

std::vector<Friendship> readAll(const PgResult& rows) {
  std::vector<Friendship> out;
  for (int i = 0; i < rows.rows(); ++i) out.push_back(readFriendship(rows, i));
  return out;
}

// The pair's key: one row per pair, whoever asked.
std::pair<std::string, std::string> pairKey(std::string_view a, std::string_view b) {
  if (b < a) std::swap(a, b);
  return {std::string(a), std::string(b)};
}

// Every decision about a pair is taken under its lock, held to commit: a request and a block
// racing on two servers cannot both see "no block" and "no friendship".
void lockPair(PgConnection& conn, std::string_view a, std::string_view b) {
  const auto [low, high] = pairKey(a, b);
  conn.query(sql::kLockPair, low, high);
}

std::optional<Friendship> between(PgConnection& conn, std::string_view a, std::string_view b) {
  const auto [low, high] = pairKey(a, b);
  return readOne(conn.query(sql::kFriendshipOfPair, low, high));
}

bool blockedEitherWay(PgConnection& conn, std::string_view a, std::string_view b) {
  return !conn.query(sql::kBlockedEitherWay, a, b).empty();
}

// False when the pair has a row already.
bool insertUnlessPaired(PgConnection& conn, const Friendship& f) {
  const auto [low, high] = pairKey(f.requester, f.recipient);
  return conn.query(sql::kInsertFriendshipUnlessPaired, f.id, low, high, f.requester, f.recipient,
                    f.status, f.createdAtMs, f.updatedAtMs)
             .affected() > 0;
}

void deletePair(PgConnection& conn, std::string_view a, std::string_view b) {
  const auto [low, high] = pairKey(a, b);
  conn.query(sql::kDeletePair, low, high);
}

}  // namespace

FriendRequestResult PgFriendshipStore::request(std::string_view requester,
                                               std::string_view recipient, std::string_view newId,
                                               std::int64_t nowMs) {
  return pool_.transaction([&](PgConnection& conn) {
    lockPair(conn, requester, recipient);
    auto existing = between(conn, requester, recipient);
    if (requestAnswersTheirs(existing, requester, blockedEitherWay(conn, requester, recipient))) {
      existing->status = "accepted";
      existing->updatedAtMs = nowMs;
      conn.query(sql::kSetFriendshipStatus, existing->id, existing->status, nowMs);
      return FriendRequestResult{.friendship = std::move(*existing), .accepted = true};
    }
    // None, or a rejected one: a new request replaces it.
    if (existing) deletePair(conn, requester, recipient);
    auto f = pendingRequest(newId, requester, recipient, nowMs);
    insertUnlessPaired(conn, f);
    return FriendRequestResult{.friendship = std::move(f), .accepted = false};
  });
}

Friendship PgFriendshipStore::respond(std::string_view id, std::string_view actor,
                                      std::string_view status, std::int64_t nowMs) {
  return pool_.transaction([&](PgConnection& conn) {
    auto f = readOne(conn.query(sql::kFriendshipById, id));
    checkParticipant(f, actor);
    lockPair(conn, f->requester, f->recipient);
    f = readOne(conn.query(sql::kFriendshipById, id));  // as it is now that the pair is ours
    checkCanRespond(f, actor);
    f->status = std::string(status);
    f->updatedAtMs = nowMs;
    conn.query(sql::kSetFriendshipStatus, f->id, f->status, nowMs);
    return std::move(*f);
  });
}

std::optional<Friendship> PgFriendshipStore::remove(std::string_view userA,
                                                    std::string_view userB) {
  return pool_.transaction([&](PgConnection& conn) {
    lockPair(conn, userA, userB);
    auto existing = between(conn, userA, userB);
    if (existing) deletePair(conn, userA, userB);
    return existing;
  });
}

std::optional<Friendship> PgFriendshipStore::byId(std::string_view id) {
  return pool_.with(
      [id](PgConnection& conn) { return readOne(conn.query(sql::kFriendshipById, id)); });
}

std::vector<Friendship> PgFriendshipStore::forUser(std::string_view userId) {
  return pool_.with([userId](PgConnection& conn) {
    return readAll(conn.query(sql::kFriendshipsOfUser, userId));
  });
}

std::vector<Friendship> PgFriendshipStore::allAccepted() {
  return pool_.with(
      [](PgConnection& conn) { return readAll(conn.query(sql::kAcceptedFriendships)); });
}

int PgFriendshipStore::createMissing(const std::vector<Friendship>& friendships) {
  return pool_.transaction([&friendships](PgConnection& conn) {
    int created = 0;
    for (const auto& f : friendships) {
      lockPair(conn, f.requester, f.recipient);
      if (!blockedEitherWay(conn, f.requester, f.recipient) && insertUnlessPaired(conn, f)) {
        ++created;
      }
    }
    return created;
  });
}

std::optional<Friendship> PgFriendshipStore::block(std::string_view blocker,
                                                   std::string_view blocked, std::int64_t nowMs) {
  return pool_.transaction([&](PgConnection& conn) {
    lockPair(conn, blocker, blocked);
    conn.query(sql::kInsertBlock, blocker, blocked, nowMs);
    auto existing = between(conn, blocker, blocked);
    if (existing) deletePair(conn, blocker, blocked);
    return existing;
  });
}

bool PgFriendshipStore::unblock(std::string_view blocker, std::string_view blocked) {
  return pool_.with([&](PgConnection& conn) {
    return conn.query(sql::kDeleteBlock, blocker, blocked).affected() > 0;
  });
}

std::vector<std::string> PgFriendshipStore::blockedBy(std::string_view blocker) {
  return pool_.with([blocker](PgConnection& conn) {
    const auto rows = conn.query(sql::kBlockedBy, blocker);
    std::vector<std::string> out;
    for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.text(i, 0));
    return out;
  });
}

std::vector<Block> PgFriendshipStore::allBlocks() {
  return pool_.with([](PgConnection& conn) {
    const auto rows = conn.query(sql::kAllBlocks);
    std::vector<Block> out;
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back(Block{.blocker = rows.text(i, 0), .blocked = rows.text(i, 1)});
    }
    return out;
  });
}

}  // namespace gc::store::postgres
