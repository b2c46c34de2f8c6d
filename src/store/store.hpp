#pragma once
// The Store: one interface of per-entity sub-stores, implemented once per backend
// (sqlite/, postgres/) and tested by one suite for every backend.
//
// Calls are blocking and must never run on a network thread: callers run them on the
// blocking pool. The exception is MessageStore::append, which is asynchronous so that
// many sends share one transaction (group commit).
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.hpp"

namespace gc::store {

class UserStore {
 public:
  virtual ~UserStore() = default;
  // Throws core::ApiError 409 username_taken / email_taken (case-insensitive).
  virtual void create(const User& user) = 0;
  // Creates the users that do not exist yet (by username or email); returns how many.
  virtual int createMissing(const std::vector<User>& users) = 0;
  virtual std::optional<User> byId(std::string_view id) = 0;
  // `login` is a username or an email, matched case-insensitively.
  virtual std::optional<User> byLogin(std::string_view login) = 0;
  // Usernames starting with `prefix` (case-insensitive), in username order.
  virtual std::vector<User> searchByPrefix(std::string_view prefix, int limit) = 0;
  // When the user's last connection went away (presence), kept across restarts.
  virtual void setLastSeen(std::string_view id, std::int64_t lastSeenMs) = 0;
  // The same for many users in one transaction (the users still connected at shutdown).
  virtual void setLastSeenMany(const std::vector<std::string>& ids, std::int64_t lastSeenMs) = 0;
};

class MessageStore {
 public:
  // Called exactly once per append, after the transaction holding the message committed
  // (or failed: then `error` is set). Callbacks run on the store's commit thread, in commit
  // order, so whatever they publish leaves in seq order: they must be quick and not block.
  using AppendCallback = std::function<void(AppendResult result, std::exception_ptr error)>;

  virtual ~MessageStore() = default;
  virtual void append(NewMessage message, AppendCallback done) = 0;
  // Runs `begin` before and `end` after the callbacks of each committed batch, on the
  // commit thread that runs them (a store may have several), so a caller can gather what the
  // callbacks produce and hand it on once per batch. Set once, before the first append.
  virtual void setBatchScope(std::function<void()> begin, std::function<void()> end) = 0;
  // Ascending seq. No cursor: the newest `limit`; `before`/`after` bound the window.
  virtual std::vector<Message> page(std::string_view conversationId, const PageQuery& q) = 0;
  virtual std::optional<Message> byId(std::string_view messageId) = 0;
  // Applies the change durably and returns the message as it is after it. Throws
  // core::ApiError: 404 unknown message, 409 conflict (a deleted message cannot be edited or
  // reacted to), 400 over a limit (too many distinct reactions).
  virtual Message change(const MessageChange& change) = 0;
  // The versions an edited message had before its current body, oldest first.
  virtual std::vector<MessageVersion> history(std::string_view messageId) = 0;
};

class ConversationStore {
 public:
  virtual ~ConversationStore() = default;
  // The user's conversations, most recent activity first, with unread counts.
  virtual std::vector<ConversationSummary> listForUser(std::string_view userId, int limit) = 0;
  // The ids of every conversation the user is in (DMs with a message, groups), no order.
  virtual std::vector<std::string> idsForUser(std::string_view userId) = 0;
  // 0 when the conversation has no message yet.
  virtual std::int64_t lastSeq(std::string_view conversationId) = 0;
};

class ReadMarkerStore {
 public:
  virtual ~ReadMarkerStore() = default;
  // Moves the marker forward only, clamped to the conversation's last seq; returns it.
  virtual std::int64_t advance(std::string_view userId, std::string_view conversationId,
                               std::int64_t seq) = 0;
  virtual std::int64_t get(std::string_view userId, std::string_view conversationId) = 0;
  // The markers of `userIds` in the conversation, in the order given; users who never read
  // it are left out. The caller names the users (the participants it may show), so a former
  // member's marker never leaks.
  virtual std::vector<ReadMarker> forUsers(std::string_view conversationId,
                                           const std::vector<std::string>& userIds) = 0;
};

// Friend requests, friendships and blocks. The rules that must hold under concurrent
// requests (one friendship per pair, no request across a block, a block ends the
// friendship) are decided inside one write transaction, so they throw ApiError.
class FriendshipStore {
 public:
  virtual ~FriendshipStore() = default;
  // A new pending request, or, when `recipient` already asked `requester`, that request
  // accepted. A rejected request is replaced by the new one. Throws 403 `blocked` when
  // either user blocked the other, 409 `already_friends` / `already_requested`.
  virtual FriendRequestResult request(std::string_view requester, std::string_view recipient,
                                      std::string_view newId, std::int64_t nowMs) = 0;
  // A pending request answered by its recipient: `status` is accepted or rejected. Throws
  // 404 when there is no such request or `actor` is not part of it, 403 when `actor` is
  // the requester, 409 `not_pending` when it was answered already.
  virtual Friendship respond(std::string_view id, std::string_view actor, std::string_view status,
                             std::int64_t nowMs) = 0;
  // Removes the pair's friendship or request, whatever its state; the removed row if any.
  virtual std::optional<Friendship> remove(std::string_view userA, std::string_view userB) = 0;
  virtual std::optional<Friendship> byId(std::string_view id) = 0;
  // Pending and accepted friendships that involve the user, newest change first.
  virtual std::vector<Friendship> forUser(std::string_view userId) = 0;
  // Every accepted friendship (loaded into memory at start-up).
  virtual std::vector<Friendship> allAccepted() = 0;
  // Provisioning (`admin create-friendships`): inserts each friendship as given, in one
  // transaction, unless its pair has a row already (in any status) or a block either way;
  // returns how many it inserted. Bypasses the request/accept rules and the events.
  virtual int createMissing(const std::vector<Friendship>& friendships) = 0;

