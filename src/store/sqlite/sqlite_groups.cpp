#include "core/ascii.hpp"
#include "core/error.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gc::store::sqlite {
namespace {

// Names are matched ASCII case-insensitively (SQLite's own lower() folds only ASCII too).
using core::asciiLower;

std::string conversationOf(std::string_view groupId) {
  return "grp_" + std::string(groupId);
}

#define GC_GROUP_COLUMNS                                                               \
  "id, name, description, avatar, is_public, allow_invites, max_members, created_at, " \
  "updated_at"

Group readGroup(const Statement& row) {
  Group g;
  g.id = row.text(0);
  g.name = row.text(1);
  g.description = row.text(2);
  g.avatar = row.text(3);
  g.settings.isPublic = row.int64(4) != 0;
  g.settings.allowInvites = row.int64(5) != 0;
  g.settings.maxMembers = static_cast<int>(row.int64(6));
  g.createdAtMs = row.int64(7);
  g.updatedAtMs = row.int64(8);
  return g;
}

void loadMembers(SqliteDb& db, Group& g) {
  auto& q = db.prepare(
                  "SELECT user_id, role, joined_at FROM group_members WHERE group_id = ?1"
                  " ORDER BY joined_at, user_id")
                .bind(1, g.id);
  while (q.step()) {
    g.members.push_back(
        GroupMember{.userId = q.text(0), .role = q.text(1), .joinedAtMs = q.int64(2)});
  }
}

// Runs a query of GC_GROUP_COLUMNS rows, then each group's members (on the same connection,
// after the group rows are read, so the two statements never interleave).
std::vector<Group> readGroups(SqliteDb& db, Statement& q) {
  std::vector<Group> out;
  while (q.step()) out.push_back(readGroup(q));
  for (auto& g : out) loadMembers(db, g);
  return out;
}

void insertMember(SqliteDb& db, std::string_view groupId, const GroupMember& m) {
  // Join order decides who inherits the group when its last admin leaves, and members are
  // listed by joined_at: two joins in one millisecond must still keep their order, so
  // joined_at never repeats within a group.
  db.prepare(
        "INSERT INTO group_members (group_id, user_id, role, joined_at)"
        " SELECT ?1, ?2, ?3, max(?4, coalesce(max(joined_at) + 1, ?4))"
        " FROM group_members WHERE group_id = ?1")
      .bind(1, groupId)
      .bind(2, m.userId)
      .bind(3, m.role)
      .bind(4, m.joinedAtMs)
      .run();
  db.prepare(
        "INSERT OR IGNORE INTO conversation_members (user_id, conversation_id) VALUES (?1, ?2)")
      .bind(1, m.userId)
      .bind(2, conversationOf(groupId))
      .run();
}

void touch(SqliteDb& db, std::string_view groupId, std::int64_t updatedAtMs) {
  db.prepare("UPDATE chat_groups SET updated_at = max(updated_at, ?2) WHERE id = ?1")
      .bind(1, groupId)
      .bind(2, updatedAtMs)
      .run();
}

}  // namespace

void SqliteGroupStore::create(const Group& group) {
  writer_.run([group](SqliteDb& db) {
    db.prepare("INSERT INTO chat_groups (" GC_GROUP_COLUMNS
               ", name_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")
        .bind(1, group.id)
        .bind(2, group.name)
        .bind(3, group.description)
        .bind(4, group.avatar)
        .bind(5, std::int64_t{group.settings.isPublic})
        .bind(6, std::int64_t{group.settings.allowInvites})
        .bind(7, std::int64_t{group.settings.maxMembers})
        .bind(8, group.createdAtMs)
        .bind(9, group.updatedAtMs)
        .bind(10, asciiLower(group.name))
        .run();
    for (const auto& m : group.members) insertMember(db, group.id, m);
  });
}

std::optional<Group> SqliteGroupStore::byId(std::string_view id) {
  return readers_.with([id](SqliteDb& db) {
    auto g = db.prepare("SELECT " GC_GROUP_COLUMNS " FROM chat_groups WHERE id = ?1")
                 .bind(1, id)
                 .one(readGroup);
    if (g) loadMembers(db, *g);
    return g;
  });
}

std::vector<Group> SqliteGroupStore::all() {
  return readers_.with([](SqliteDb& db) {
    return readGroups(db, db.prepare("SELECT " GC_GROUP_COLUMNS " FROM chat_groups ORDER BY id"));
  });
}

std::vector<Group> SqliteGroupStore::forUser(std::string_view userId) {
  return readers_.with([userId](SqliteDb& db) {
    return readGroups(db, db.prepare("SELECT " GC_GROUP_COLUMNS " FROM chat_groups WHERE id IN"
                                     " (SELECT group_id FROM group_members WHERE user_id = ?1)"
                                     " ORDER BY id DESC")
                              .bind(1, userId));
  });
}

