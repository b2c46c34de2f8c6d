#include <unordered_map>

#include "core/ascii.hpp"
#include "core/error.hpp"
#include "store/postgres/pg_sql.hpp"
#include "store/postgres/pg_store.hpp"

namespace gc::store::postgres {
namespace {

// Names are matched ASCII case-insensitively, as on SQLite.
using core::asciiLower;

std::string conversationOf(std::string_view groupId) {
  return "grp_" + std::string(groupId);
}

// Rows of GC_PG_GROUP_COLUMNS, then every group's members in one more query.
std::vector<Group> readGroups(PgConnection& conn, const PgResult& rows) {
  std::vector<Group> out;
  std::vector<std::string> ids;
  for (int i = 0; i < rows.rows(); ++i) {
    Group g;
    g.id = rows.text(i, 0);
    g.name = rows.text(i, 1);
    g.description = rows.text(i, 2);
    g.avatar = rows.text(i, 3);
    g.settings.isPublic = rows.boolean(i, 4);
    g.settings.allowInvites = rows.boolean(i, 5);
    g.settings.maxMembers = static_cast<int>(rows.int64(i, 6));
    g.createdAtMs = rows.int64(i, 7);
    g.updatedAtMs = rows.int64(i, 8);
    ids.push_back(g.id);
    out.push_back(std::move(g));
  }
  if (out.empty()) return out;
  std::unordered_map<std::string, Group*> byId;
  for (auto& g : out) byId.emplace(g.id, &g);
  const auto members = conn.query(sql::kMembersOfGroups, pgArray(ids));
  for (int i = 0; i < members.rows(); ++i) {
    byId.at(members.text(i, 0))
        ->members.push_back(GroupMember{.userId = members.text(i, 1),
                                        .role = members.text(i, 2),
                                        .joinedAtMs = members.int64(i, 3)});
  }
  return out;
}

void insertMember(PgConnection& conn, std::string_view groupId, const GroupMember& m) {
  conn.query(sql::kInsertMember, groupId, m.userId, m.role, m.joinedAtMs);
  conn.query(sql::kAddConversationMember, m.userId, conversationOf(groupId));
}

}  // namespace

void PgGroupStore::create(const Group& group) {
  pool_.transaction([&group](PgConnection& conn) {
    conn.query(sql::kInsertGroup, group.id, group.name, group.description, group.avatar,
               group.settings.isPublic, group.settings.allowInvites,
               std::int64_t{group.settings.maxMembers}, group.createdAtMs, group.updatedAtMs,
               asciiLower(group.name));
    for (const auto& m : group.members) insertMember(conn, group.id, m);
  });
}

std::optional<Group> PgGroupStore::byId(std::string_view id) {
  return pool_.with([id](PgConnection& conn) -> std::optional<Group> {
    auto groups = readGroups(conn, conn.query(sql::kGroupById, id));
    if (groups.empty()) return std::nullopt;
    return std::move(groups.front());
  });
}

std::vector<Group> PgGroupStore::all() {
  return pool_.with(
      [](PgConnection& conn) { return readGroups(conn, conn.query(sql::kAllGroups)); });
}

std::vector<Group> PgGroupStore::forUser(std::string_view userId) {
  return pool_.with([userId](PgConnection& conn) {
    return readGroups(conn, conn.query(sql::kGroupsOfUser, userId));
  });
}

std::vector<Group> PgGroupStore::searchPublic(std::string_view query, std::string_view beforeId,
                                              int limit) {
  const std::string key = asciiLower(query);
  // Ids are 24 lowercase hex characters, so "g" sorts after every one of them.
  const std::string upper = beforeId.empty() ? std::string("g") : std::string(beforeId);
  return pool_.with([&](PgConnection& conn) {
    return readGroups(conn, conn.query(sql::kPublicGroups, upper, key, std::int64_t{limit}));
  });
}

void PgGroupStore::update(const Group& group) {
  pool_.with([&group](PgConnection& conn) {
    conn.query(sql::kUpdateGroup, group.id, group.name, asciiLower(group.name), group.description,
               group.avatar, group.settings.isPublic, group.settings.allowInvites,
               std::int64_t{group.settings.maxMembers}, group.updatedAtMs);
  });
}

void PgGroupStore::addMember(std::string_view groupId, const GroupMember& member,
                             std::int64_t updatedAtMs) {
  pool_.transaction([&](PgConnection& conn) {
    // The group's row lock, held to commit: joins racing for the last seat take turns.
    const auto group = conn.query(sql::kLockGroup, groupId);
    if (group.empty()) throw core::notFound("group not found");
    if (!conn.query(sql::kIsMember, groupId, member.userId).empty()) {
      throw core::conflict("already_member", "userId: already a member of this group");
    }
    if (conn.query(sql::kMemberCount, groupId).int64(0, 0) >= group.int64(0, 0)) {
      throw core::conflict("group_full", "the group has reached its maximum number of members");
    }
    insertMember(conn, groupId, member);
    conn.query(sql::kTouchGroup, groupId, updatedAtMs);
  });
}

void PgGroupStore::removeMember(std::string_view groupId, std::string_view userId,
                                const std::optional<std::string>& promote,
                                std::int64_t updatedAtMs) {
  pool_.transaction([&](PgConnection& conn) {
    conn.query(sql::kDeleteMember, groupId, userId);
    conn.query(sql::kDeleteConversationMember, userId, conversationOf(groupId));
    if (promote) conn.query(sql::kSetRole, groupId, *promote, "admin");
    conn.query(sql::kTouchGroup, groupId, updatedAtMs);
  });
}

void PgGroupStore::setRole(std::string_view groupId, std::string_view userId, std::string_view role,
                           std::int64_t updatedAtMs) {
  pool_.transaction([&](PgConnection& conn) {
    if (conn.query(sql::kSetRole, groupId, userId, role).affected() == 0) {
      throw core::notFound("member not found");
    }
    conn.query(sql::kTouchGroup, groupId, updatedAtMs);
  });
}

void PgGroupStore::remove(std::string_view groupId) {
  pool_.transaction([&](PgConnection& conn) {
    conn.query(sql::kDeleteMembers, groupId);
    conn.query(sql::kDeleteConversationMembers, conversationOf(groupId));
    conn.query(sql::kDeleteGroup, groupId);
  });
}

}  // namespace gc::store::postgres
