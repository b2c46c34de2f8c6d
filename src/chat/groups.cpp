#include "chat/groups.hpp"

#include <algorithm>
#include <functional>
#include <future>

#include "chat/group_json.hpp"
#include "chat/json_encode.hpp"
#include "chat/validation.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json_string.hpp"
#include "core/time_format.hpp"

namespace gc::chat {
namespace {

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

bool hasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) == 0x7f;
  });
}

std::string validName(std::string_view raw, const GroupLimits& limits) {
  const auto name = trim(raw);
  if (name.empty() || codePoints(name) > limits.maxNameChars) {
    throw core::invalidField("name",
                             "must be 1-" + std::to_string(limits.maxNameChars) + " characters");
  }
  if (hasControl(name)) throw core::invalidField("name", "must not contain control characters");
  return std::string(name);
}

std::string validDescription(std::string_view raw, const GroupLimits& limits) {
  const auto d = trim(raw);
  if (codePoints(d) > limits.maxDescriptionChars) {
    throw core::invalidField(
        "description",
        "must be at most " + std::to_string(limits.maxDescriptionChars) + " characters");
  }
  return std::string(d);
}

// An avatar is shown as an image by clients: only web URLs or a path on this server, so a
// `javascript:` or `data:` value can never reach a page.
std::string validAvatar(std::string_view avatar, const GroupLimits& limits) {
  if (avatar.empty()) return {};
  const bool web = avatar.starts_with("https://") || avatar.starts_with("http://") ||
                   (avatar.starts_with("/") && !avatar.starts_with("//"));
  if (!web || avatar.size() > limits.maxAvatarBytes || hasControl(avatar) ||
      avatar.find(' ') != std::string_view::npos) {
    throw core::invalidField("avatar", "must be an http(s) URL or a path of at most " +
                                           std::to_string(limits.maxAvatarBytes) + " bytes");
  }
  return std::string(avatar);
}

void checkMembersCap(std::int64_t cap, const GroupLimits& limits) {
  if (cap < limits.minMembersCap || cap > limits.maxMembersCap) {
    throw core::invalidField("settings.maxMembers",
                             "must be an integer from " + std::to_string(limits.minMembersCap) +
                                 " to " + std::to_string(limits.maxMembersCap));
  }
}

// `actor` did something to `user`: the metadata machines read.
std::string metadataFor(std::string_view event, const std::string& actorId,
                        const std::string& userId, std::string_view extra) {
  std::string m = defaultMetadataJson();
  m.pop_back();
  m += ",\"event\":";
  core::appendJsonString(m, event);
  m += ",\"actorId\":";
  core::appendJsonString(m, actorId);
  if (!userId.empty()) {
    m += ",\"userId\":";
    core::appendJsonString(m, userId);
  }
  m += extra;
  m += '}';
  return m;
}

std::string jsonField(std::string_view key, std::string_view value) {
  std::string out = ",";
  core::appendJsonString(out, key);
  out += ':';
  core::appendJsonString(out, value);
  return out;
}

}  // namespace

GroupService::GroupService(store::Store& store, broker::Broker& broker, MessageService& messages,
                           GroupDirectory& directory, GroupLimits limits)
    : store_(store), broker_(broker), messages_(messages), directory_(directory), limits_(limits) {}

void GroupService::load() {
  directory_.load(store_.groups().all());
}

std::mutex& GroupService::lockFor(const std::string& groupId) {
  return locks_[std::hash<std::string>{}(groupId) % locks_.size()];
}

std::shared_ptr<const GroupEntry> GroupService::existing(const std::string& groupId) const {
  if (!core::isId(groupId)) throw core::notFound("group not found");
  auto entry = directory_.find(groupId);
  // Another instance may have created it a moment ago (scale-out): the store decides.
  if (!entry) entry = directory_.replace(groupId, store_.groups().byId(groupId));
  if (!entry) throw core::notFound("group not found");
  return entry;
}

