#pragma once
// The embedded backend: one SQLite file in WAL mode, one writer thread that group-commits,
// and a few read-only connections for queries.
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/sqlite/sqlite_checkpointer.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_search_indexer.hpp"
#include "store/sqlite/sqlite_writer.hpp"
#include "store/store.hpp"

namespace gc::store::sqlite {

// Hands out the read-only connections, one per caller at a time.
class ReaderPool {
 public:
  // With a search index path, each connection attaches it as schema `search`.
  ReaderPool(const std::string& path, int size, const std::string& searchIndexPath = {});

  template <class F>
  auto with(F use) -> decltype(use(std::declval<SqliteDb&>())) {
    std::unique_ptr<SqliteDb> db = acquire();
    struct Release {
      ReaderPool* pool;
      std::unique_ptr<SqliteDb>& db;
      ~Release() { pool->release(std::move(db)); }
    } release{this, db};
    return use(*db);
  }

 private:
  std::unique_ptr<SqliteDb> acquire();
  void release(std::unique_ptr<SqliteDb> db);

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SqliteDb>> free_;
};

class SqliteUserStore final : public UserStore {
 public:
  SqliteUserStore(SqliteWriter& writer, ReaderPool& readers) : writer_(writer), readers_(readers) {}
  void create(const User& user) override;
  int createMissing(const std::vector<User>& users) override;
  std::optional<User> byId(std::string_view id) override;
  std::optional<User> byLogin(std::string_view login) override;
  std::vector<User> searchByPrefix(std::string_view prefix, int limit) override;
  void setLastSeen(std::string_view id, std::int64_t lastSeenMs) override;
  void setLastSeenMany(const std::vector<std::string>& ids, std::int64_t lastSeenMs) override;

 private:
  SqliteWriter& writer_;
  ReaderPool& readers_;
};

class SqliteMessageStore final : public MessageStore {
 public:
  SqliteMessageStore(SqliteWriter& writer, ReaderPool& readers);
  void append(NewMessage message, AppendCallback done) override;
  void setBatchScope(std::function<void()> begin, std::function<void()> end) override;
  std::vector<Message> page(std::string_view conversationId, const PageQuery& q) override;
  std::optional<Message> byId(std::string_view messageId) override;
  Message change(const MessageChange& change) override;
  std::vector<MessageVersion> history(std::string_view messageId) override;

 private:
  // Writer-thread state. The writer is the database's only writer, so a conversation's
  // last seq read once stays true until a rollback; counters and the senders' read markers
  // are written once per batch instead of once per message.
  struct Counter {
    std::int64_t lastSeq = 0;
    std::int64_t lastActivityMs = 0;
    std::string kind;
    bool dirty = false;
  };
  AppendResult applyAppend(SqliteDb& db, const NewMessage& draft);
  // The original of a reply; throws ApiError when it is not in the same conversation.
  static std::optional<ReplyPreview> resolveReply(SqliteDb& db, const Message& m);
  Counter& counterFor(SqliteDb& db, const NewMessage& draft);
  void flushBatch(SqliteDb& db);
  void forgetBatch();

  SqliteWriter& writer_;
  ReaderPool& readers_;
  std::unordered_map<std::string, Counter> counters_;
  std::map<std::pair<std::string, std::string>, std::int64_t> senderMarkers_;
};

class SqliteConversationStore final : public ConversationStore, public ReadMarkerStore {
 public:
  SqliteConversationStore(SqliteWriter& writer, ReaderPool& readers)
      : writer_(writer), readers_(readers) {}
  std::vector<ConversationSummary> listForUser(std::string_view userId, int limit) override;
  std::vector<std::string> idsForUser(std::string_view userId) override;
  std::int64_t lastSeq(std::string_view conversationId) override;
  std::int64_t advance(std::string_view userId, std::string_view conversationId,
                       std::int64_t seq) override;
  std::int64_t get(std::string_view userId, std::string_view conversationId) override;
  std::vector<ReadMarker> forUsers(std::string_view conversationId,
                                   const std::vector<std::string>& userIds) override;

 private:
  SqliteWriter& writer_;
  ReaderPool& readers_;
};

class SqliteSearchStore final : public SearchStore {
 public:
  explicit SqliteSearchStore(ReaderPool& readers) : readers_(readers) {}
  std::vector<Message> search(const SearchQuery& query) override;
  std::int64_t backlog() override;

