#include "core/ascii.hpp"
#include "core/error.hpp"
#include "store/postgres/pg_sql.hpp"
#include "store/postgres/pg_store.hpp"

namespace gc::store::postgres {
namespace {

// Usernames are ASCII by rule; emails compare case-insensitively on their ASCII letters.
using core::asciiLower;

std::optional<User> readUser(const PgResult& rows) {
  if (rows.empty()) return std::nullopt;
  return User{.id = rows.text(0, 0),
              .username = rows.text(0, 1),
              .email = rows.text(0, 2),
              .passwordHash = rows.text(0, 3),
              .avatar = rows.text(0, 4),
              .createdAtMs = rows.int64(0, 5),
              .lastSeenMs = rows.optionalInt64(0, 6)};
}

std::vector<User> readUsers(const PgResult& rows) {
  std::vector<User> out;
  for (int i = 0; i < rows.rows(); ++i) {
    out.push_back(User{.id = rows.text(i, 0),
                       .username = rows.text(i, 1),
                       .email = rows.text(i, 2),
                       .passwordHash = rows.text(i, 3),
                       .avatar = rows.text(i, 4),
                       .createdAtMs = rows.int64(i, 5),
                       .lastSeenMs = rows.optionalInt64(i, 6)});
  }
  return out;
}

core::ApiError usernameTaken() {
  return core::conflict("username_taken", "username: already taken");
}

core::ApiError emailTaken() {
  return core::conflict("email_taken", "email: already registered");
}

}  // namespace

void PgUserStore::create(const User& u) {
  pool_.transaction([&u](PgConnection& conn) {
    // Checked first so that a name and an email both taken report the name, as on SQLite;
    // two registrations racing past the checks meet the unique constraints instead.
    if (!conn.query(sql::kUsernameTaken, asciiLower(u.username)).empty()) throw usernameTaken();
    if (!conn.query(sql::kEmailTaken, asciiLower(u.email)).empty()) throw emailTaken();
    try {
      conn.query(sql::kInsertUser, u.id, u.username, asciiLower(u.username), u.email,
                 asciiLower(u.email), u.passwordHash, u.avatar, u.createdAtMs);
    } catch (const PgError& e) {
      if (!e.isUniqueViolation()) throw;
      if (e.constraint() == "users_username_key_unique") throw usernameTaken();
      if (e.constraint() == "users_email_key_unique") throw emailTaken();
      throw;
    }
  });
}

int PgUserStore::createMissing(const std::vector<User>& users) {
  return pool_.transaction([&users](PgConnection& conn) {
    int created = 0;
    for (const auto& u : users) {
      created += static_cast<int>(conn.query(sql::kInsertUserUnlessTaken, u.id, u.username,
                                             asciiLower(u.username), u.email, asciiLower(u.email),
                                             u.passwordHash, u.avatar, u.createdAtMs)
                                      .affected());
    }
    return created;
  });
}

std::optional<User> PgUserStore::byId(std::string_view id) {
  return pool_.with([id](PgConnection& conn) { return readUser(conn.query(sql::kUserById, id)); });
}

std::optional<User> PgUserStore::byLogin(std::string_view login) {
  const std::string key = asciiLower(login);
  return pool_.with([&key](PgConnection& conn) {
    const char* sql = key.find('@') == std::string::npos ? sql::kUserByName : sql::kUserByEmail;
    return readUser(conn.query(sql, key));
  });
}

std::vector<User> PgUserStore::searchByPrefix(std::string_view prefix, int limit) {
  const std::string key = asciiLower(prefix);
  return pool_.with([&key, limit](PgConnection& conn) {
    // Usernames are [a-z0-9_] once folded, all below '~' (the key's collation is "C"): the
    // range is exactly the prefix, and it uses the unique index.
    return readUsers(conn.query(sql::kUsersByPrefix, key, key + "~", std::int64_t{limit}));
  });
}

void PgUserStore::setLastSeen(std::string_view id, std::int64_t lastSeenMs) {
  pool_.with([&](PgConnection& conn) { conn.query(sql::kSetLastSeen, id, lastSeenMs); });
}

void PgUserStore::setLastSeenMany(const std::vector<std::string>& ids, std::int64_t lastSeenMs) {
  if (ids.empty()) return;
  pool_.with(
      [&](PgConnection& conn) { conn.query(sql::kSetLastSeenMany, pgArray(ids), lastSeenMs); });
}

}  // namespace gc::store::postgres
