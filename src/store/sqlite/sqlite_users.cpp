#include "core/ascii.hpp"
#include "core/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gc::store::sqlite {
namespace {

// Usernames are ASCII by rule; emails compare case-insensitively on their ASCII letters.
using core::asciiLower;

#define GC_USER_COLUMNS "id, username, email, password_hash, avatar, created_at, last_seen"

User readUser(const Statement& row) {
  User u;
  u.id = row.text(0);
  u.username = row.text(1);
  u.email = row.text(2);
  u.passwordHash = row.text(3);
  u.avatar = row.text(4);
  u.createdAtMs = row.int64(5);
  if (!row.isNull(6)) u.lastSeenMs = row.int64(6);
  return u;
}

bool exists(SqliteDb& db, const char* sql, std::string_view key) {
  return db.prepare(sql).bind(1, key).one([](const Statement&) { return true; }).has_value();
}

void insertUser(SqliteDb& db, const User& u) {
  db.prepare(
        "INSERT INTO users (id, username, username_key, email, email_key, password_hash, "
        "avatar, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, u.id)
      .bind(2, u.username)
      .bind(3, asciiLower(u.username))
      .bind(4, u.email)
      .bind(5, asciiLower(u.email))
      .bind(6, u.passwordHash)
      .bind(7, u.avatar)
      .bind(8, u.createdAtMs)
      .run();
}

}  // namespace

void SqliteUserStore::create(const User& user) {
  writer_.run([user](SqliteDb& db) {
    // Checked inside the writer's transaction, so two registrations cannot both pass.
    if (exists(db, "SELECT 1 FROM users WHERE username_key = ?1", asciiLower(user.username))) {
      throw core::conflict("username_taken", "username: already taken");
    }
    if (exists(db, "SELECT 1 FROM users WHERE email_key = ?1", asciiLower(user.email))) {
      throw core::conflict("email_taken", "email: already registered");
    }
    insertUser(db, user);
  });
}

int SqliteUserStore::createMissing(const std::vector<User>& users) {
  return writer_.run([users](SqliteDb& db) {
    int created = 0;
    for (const auto& u : users) {
      if (exists(db, "SELECT 1 FROM users WHERE username_key = ?1", asciiLower(u.username)) ||
          exists(db, "SELECT 1 FROM users WHERE email_key = ?1", asciiLower(u.email))) {
        continue;
      }
      insertUser(db, u);
      ++created;
    }
    return created;
  });
}

std::optional<User> SqliteUserStore::byId(std::string_view id) {
  return readers_.with([id](SqliteDb& db) {
    return db.prepare("SELECT " GC_USER_COLUMNS " FROM users WHERE id = ?1")
        .bind(1, id)
        .one(readUser);
  });
}

std::optional<User> SqliteUserStore::byLogin(std::string_view login) {
  const std::string key = asciiLower(login);
  return readers_.with([&key](SqliteDb& db) {
    const char* sql = key.find('@') == std::string::npos
                          ? "SELECT " GC_USER_COLUMNS " FROM users WHERE username_key = ?1"
                          : "SELECT " GC_USER_COLUMNS " FROM users WHERE email_key = ?1";
    return db.prepare(sql).bind(1, key).one(readUser);
  });
}

std::vector<User> SqliteUserStore::searchByPrefix(std::string_view prefix, int limit) {
  const std::string key = asciiLower(prefix);
  return readers_.with([&key, limit](SqliteDb& db) {
    std::vector<User> out;
    // Usernames are [a-z0-9_] once folded, all below '~': the range is exactly the prefix.
    auto& q = db.prepare("SELECT " GC_USER_COLUMNS
                         " FROM users WHERE username_key >= ?1 AND username_key < ?2"
                         " ORDER BY username_key LIMIT ?3")
                  .bind(1, key)
                  .bind(2, key + "~")
                  .bind(3, std::int64_t{limit});
    while (q.step()) out.push_back(readUser(q));
    return out;
  });
}

void SqliteUserStore::setLastSeen(std::string_view id, std::int64_t lastSeenMs) {
  writer_.run([id = std::string(id), lastSeenMs](SqliteDb& db) {
    db.prepare("UPDATE users SET last_seen = ?2 WHERE id = ?1")
        .bind(1, id)
        .bind(2, lastSeenMs)
        .run();
  });
}

void SqliteUserStore::setLastSeenMany(const std::vector<std::string>& ids,
                                      std::int64_t lastSeenMs) {
  if (ids.empty()) return;
  writer_.run([ids, lastSeenMs](SqliteDb& db) {
    for (const auto& id : ids) {
      db.prepare("UPDATE users SET last_seen = ?2 WHERE id = ?1")
          .bind(1, id)
          .bind(2, lastSeenMs)
          .run();
    }
  });
}

}  // namespace gc::store::sqlite
