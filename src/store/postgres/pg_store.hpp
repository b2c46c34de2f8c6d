#pragma once
// The PostgreSQL backend (postgres:// or postgresql:// URLs): a small connection pool for
// queries and ordinary writes, and one group-committing writer for sends. Its SQL is in
// pg_sql.hpp. Several servers may share one database: every rule that the SQLite backend
// gets from its single writer is a row lock, an advisory lock or a constraint here.
#include <memory>
#include <string>

#include "store/postgres/pg_append_shards.hpp"
#include "store/postgres/pg_pool.hpp"
#include "store/postgres/pg_search_indexer.hpp"
#include "store/store.hpp"

namespace gc::store::postgres {

class PgUserStore final : public UserStore {
 public:
  explicit PgUserStore(PgPool& pool) : pool_(pool) {}
  void create(const User& user) override;
  int createMissing(const std::vector<User>& users) override;
  std::optional<User> byId(std::string_view id) override;
  std::optional<User> byLogin(std::string_view login) override;
  std::vector<User> searchByPrefix(std::string_view prefix, int limit) override;
  void setLastSeen(std::string_view id, std::int64_t lastSeenMs) override;
  void setLastSeenMany(const std::vector<std::string>& ids, std::int64_t lastSeenMs) override;

 private:
  PgPool& pool_;
};

class PgMessageStore final : public MessageStore {
 public:
  // `indexChanged` runs after an edit or a delete committed (it pokes the search indexer).
  PgMessageStore(PgAppendShards& writer, PgPool& pool, std::function<void()> indexChanged)
      : writer_(writer), pool_(pool), indexChanged_(std::move(indexChanged)) {}
  void append(NewMessage message, AppendCallback done) override;
  void setBatchScope(std::function<void()> begin, std::function<void()> end) override;
  std::vector<Message> page(std::string_view conversationId, const PageQuery& q) override;
  std::optional<Message> byId(std::string_view messageId) override;
  Message change(const MessageChange& change) override;
  std::vector<MessageVersion> history(std::string_view messageId) override;

 private:
  PgAppendShards& writer_;
  PgPool& pool_;
  std::function<void()> indexChanged_;
};

class PgConversationStore final : public ConversationStore, public ReadMarkerStore {
 public:
  explicit PgConversationStore(PgPool& pool) : pool_(pool) {}
  std::vector<ConversationSummary> listForUser(std::string_view userId, int limit) override;
  std::vector<std::string> idsForUser(std::string_view userId) override;
  std::int64_t lastSeq(std::string_view conversationId) override;
  std::int64_t advance(std::string_view userId, std::string_view conversationId,
                       std::int64_t seq) override;
  std::int64_t get(std::string_view userId, std::string_view conversationId) override;
  std::vector<ReadMarker> forUsers(std::string_view conversationId,
                                   const std::vector<std::string>& userIds) override;

 private:
  PgPool& pool_;
};

class PgSearchStore final : public SearchStore {
 public:
  explicit PgSearchStore(PgPool& pool) : pool_(pool) {}
  std::vector<Message> search(const SearchQuery& query) override;
  // Sends, edits and deletes queued for the index and not indexed yet (PgSearchIndexer).
  std::int64_t backlog() override;

 private:
  PgPool& pool_;
};

class PgRevokedTokenStore final : public RevokedTokenStore {
 public:
  explicit PgRevokedTokenStore(PgPool& pool) : pool_(pool) {}
  void revoke(std::string_view jti, std::int64_t expiresAtSec) override;
  std::vector<std::string> active(std::int64_t nowSec) override;