  // Records the block (idempotent) and removes the pair's friendship in the same
  // transaction; returns the removed friendship if there was one.
  virtual std::optional<Friendship> block(std::string_view blocker, std::string_view blocked,
                                          std::int64_t nowMs) = 0;
  // False when there was no such block.
  virtual bool unblock(std::string_view blocker, std::string_view blocked) = 0;
  // The users `blocker` blocked, most recent first.
  virtual std::vector<std::string> blockedBy(std::string_view blocker) = 0;
  // Every block (loaded into memory at start-up).
  virtual std::vector<Block> allBlocks() = 0;
};

// Messages found by their text. The index follows the message store asynchronously, a
// fraction of a second behind: a message is found shortly after its ack, not at once.
class SearchStore {
 public:
  virtual ~SearchStore() = default;
  // At most `limit` messages, never deleted ones, never system messages.
  virtual std::vector<Message> search(const SearchQuery& query) = 0;
  // How many committed messages and changes are not indexed yet (for /metrics and tests).
  virtual std::int64_t backlog() = 0;
};

class RevokedTokenStore {
 public:
  virtual ~RevokedTokenStore() = default;
  virtual void revoke(std::string_view jti, std::int64_t expiresAtSec) = 0;
  // Every jti revoked and not yet expired at `nowSec` (loaded into memory at start-up).
  virtual std::vector<std::string> active(std::int64_t nowSec) = 0;
};

// Groups and their members. Every write also keeps the group conversation's rows in
// conversation_members in step (grp_<id>), in the same transaction, so the conversation
// list shows a group to exactly its members. The rules (who may do what) are the service's;
// the store only refuses what must hold even when two requests race (duplicates, maxMembers).
class GroupStore {
 public:
  virtual ~GroupStore() = default;
  // The group with its members (the creator as admin).
  virtual void create(const Group& group) = 0;
  virtual std::optional<Group> byId(std::string_view id) = 0;
  // Every group with its members: the membership cache is loaded from this at start-up.
  virtual std::vector<Group> all() = 0;
  // The groups `userId` is a member of, newest first.
  virtual std::vector<Group> forUser(std::string_view userId) = 0;
  // Public groups whose name contains `query` (ASCII case-insensitive; empty: all), newest
  // first, only ids below `beforeId` when it is not empty.
  virtual std::vector<Group> searchPublic(std::string_view query, std::string_view beforeId,
                                          int limit) = 0;
  // Name, description, avatar, settings and updatedAt; not the members.
  virtual void update(const Group& group) = 0;
  // Throws core::ApiError 409 already_member, 409 group_full (settings.maxMembers reached),
  // 404 not_found (no such group).
  virtual void addMember(std::string_view groupId, const GroupMember& member,
                         std::int64_t updatedAtMs) = 0;
  // Removes the member; `promote` (when set) becomes admin in the same transaction.
  virtual void removeMember(std::string_view groupId, std::string_view userId,
                            const std::optional<std::string>& promote,
                            std::int64_t updatedAtMs) = 0;
  virtual void setRole(std::string_view groupId, std::string_view userId, std::string_view role,
                       std::int64_t updatedAtMs) = 0;
  // Deletes the group and its memberships (its last member left). The messages stay.
  virtual void remove(std::string_view groupId) = 0;
};

// Uploaded files and the messages that carry them. Who may attach an upload (its owner) is
// checked by MessageStore::append in the message's transaction.
class UploadStore {
 public:
  virtual ~UploadStore() = default;
  // Records a stored upload unless the owner's uploads would then exceed `quotaBytes`
  // (decided in the write transaction, so concurrent uploads cannot overshoot together):
  // throws core::ApiError 413 too_large.
  virtual void create(const Upload& upload, std::int64_t quotaBytes) = 0;
  virtual std::optional<Upload> byId(std::string_view id) = 0;
  // True for the uploader, and for a participant of a conversation where a message that is
  // not deleted carries the upload.
  virtual bool canRead(std::string_view uploadId, std::string_view userId) = 0;
  // Sum of the sizes of the owner's uploads.
  virtual std::int64_t bytesUsed(std::string_view ownerId) = 0;
  // Deletes (at most `limit`) uploads created before `cutoffMs` that no message carries, in
  // one transaction with the check; returns them so their bytes can be removed.
  virtual std::vector<Upload> removeUnattached(std::int64_t cutoffMs, int limit) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual UserStore& users() = 0;
  virtual MessageStore& messages() = 0;
  virtual ConversationStore& conversations() = 0;
  virtual ReadMarkerStore& readMarkers() = 0;
  virtual RevokedTokenStore& revokedTokens() = 0;
  virtual FriendshipStore& friendships() = 0;
  virtual SearchStore& search() = 0;
  virtual GroupStore& groups() = 0;
  virtual UploadStore& uploads() = 0;
  // True when the database answers a trivial query.
  virtual bool ready() = 0;
  // Commits everything queued, then stops accepting writes. Idempotent.
  virtual void drain() = 0;
};

struct StoreOptions {
  std::string synchronous = "full";  // sqlite: full | normal | off
  int pageSize = 4096;               // sqlite: bytes per page of a new database file
  int readers = 4;
  // postgres: group-committing send writers, each on its own connection (see
  // postgres/pg_append_shards.hpp).
  int appendWriters = 1;
  // Another process owns the database (the video service reading the chat server's file):
  // no migrations, no writes (they fail), no search index. The database must exist.
  bool readOnly = false;
};

// Chooses the backend from the URL: sqlite://PATH, or postgres:// / postgresql:// (libpq).
std::unique_ptr<Store> openStore(const std::string& url, const StoreOptions& options);

}  // namespace gc::store
