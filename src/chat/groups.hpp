#pragma once
// Groups: the rules for creating, finding and changing groups and their members. Every
// change commits to the store, then replaces the group in the membership cache (so the send
// path sees it from that moment), then is announced: a `system` message in the group's
// history for membership changes and renames, and a `group-updated` event to every member
// (and to whoever was removed, so their client can drop the group).
//
// All calls block (store writes, and waiting for the system message to commit): run them
// on the blocking pool. Errors are core::ApiError.
#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker.hpp"
#include "chat/group_directory.hpp"
#include "chat/messages.hpp"
#include "store/store.hpp"

namespace gc::chat {

// The client-settable fields of a group, as parsed from a request body. Unset: not given
// (create uses the defaults, update leaves the value alone).
struct GroupFields {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<std::string> avatar;
  std::optional<bool> isPublic;
  std::optional<bool> allowInvites;
  std::optional<std::int64_t> maxMembers;
};

struct GroupLimits {
  std::size_t maxNameChars = 100;
  std::size_t maxDescriptionChars = 1000;
  std::size_t maxAvatarBytes = 2048;
  std::int64_t minMembersCap = 2;
  std::int64_t maxMembersCap = 10000;
  std::int64_t defaultMembersCap = 1000;
};

class GroupService {
 public:
  GroupService(store::Store& store, broker::Broker& broker, MessageService& messages,
               GroupDirectory& directory, GroupLimits limits = {});

  // Start-up: fills the membership cache from the store.
  void load();
  // Blocking: re-reads the group into the membership cache (another instance changed it:
  // scale-out); a group that is gone leaves the cache.
  void reload(const std::string& groupId);
  // The cached group (nullptr: none); non-blocking.
  std::shared_ptr<const GroupEntry> cached(const std::string& groupId) const {
    return directory_.find(groupId);
  }

  store::Group create(const std::string& actorId, const GroupFields& fields);
  // A member sees any group; anyone sees a public group. 404 unknown, 403 otherwise.
  store::Group view(const std::string& actorId, const std::string& groupId) const;
  // Public groups whose name contains `query`, newest first, ids below `beforeId`.
  std::vector<store::Group> discover(const std::string& query, const std::string& beforeId,
                                     int limit);
  std::vector<store::Group> mine(const std::string& actorId);

  store::Group update(const std::string& actorId, const std::string& groupId,
                      const GroupFields& fields);
  store::Group join(const std::string& actorId, const std::string& groupId);
  void leave(const std::string& actorId, const std::string& groupId);
  store::Group addMember(const std::string& actorId, const std::string& groupId,
                         const std::string& userId);
  // The admin removes someone (a kick); removing oneself is leaving. Returns the group after.
  std::optional<store::Group> removeMember(const std::string& actorId, const std::string& groupId,
                                           const std::string& userId);
  store::Group setRole(const std::string& actorId, const std::string& groupId,
                       const std::string& userId, const std::string& role);

 private:
  struct Event {
    std::string body;      // a sentence for people
    std::string metadata;  // the message's metadata object, with `event` for machines
  };

  std::mutex& lockFor(const std::string& groupId);
  std::shared_ptr<const GroupEntry> existing(const std::string& groupId) const;
  std::shared_ptr<const GroupEntry> asAdmin(const std::string& actorId,
                                            const std::string& groupId) const;
  // Reads the group back from the store into the cache; returns it.
  store::Group refresh(const std::string& groupId);
  // Appends the events as system messages (in order, each waiting for its commit), then
  // sends `group-updated` to the members and to `alsoTell`.
  void announce(const std::string& actorId, const store::Group& group,
                const std::vector<Event>& events, const std::vector<std::string>& alsoTell);
  std::string nameOf(const std::string& userId);
  Event memberEvent(std::string_view event, const std::string& actorId, const std::string& userId,
                    std::string sentence, std::string_view extra = {});

  store::Store& store_;
  broker::Broker& broker_;
  MessageService& messages_;
  GroupDirectory& directory_;
  GroupLimits limits_;
  // Changes to one group are serialized (check the rules against the cache, commit, update
  // the cache, announce), so the cache is exact when the rules are checked and the system
  // messages are in the order of the changes. Striped: unrelated groups rarely share a lock.
  std::array<std::mutex, 64> locks_;
};

}  // namespace gc::chat
