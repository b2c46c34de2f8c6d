#pragma once
// The membership cache: every group and its members, in memory, so that the send path
// authorizes and fans out a group message without a store query.
//
// It is authoritative on this instance: it is loaded from the store at start-up and every
// change to a group (all of which go through GroupService) replaces the group's entry right
// after the change committed. Entries are immutable snapshots shared by pointer, so a
// reader holds the lock only to copy the pointer, and a change never edits what a reader
// is looking at.
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/types.hpp"

namespace gc::chat {

struct GroupEntry {
  store::Group group;
  std::unordered_map<std::string, std::string> roles;  // member user id → role
  std::vector<std::string> memberIds;                  // in the group's member order

  bool isMember(const std::string& userId) const { return roles.contains(userId); }
  bool isAdmin(const std::string& userId) const;
};

// The entry's member list, alive as long as the entry is: a message's recipients, not copied.
std::shared_ptr<const std::vector<std::string>> sharedMemberIds(
    std::shared_ptr<const GroupEntry> entry);

class GroupDirectory {
 public:
  // nullptr when no such group exists (it was never created, or its last member left).
  std::shared_ptr<const GroupEntry> find(const std::string& groupId) const;
  // Replaces the group's entry (or adds it).
  void put(store::Group group);
  void erase(const std::string& groupId);
  // The group as the store has it now (read by the caller; nullopt: gone): put or erased.
  // Returns the new entry (nullptr when gone). For groups other instances change (scale-out).
  std::shared_ptr<const GroupEntry> replace(const std::string& groupId,
                                            std::optional<store::Group> group);
  void load(std::vector<store::Group> groups);
  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const GroupEntry>> groups_;
};

}  // namespace gc::chat
