#pragma once
// Plain records that cross the store boundary. No JSON, no SQL: the services encode,
// the backends persist.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gc::store {

struct User {
  std::string id;
  std::string username;
  std::string email;
  std::string passwordHash;
  std::string avatar;
  std::int64_t createdAtMs = 0;
  std::optional<std::int64_t> lastSeenMs;
};

// The users who reacted with one emoji, in the order they reacted.
struct Reaction {
  std::string emoji;
  std::vector<std::string> users;
};

// What a reply shows of the message it answers, as that message is now.
struct ReplyPreview {
  std::string id;
  std::string from;
  std::int64_t seq = 0;
  std::string body;  // empty once the original is deleted
  bool deleted = false;
};

struct Message {
  std::string id;
  std::string conversationId;
  std::int64_t seq = 0;
  std::string from;
  std::string to;
  std::string body;
  std::string type;  // text | image | file | call-invite | system
  // The parts of `metadata` fixed at send time (attachments, roomId), as a JSON object. The
  // parts that change later (edited, reactions, replyTo) are the fields below; the encoder
  // merges both into the `metadata` clients see.
  std::string metadataJson;
  std::string clientMsgId;  // empty when the sender gave none
  std::int64_t createdAtMs = 0;
  std::optional<std::int64_t> editedAtMs;   // the last edit
  std::optional<std::int64_t> deletedAtMs;  // a tombstone: body, history and reactions gone
  std::string replyToId;                    // empty: not a reply
  std::optional<ReplyPreview> replyTo;      // filled on reads when replyToId is set
  std::vector<Reaction> reactions;
};

// A message before commit: everything but `seq`, which the committing transaction assigns.
struct NewMessage {
  Message message;
  std::string conversationKind;           // "dm" | "group"
  std::vector<std::string> participants;  // recorded as members when the conversation starts
  // Uploads the message carries (their file objects are in message.metadataJson). The append
  // checks, in its transaction, that each is the sender's own, and records the attachment.
  std::vector<std::string> attachmentIds;
};

struct AppendResult {
  Message message;
  bool duplicate = false;  // a retry: `message` is the one stored first
};

// One change to a stored message, applied by the store in one transaction. Who may make it
// is the service's decision; the store checks what only the transaction can see (the message
// exists, is not deleted, the limits).
struct MessageChange {
  enum class Kind { Edit, Delete, AddReaction, RemoveReaction };
  Kind kind = Kind::Edit;
  std::string messageId;
  std::string userId;  // who makes the change (the reacting user for reactions)
  std::string body;    // Edit: the new, validated body
  std::string emoji;   // reactions
  std::int64_t atMs = 0;
};

// One earlier version of an edited message.
struct MessageVersion {
  std::string body;
  std::int64_t writtenAtMs = 0;  // when this version was sent or edited in
};

// How far one user has read one conversation: every seq at or below `seq`.
struct ReadMarker {
  std::string userId;
  std::int64_t seq = 0;
};

struct ConversationSummary {
  std::string id;
  std::string kind;
  std::int64_t lastSeq = 0;
  std::int64_t lastActivityMs = 0;
  std::int64_t readSeq = 0;
  std::int64_t unread = 0;
  std::optional<Message> lastMessage;
};

// One row per pair of users. `status` is pending | accepted | rejected.
struct Friendship {
  std::string id;
  std::string requester;
  std::string recipient;
  std::string status;
  std::int64_t createdAtMs = 0;
  std::int64_t updatedAtMs = 0;
};

struct FriendRequestResult {
  Friendship friendship;
  bool accepted = false;  // the recipient had already asked: both sides are friends now
};

struct Block {
  std::string blocker;
  std::string blocked;
};

struct GroupSettings {
  bool isPublic = false;
  bool allowInvites = false;
  int maxMembers = 1000;
};

struct GroupMember {
  std::string userId;
  std::string role;  // admin | member
  std::int64_t joinedAtMs = 0;
};

struct Group {
  std::string id;
  std::string name;
  std::string description;
  std::string avatar;
  GroupSettings settings;
  std::int64_t createdAtMs = 0;
  std::int64_t updatedAtMs = 0;
  std::vector<GroupMember> members;  // oldest first (joinedAt, then user id)
};

// One stored upload. The bytes live in the data dir under the id; `name` is the user's file
// name, sanitised, kept only here.
struct Upload {
  std::string id;
  std::string ownerId;
  std::string name;
  std::int64_t size = 0;
  std::string mime;           // decided from the content
  std::string sha256;         // lowercase hex of the bytes
  std::optional<int> width;   // images only
  std::optional<int> height;  // images only
  bool hasThumbnail = false;
  std::int64_t createdAtMs = 0;
};

struct PageQuery {
  std::optional<std::int64_t> before;
  std::optional<std::int64_t> after;
  int limit = 50;
  // Who reads the page: in a group, what the members they blocked wrote is left out (system
  // messages stay). Empty: nothing is left out.
  std::string viewerId;
};

// A full-text search over the conversations `userId` takes part in now.
struct SearchQuery {
  std::string userId;
  // Terms of 3+ characters, matched as substrings anywhere in a body (all must match), and
  // shorter ones (matched the same way, but without the index's help).
  std::vector<std::string> longTerms;
  std::vector<std::string> shortTerms;
  std::optional<std::string> conversationId;  // only this conversation
  bool newestFirst = false;                   // otherwise by relevance, then newest
  int offset = 0;
  int limit = 20;
};

}  // namespace gc::store