std::shared_ptr<const GroupEntry> GroupService::asAdmin(const std::string& actorId,
                                                        const std::string& groupId) const {
  auto entry = existing(groupId);
  if (!entry->isAdmin(actorId)) throw core::forbidden("only a group admin can do this");
  return entry;
}

void GroupService::reload(const std::string& groupId) {
  // Not under the group's lock: this instance's own changes reach here while they hold it
  // (the broker hands events to local subscribers at once). It reads what is committed now.
  directory_.replace(groupId, store_.groups().byId(groupId));
}

store::Group GroupService::refresh(const std::string& groupId) {
  auto group = store_.groups().byId(groupId);
  if (!group) throw std::logic_error("group vanished while its lock was held");
  directory_.put(*group);
  return *group;
}

std::string GroupService::nameOf(const std::string& userId) {
  auto user = store_.users().byId(userId);
  return user ? user->username : std::string("someone");
}

GroupService::Event GroupService::memberEvent(std::string_view event, const std::string& actorId,
                                              const std::string& userId, std::string sentence,
                                              std::string_view extra) {
  return Event{.body = std::move(sentence), .metadata = metadataFor(event, actorId, userId, extra)};
}

void GroupService::announce(const std::string& actorId, const store::Group& group,
                            const std::vector<Event>& events,
                            const std::vector<std::string>& alsoTell) {
  const auto groupId = group.id;
  // Runs after the last event's message was published (on the commit thread) or at once:
  // the members as they are then, plus whoever was removed.
  store::Group gone = group;  // what a removed member hears when the group itself is deleted
  gone.members.clear();
  auto tellEveryone = [this, groupId, alsoTell, gone = std::move(gone)] {
    const auto entry = directory_.find(groupId);
    std::vector<std::string> users = entry ? entry->memberIds : std::vector<std::string>{};
    for (const auto& u : alsoTell) {
      if (std::find(users.begin(), users.end(), u) == users.end()) users.push_back(u);
    }
    broker_.publish(broker::Delivery{.userIds = std::move(users),
                                     .frame = std::make_shared<const std::string>(
                                         encodeGroupUpdatedFrame(entry ? entry->group : gone)),
                                     .exceptConnection = 0,
                                     .sharedUserIds = nullptr,
                                     .conversationId = {},
                                     .seq = 0,
                                     .groupChanged = groupId});
  };
  if (events.empty()) {
    tellEveryone();
    return;
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    const bool last = i + 1 == events.size();
    std::promise<void> committed;
    messages_.sendSystem(
        actorId, groupId, events[i].body, events[i].metadata,
        [&committed, last, &tellEveryone](const SendOutcome&, const std::exception_ptr& error) {
          if (error) {
            committed.set_exception(error);
            return;
          }
          if (last) tellEveryone();
          committed.set_value();
        });
    committed.get_future().get();
  }
}

store::Group GroupService::create(const std::string& actorId, const GroupFields& fields) {
  if (!fields.name) throw core::invalidField("name", "is required");
  const auto now = core::nowMs();
  store::Group g;
  g.id = core::newId();
  g.name = validName(*fields.name, limits_);
  g.description = validDescription(fields.description.value_or(""), limits_);
  g.avatar = validAvatar(fields.avatar.value_or(""), limits_);
  g.settings.isPublic = fields.isPublic.value_or(false);
  g.settings.allowInvites = fields.allowInvites.value_or(false);
  const auto cap = fields.maxMembers.value_or(limits_.defaultMembersCap);
  checkMembersCap(cap, limits_);
  g.settings.maxMembers = static_cast<int>(cap);
  g.createdAtMs = now;
  g.updatedAtMs = now;
  g.members.push_back({.userId = actorId, .role = "admin", .joinedAtMs = now});

  std::lock_guard lock(lockFor(g.id));
  store_.groups().create(g);
  directory_.put(g);
  // The first message starts the conversation, so the group is in its creator's list at once.
  announce(actorId, g,
           {memberEvent("group-created", actorId, {}, nameOf(actorId) + " created the group",
                        jsonField("name", g.name))},
           {});
  return directory_.find(g.id)->group;
}