 private:
  ReaderPool& readers_;
};

class SqliteRevokedTokenStore final : public RevokedTokenStore {
 public:
  SqliteRevokedTokenStore(SqliteWriter& writer, ReaderPool& readers)
      : writer_(writer), readers_(readers) {}
  void revoke(std::string_view jti, std::int64_t expiresAtSec) override;
  std::vector<std::string> active(std::int64_t nowSec) override;

 private:
  SqliteWriter& writer_;
  ReaderPool& readers_;
};

class SqliteFriendshipStore final : public FriendshipStore {
 public:
  SqliteFriendshipStore(SqliteWriter& writer, ReaderPool& readers)
      : writer_(writer), readers_(readers) {}
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
  SqliteWriter& writer_;
  ReaderPool& readers_;
};

class SqliteGroupStore final : public GroupStore {
 public:
  SqliteGroupStore(SqliteWriter& writer, ReaderPool& readers)
      : writer_(writer), readers_(readers) {}
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
  SqliteWriter& writer_;
  ReaderPool& readers_;
};

class SqliteUploadStore final : public UploadStore {
 public:
  SqliteUploadStore(SqliteWriter& writer, ReaderPool& readers)
      : writer_(writer), readers_(readers) {}
  void create(const Upload& upload, std::int64_t quotaBytes) override;
  std::optional<Upload> byId(std::string_view id) override;
  bool canRead(std::string_view uploadId, std::string_view userId) override;
  std::int64_t bytesUsed(std::string_view ownerId) override;
  std::vector<Upload> removeUnattached(std::int64_t cutoffMs, int limit) override;

 private:
  SqliteWriter& writer_;
  ReaderPool& readers_;
};

// Inside a message's append (sqlite_uploads.cpp): the check throws core::ApiError 403 unless
// every attachment is the sender's own upload; the record links them to the message.
void checkAttachments(SqliteDb& db, const NewMessage& draft);
void recordAttachments(SqliteDb& db, const NewMessage& draft);

class SqliteStore final : public Store {
 public:
  SqliteStore(const std::string& path, const StoreOptions& options);
  ~SqliteStore() override;

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
  static std::string searchIndexPath(const std::string& path);
  void trimSearchChanges(std::int64_t upTo);

  std::unique_ptr<SqliteCheckpointer> checkpointer_;  // before the writer: it outlives it
  std::unique_ptr<SqliteWriter> writer_;
  std::unique_ptr<SqliteSearchIndexer> indexer_;
  std::unique_ptr<ReaderPool> readers_;
  SqliteUserStore users_;
  SqliteMessageStore messages_;
  SqliteConversationStore conversations_;
  SqliteRevokedTokenStore tokens_;
  SqliteFriendshipStore friendships_;
  SqliteGroupStore groups_;
  SqliteSearchStore search_;
  SqliteUploadStore uploads_;
};

// Columns of a message row, in the order readMessage expects, and the join that brings the
// original of a reply. Macros so that they join the SQL literals at compile time (statements
// are cached by their literal). Queries name the message `m`.
#define GC_MESSAGE_COLUMNS                                                                    \
  "m.id, m.conversation_id, m.seq, m.sender_id, m.recipient_id, m.body, m.type, m.metadata, " \
  "COALESCE(m.client_msg_id, ''), m.created_at, m.edited_at, m.deleted_at, m.reply_to, "      \
  "o.sender_id, o.seq, o.body, o.deleted_at"
#define GC_MESSAGE_FROM " FROM messages m LEFT JOIN messages o ON o.id = m.reply_to"
// True when the viewer (a bound parameter; NULL: nobody) blocked the sender of group message m.
// Their group messages are withheld live and left out of pages, unread counts and search; a
// DM's history keeps both sides (a block stops new DMs instead).
#define GC_HIDDEN_FROM(viewer)                                                   \
  " (m.type != 'system' AND substr(m.conversation_id, 1, 4) = 'grp_' AND EXISTS" \
  " (SELECT 1 FROM blocks b WHERE b.blocker_id = " viewer " AND b.blocked_id = m.sender_id))"
Message readMessage(const Statement& row);
// Fills `reactions` of messages that all belong to one conversation (one range query).
void attachReactions(SqliteDb& db, std::vector<Message>& messages);
void attachReactions(SqliteDb& db, Message& message);

}  // namespace gc::store::sqlite