std::vector<Group> SqliteGroupStore::searchPublic(std::string_view query, std::string_view beforeId,
                                                  int limit) {
  const std::string key = asciiLower(query);
  // Ids are 24 lowercase hex characters, so "g" sorts after every one of them.
  const std::string upper = beforeId.empty() ? std::string("g") : std::string(beforeId);
  return readers_.with([&key, &upper, limit](SqliteDb& db) {
    return readGroups(db, db.prepare("SELECT " GC_GROUP_COLUMNS
                                     " FROM chat_groups WHERE is_public = 1 AND id < ?1"
                                     " AND instr(name_key, ?2) > 0 ORDER BY id DESC LIMIT ?3")
                              .bind(1, upper)
                              .bind(2, key)
                              .bind(3, std::int64_t{limit}));
  });
}

void SqliteGroupStore::update(const Group& group) {
  writer_.run([group](SqliteDb& db) {
    db.prepare(
          "UPDATE chat_groups SET name = ?2, name_key = ?3, description = ?4, avatar = ?5,"
          " is_public = ?6, allow_invites = ?7, max_members = ?8, updated_at = ?9 WHERE id = ?1")
        .bind(1, group.id)
        .bind(2, group.name)
        .bind(3, asciiLower(group.name))
        .bind(4, group.description)
        .bind(5, group.avatar)
        .bind(6, std::int64_t{group.settings.isPublic})
        .bind(7, std::int64_t{group.settings.allowInvites})
        .bind(8, std::int64_t{group.settings.maxMembers})
        .bind(9, group.updatedAtMs)
        .run();
  });
}

void SqliteGroupStore::addMember(std::string_view groupId, const GroupMember& member,
                                 std::int64_t updatedAtMs) {
  writer_.run([gid = std::string(groupId), member, updatedAtMs](SqliteDb& db) {
    // Inside the writer's transaction: two joins racing for the last seat cannot both pass.
    auto room = db.prepare(
                      "SELECT max_members, (SELECT count(*) FROM group_members WHERE group_id = ?1)"
                      " FROM chat_groups WHERE id = ?1")
                    .bind(1, gid)
                    .one([](const Statement& s) { return std::pair(s.int64(0), s.int64(1)); });
    if (!room) throw core::notFound("group not found");
    const bool already =
        db.prepare("SELECT 1 FROM group_members WHERE group_id = ?1 AND user_id = ?2")
            .bind(1, gid)
            .bind(2, member.userId)
            .one([](const Statement&) { return true; })
            .has_value();
    if (already) throw core::conflict("already_member", "userId: already a member of this group");
    if (room->second >= room->first) {
      throw core::conflict("group_full", "the group has reached its maximum number of members");
    }
    insertMember(db, gid, member);
    touch(db, gid, updatedAtMs);
  });
}

void SqliteGroupStore::removeMember(std::string_view groupId, std::string_view userId,
                                    const std::optional<std::string>& promote,
                                    std::int64_t updatedAtMs) {
  writer_.run(
      [gid = std::string(groupId), user = std::string(userId), promote, updatedAtMs](SqliteDb& db) {
        db.prepare("DELETE FROM group_members WHERE group_id = ?1 AND user_id = ?2")
            .bind(1, gid)
            .bind(2, user)
            .run();
        db.prepare("DELETE FROM conversation_members WHERE user_id = ?1 AND conversation_id = ?2")
            .bind(1, user)
            .bind(2, conversationOf(gid))
            .run();
        if (promote) {
          db.prepare("UPDATE group_members SET role = 'admin' WHERE group_id = ?1 AND user_id = ?2")
              .bind(1, gid)
              .bind(2, *promote)
              .run();
        }
        touch(db, gid, updatedAtMs);
      });
}

void SqliteGroupStore::setRole(std::string_view groupId, std::string_view userId,
                               std::string_view role, std::int64_t updatedAtMs) {
  writer_.run([gid = std::string(groupId), user = std::string(userId), role = std::string(role),
               updatedAtMs](SqliteDb& db) {
    db.prepare("UPDATE group_members SET role = ?3 WHERE group_id = ?1 AND user_id = ?2")
        .bind(1, gid)
        .bind(2, user)
        .bind(3, role)
        .run();
    if (sqlite3_changes(db.handle()) == 0) throw core::notFound("member not found");
    touch(db, gid, updatedAtMs);
  });
}

void SqliteGroupStore::remove(std::string_view groupId) {
  writer_.run([gid = std::string(groupId)](SqliteDb& db) {
    db.prepare("DELETE FROM group_members WHERE group_id = ?1").bind(1, gid).run();
    db.prepare("DELETE FROM conversation_members WHERE conversation_id = ?1")
        .bind(1, conversationOf(gid))
        .run();
    db.prepare("DELETE FROM chat_groups WHERE id = ?1").bind(1, gid).run();
  });
}

}  // namespace gc::store::sqlite
