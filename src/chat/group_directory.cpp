#include "chat/group_directory.hpp"

#include <mutex>

namespace gc::chat {
namespace {

std::shared_ptr<const GroupEntry> makeEntry(store::Group group) {
  auto entry = std::make_shared<GroupEntry>();
  entry->roles.reserve(group.members.size());
  entry->memberIds.reserve(group.members.size());
  for (const auto& m : group.members) {
    entry->roles.emplace(m.userId, m.role);
    entry->memberIds.push_back(m.userId);
  }
  entry->group = std::move(group);
  return entry;
}

}  // namespace

bool GroupEntry::isAdmin(const std::string& userId) const {
  auto it = roles.find(userId);
  return it != roles.end() && it->second == "admin";
}

std::shared_ptr<const std::vector<std::string>> sharedMemberIds(
    std::shared_ptr<const GroupEntry> entry) {
  if (!entry) return nullptr;
  const auto* members = &entry->memberIds;
  return {std::move(entry), members};  // aliasing: shares the entry's ownership
}

std::shared_ptr<const GroupEntry> GroupDirectory::find(const std::string& groupId) const {
  std::shared_lock lock(mutex_);
  auto it = groups_.find(groupId);
  return it == groups_.end() ? nullptr : it->second;
}

void GroupDirectory::put(store::Group group) {
  auto entry = makeEntry(std::move(group));  // built outside the lock
  std::unique_lock lock(mutex_);
  groups_[entry->group.id] = std::move(entry);
}

std::shared_ptr<const GroupEntry> GroupDirectory::replace(const std::string& groupId,
                                                          std::optional<store::Group> group) {
  if (!group) {
    erase(groupId);
    return nullptr;
  }
  auto entry = makeEntry(std::move(*group));
  std::unique_lock lock(mutex_);
  groups_[groupId] = entry;
  return entry;
}

void GroupDirectory::erase(const std::string& groupId) {
  std::shared_ptr<const GroupEntry> gone;  // freed outside the lock
  std::unique_lock lock(mutex_);
  if (auto it = groups_.find(groupId); it != groups_.end()) {
    gone = std::move(it->second);
    groups_.erase(it);
  }
}

void GroupDirectory::load(std::vector<store::Group> groups) {
  for (auto& g : groups) put(std::move(g));
}

std::size_t GroupDirectory::size() const {
  std::shared_lock lock(mutex_);
  return groups_.size();
}

}  // namespace gc::chat
