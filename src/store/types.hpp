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

struct Message {
  std::string id;
  std::string conversationId;
  std::int64_t seq = 0;
  std::string from;
  std::string to;
  std::string body;
  std::string type;          // text | image | file | call-invite | system
  std::string metadataJson;  // the message's `metadata` object, stored as JSON text
  std::string clientMsgId;   // empty when the sender gave none
  std::int64_t createdAtMs = 0;
};

// A message before commit: everything but `seq`, which the committing transaction assigns.
struct NewMessage {
  Message message;
  std::string conversationKind;           // "dm" | "group"
  std::vector<std::string> participants;  // recorded as members when the conversation starts
};

struct AppendResult {
  Message message;
  bool duplicate = false;  // a retry: `message` is the one stored first
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

struct PageQuery {
  std::optional<std::int64_t> before;
  std::optional<std::int64_t> after;
  int limit = 50;
};

}  // namespace gc::store