store::Group GroupService::view(const std::string& actorId, const std::string& groupId) const {
  auto entry = existing(groupId);
  if (!entry->isMember(actorId) && !entry->group.settings.isPublic) {
    throw core::forbidden("this group is private");
  }
  return entry->group;
}

std::vector<store::Group> GroupService::discover(const std::string& query,
                                                 const std::string& beforeId, int limit) {
  return store_.groups().searchPublic(query, beforeId, limit);
}

std::vector<store::Group> GroupService::mine(const std::string& actorId) {
  return store_.groups().forUser(actorId);
}

store::Group GroupService::update(const std::string& actorId, const std::string& groupId,
                                  const GroupFields& fields) {
  std::lock_guard lock(lockFor(groupId));
  const auto entry = asAdmin(actorId, groupId);
  store::Group g = entry->group;
  if (fields.name) g.name = validName(*fields.name, limits_);
  if (fields.description) g.description = validDescription(*fields.description, limits_);
  if (fields.avatar) g.avatar = validAvatar(*fields.avatar, limits_);
  if (fields.isPublic) g.settings.isPublic = *fields.isPublic;
  if (fields.allowInvites) g.settings.allowInvites = *fields.allowInvites;
  if (fields.maxMembers) {
    checkMembersCap(*fields.maxMembers, limits_);
    if (*fields.maxMembers < static_cast<std::int64_t>(g.members.size())) {
      throw core::invalidField("settings.maxMembers",
                               "must not be below the current number of members (" +
                                   std::to_string(g.members.size()) + ")");
    }
    g.settings.maxMembers = static_cast<int>(*fields.maxMembers);
  }
  const auto& old = entry->group;
  const bool renamed = g.name != old.name;
  if (!renamed && g.description == old.description && g.avatar == old.avatar &&
      g.settings.isPublic == old.settings.isPublic &&
      g.settings.allowInvites == old.settings.allowInvites &&
      g.settings.maxMembers == old.settings.maxMembers) {
    return old;  // nothing changed: nothing to store or announce
  }
  g.updatedAtMs = std::max(core::nowMs(), old.updatedAtMs);
  store_.groups().update(g);
  auto after = refresh(groupId);
  std::vector<Event> events;
  if (renamed) {
    events.push_back(memberEvent("group-renamed", actorId, {},
                                 nameOf(actorId) + " renamed the group to " + g.name,
                                 jsonField("name", g.name) + jsonField("previousName", old.name)));
  }
  announce(actorId, after, events, {});
  return directory_.find(groupId)->group;
}

store::Group GroupService::join(const std::string& actorId, const std::string& groupId) {
  std::lock_guard lock(lockFor(groupId));
  const auto entry = existing(groupId);
  if (entry->isMember(actorId)) return entry->group;  // joining twice changes nothing
  if (!entry->group.settings.isPublic) {
    throw core::forbidden("this group is private: a member has to add you");
  }
  const auto now = core::nowMs();
  store_.groups().addMember(groupId, {.userId = actorId, .role = "member", .joinedAtMs = now}, now);
  auto after = refresh(groupId);
  announce(actorId, after,
           {memberEvent("member-joined", actorId, actorId, nameOf(actorId) + " joined the group")},
           {});
  return directory_.find(groupId)->group;
}