 private:
  PgPool& pool_;
};

class PgFriendshipStore final : public FriendshipStore {
 public:
  explicit PgFriendshipStore(PgPool& pool) : pool_(pool) {}
  FriendRequestResult request(std::string_view requester, std::string_view recipient,
                              std::string_view newId, std::int64_t nowMs) override;
  Friendship respond(std::string_view id, std::string_view actor, std::string_view status,
                     std::int64_t nowMs) override;
  std::optional<Friendship> remove(std::string_view userA, std::string_view userB) override;
  std::optional<Friendship> byId(std::string_view id) override;
  std::vector<Friendship> forUser(std::string_view userId) override;
  std::vector<Friendship> allAccepted() override;
  int createMissing(const std::vector<Friendship>& friendships) override;
  std::optional<Friendship> block(std::string_view blocker, std::string_view blocked,
                                  std::int64_t nowMs) override;
  bool unblock(std::string_view blocker, std::string_view blocked) override;
  std::vector<std::string> blockedBy(std::string_view blocker) override;
  std::vector<Block> allBlocks() override;

 private:
  PgPool& pool_;
};

class PgGroupStore final : public GroupStore {
 public:
  explicit PgGroupStore(PgPool& pool) : pool_(pool) {}
  void create(const Group& group) override;
  std::optional<Group> byId(std::string_view id) override;
  std::vector<Group> all() override;
  std::vector<Group> forUser(std::string_view userId) override;
  std::vector<Group> searchPublic(std::string_view query, std::string_view beforeId,
                                  int limit) override;
  void update(const Group& group) override;
  void addMember(std::string_view groupId, const GroupMember& member,
                 std::int64_t updatedAtMs) override;
  void removeMember(std::string_view groupId, std::string_view userId,
                    const std::optional<std::string>& promote, std::int64_t updatedAtMs) override;
  void setRole(std::string_view groupId, std::string_view userId, std::string_view role,
               std::int64_t updatedAtMs) override;
  void remove(std::string_view groupId) override;

 private:
  PgPool& pool_;
};

class PgUploadStore final : public UploadStore {
 public:
  explicit PgUploadStore(PgPool& pool) : pool_(pool) {}
  void create(const Upload& upload, std::int64_t quotaBytes) override;
  std::optional<Upload> byId(std::string_view id) override;
  bool canRead(std::string_view uploadId, std::string_view userId) override;
  std::int64_t bytesUsed(std::string_view ownerId) override;
  std::vector<Upload> removeUnattached(std::int64_t cutoffMs, int limit) override;

 private:
  PgPool& pool_;
};

class PgStore final : public Store {
 public:
  PgStore(const std::string& url, const StoreOptions& options);
  ~PgStore() override;

  UserStore& users() override { return users_; }
  MessageStore& messages() override { return messages_; }
  ConversationStore& conversations() override { return conversations_; }
  ReadMarkerStore& readMarkers() override { return conversations_; }
  RevokedTokenStore& revokedTokens() override { return tokens_; }
  FriendshipStore& friendships() override { return friendships_; }
  SearchStore& search() override { return search_; }
  GroupStore& groups() override { return groups_; }
  UploadStore& uploads() override { return uploads_; }
  bool ready() override;
  void drain() override;

 private:
  void pokeIndexer();

  // Before the writer, whose batches poke it; absent on a read-only store.
  std::unique_ptr<PgSearchIndexer> indexer_;
  // The first writer's connection opens first and migrates, so the others find the schema.
  std::unique_ptr<PgAppendShards> writer_;
  std::unique_ptr<PgPool> pool_;
  PgUserStore users_;
  PgMessageStore messages_;
  PgConversationStore conversations_;
  PgRevokedTokenStore tokens_;
  PgFriendshipStore friendships_;
  PgGroupStore groups_;
  PgSearchStore search_;
  PgUploadStore uploads_;
};

// A row of GC_PG_MESSAGE_COLUMNS, and the reactions of messages read that way.
Message readMessage(const PgResult& rows, int row);
std::vector<Message> readMessages(const PgResult& rows);
// For messages that all belong to one conversation (one range query).
void attachReactions(PgConnection& conn, std::vector<Message>& messages);
void attachReactions(PgConnection& conn, Message& message);

}  // namespace gc::store::postgres