void GroupService::leave(const std::string& actorId, const std::string& groupId) {
  std::lock_guard lock(lockFor(groupId));
  const auto entry = existing(groupId);
  if (!entry->isMember(actorId)) throw core::forbidden("you are not a member of this group");
  const auto& members = entry->group.members;
  if (members.size() == 1) {
    // The last member leaves: the group goes with them (its history stays on disk,
    // unreachable, since nobody can be a member of a group that no longer exists).
    store_.groups().remove(groupId);
    directory_.erase(groupId);
    announce(actorId, entry->group, {}, {actorId});
    return;
  }
  // The last admin leaves: the oldest remaining member takes over, so a group always has one.
  std::optional<std::string> heir;
  const bool lastAdmin = entry->isAdmin(actorId) &&
                         std::count_if(members.begin(), members.end(),
                                       [](const auto& m) { return m.role == "admin"; }) == 1;
  if (lastAdmin) {
    for (const auto& m : members) {
      if (m.userId != actorId) {
        heir = m.userId;
        break;
      }
    }
  }
  store_.groups().removeMember(groupId, actorId, heir, core::nowMs());
  auto after = refresh(groupId);
  std::vector<Event> events{
      memberEvent("member-left", actorId, actorId, nameOf(actorId) + " left the group")};
  if (heir) {
    events.push_back(
        memberEvent("role-changed", actorId, *heir, nameOf(*heir) + " is now an admin",
                    jsonField("role", "admin") + jsonField("reason", "last-admin-left")));
  }
  announce(actorId, after, events, {actorId});
}

store::Group GroupService::addMember(const std::string& actorId, const std::string& groupId,
                                     const std::string& userId) {
  std::lock_guard lock(lockFor(groupId));
  const auto entry = existing(groupId);
  if (!entry->isMember(actorId)) throw core::forbidden("you are not a member of this group");
  if (!entry->isAdmin(actorId) && !entry->group.settings.allowInvites) {
    throw core::forbidden("only a group admin can add members to this group");
  }
  if (!core::isId(userId) || !store_.users().byId(userId)) throw core::notFound("user not found");
  if (entry->isMember(userId)) {
    throw core::conflict("already_member", "userId: already a member of this group");
  }
  const auto now = core::nowMs();
  store_.groups().addMember(groupId, {.userId = userId, .role = "member", .joinedAtMs = now}, now);
  auto after = refresh(groupId);
  messages_.rememberUser(userId);
  announce(
      actorId, after,
      {memberEvent("member-added", actorId, userId, nameOf(actorId) + " added " + nameOf(userId))},
      {});
  return directory_.find(groupId)->group;
}

std::optional<store::Group> GroupService::removeMember(const std::string& actorId,
                                                       const std::string& groupId,
                                                       const std::string& userId) {
  if (userId == actorId) {
    leave(actorId, groupId);
    return std::nullopt;
  }
  std::lock_guard lock(lockFor(groupId));
  const auto entry = asAdmin(actorId, groupId);
  if (!entry->isMember(userId)) throw core::notFound("member not found");
  // The actor is an admin and stays, so the group keeps an admin.
  store_.groups().removeMember(groupId, userId, std::nullopt, core::nowMs());
  auto after = refresh(groupId);
  announce(actorId, after,
           {memberEvent("member-removed", actorId, userId,
                        nameOf(actorId) + " removed " + nameOf(userId))},
           {userId});
  return directory_.find(groupId)->group;
}

store::Group GroupService::setRole(const std::string& actorId, const std::string& groupId,
                                   const std::string& userId, const std::string& role) {
  if (role != "admin" && role != "member")
    throw core::invalidField("role", "must be admin or member");
  std::lock_guard lock(lockFor(groupId));
  const auto entry = asAdmin(actorId, groupId);
  const auto it = entry->roles.find(userId);
  if (it == entry->roles.end()) throw core::notFound("member not found");
  if (it->second == role) return entry->group;  // already so: nothing to announce
  if (role == "member") {
    const auto admins = std::count_if(entry->group.members.begin(), entry->group.members.end(),
                                      [](const auto& m) { return m.role == "admin"; });
    if (admins == 1) {
      throw core::conflict("last_admin", "the group needs an admin: make someone else admin first");
    }
  }
  store_.groups().setRole(groupId, userId, role, core::nowMs());
  auto after = refresh(groupId);
  announce(actorId, after,
           {memberEvent(
               "role-changed", actorId, userId,
               nameOf(userId) + (role == "admin" ? " is now an admin" : " is no longer an admin"),
               jsonField("role", role))},
           {});
  return directory_.find(groupId)->group;
}

}  // namespace gc::chat
