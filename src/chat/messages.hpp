#pragma once
// Messages: the rules for who may write and read a conversation, and the send path:
// validate → authorize → store (group commit) → on commit publish to every participant.
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "broker/broker.hpp"
#include "chat/group_directory.hpp"
#include "chat/social_graph.hpp"
#include "hub/outbox.hpp"
#include "store/store.hpp"

namespace gc::chat {

// Sends of these types may leave `body` out: a system message's body is the server's to
// write, and files and images may come without a caption.
inline bool bodyIsOptional(std::string_view type) {
  return type == "system" || type == "image" || type == "file";
}

struct SendRequest {
  std::string conversationId;
  std::string body;
  std::string type = "text";
  std::string clientMsgId;
  std::optional<std::string> roomId;  // call-invite, and the system message of a call's end
  // A `system` send (a call's end, chat/call_summary.hpp): metadata.event, .reason and
  // .durationSeconds. The server writes its body; a client's `body` is ignored.
  std::string event;
  std::string callReason;
  std::optional<std::int64_t> durationSeconds;
  std::string replyTo;  // the id of the message this one answers, or empty
  // Upload ids the client listed (image and file messages only), and the uploads they name,
  // looked up on the blocking pool by MessageService::resolveAttachments before send().
  std::vector<std::string> attachmentIds;
  std::vector<store::Upload> attachments;
  // How the client spelled the type field, for error messages: `msgType` on the
  // WebSocket, `type` on REST.
  std::string_view typeField = "msgType";
  // The WebSocket connection the send came on (hub::Connection::id()): it gets the ack, and
  // no `message` frame. 0 for REST.
  std::uint64_t originConnection = 0;
  // Set by a WebSocket send when instances share the work (scale-out): the ack, from the
  // message's JSON. It then goes out with the delivery, in seq order with the messages other
  // instances commit (SendOutcome::ackDelivered), instead of beside it.
  std::function<std::string(std::string_view messageJson)> encodeAck;
};

// An authorized conversation, from one user's point of view.
struct Target {
  std::string conversationId;
  std::string kind;  // "dm" | "group"
  std::string to;    // DM: the other user (self for notes-to-self); group: the group id
  // Never null. A group's is the membership cache's own list, shared rather than copied: a
  // send to 1,000 members would otherwise copy 1,000 ids before it is even validated.
  std::shared_ptr<const std::vector<std::string>> participants;
};

// What the caller means to do with an authorized conversation. A block between the two
// users of a DM stops writes (sends, typing) both ways; each keeps reading the history.
enum class Intent { Write, Read };

struct SendOutcome {
  store::Message message;
  std::string messageJson;  // encoded once, for the ack and the broadcast
  bool duplicate = false;
  bool ackDelivered = false;  // SendRequest::encodeAck's frame went out with the delivery
};

class MessageService {
 public:
  using SendDone = std::function<void(SendOutcome outcome, std::exception_ptr error)>;

  // `shared`: other instances change groups too (scale-out), so the membership cache is not
  // the last word: a group it does not know, or does not list the user in, is read from the
  // store (on the blocking path) before the answer is no.
  MessageService(store::Store& store, broker::Broker& broker, GroupDirectory& groups,
                 const SocialGraph& graph, bool shared = false);

  // Non-blocking. The target when the cache can decide; throws ApiError when the rules say
  // no (403 `blocked` for a write into a DM across a block); nullopt when a store lookup is
  // needed (then call authorize on the blocking pool).
  std::optional<Target> authorizeCached(const std::string& userId,
                                        const std::string& conversationId,
                                        Intent intent = Intent::Write) const;
  // Blocking.
  Target authorize(const std::string& userId, const std::string& conversationId,
                   Intent intent = Intent::Write);

  // Blocking: fills request.attachments from request.attachmentIds. Throws ApiError 403 when
  // one is not an upload of `userId` (the store checks it again when the message commits).
  void resolveAttachments(const std::string& userId, SendRequest& request);

  // Non-blocking: validates the request (throws ApiError 400) and hands it to the store. `done`
  // runs on the store's commit thread after the message was committed and published (or failed).
  void send(const std::string& userId, const Target& target, SendRequest request, SendDone done);

  // Non-blocking: appends a server-authored `system` message (a join, a kick, a rename…) to a
  // group's history through the same append as any message, so it gets the next seq, and on
  // commit publishes it to the group's members. `done` runs right after that publish, on the
  // commit thread, so whatever it publishes reaches each connection after the message.
  void sendSystem(const std::string& actorId, const std::string& groupId, std::string body,
                  std::string metadataJson, SendDone done);

  // Blocking reads and marker writes; authorization is the caller's (authorize first).
  std::vector<store::Message> page(const Target& target, const store::PageQuery& query);
  // Moves the user's read marker and tells the other participants and the reader's other
  // connections (all but `originConnection`, the WebSocket the read came on; 0 for REST).
  // Returns the new marker.
  std::int64_t markRead(const std::string& userId, const Target& target, std::int64_t seq,
                        std::uint64_t originConnection = 0);
  // The read markers of the other participants that `viewerId` may see, as the live `read`
  // events would have told them: not across a DM block, not of group members the viewer
  // blocked. Participants who never read it are left out.
  std::vector<store::ReadMarker> othersReadMarkers(const std::string& viewerId,
                                                   const Target& target);

  // Blocking. The message and its conversation when the user takes part in it; otherwise
  // 404, as for a message that does not exist (ids the user cannot see tell nothing).
  std::pair<store::Message, Target> visibleMessage(const std::string& userId,
                                                   const std::string& messageId);
  // Blocking: change a message durably, then publish `message-updated` to every participant.
  // Edit: the author, text messages only. Delete: the author or a group's admin. Reactions:
  // any participant.
  store::Message edit(const std::string& userId, const std::string& messageId,
                      std::string_view body);
  store::Message remove(const std::string& userId, const std::string& messageId);
  store::Message react(const std::string& userId, const std::string& messageId,
                       std::string_view emoji, bool add);
  // Blocking: every version of the message, oldest first, the current one last.
  std::vector<store::MessageVersion> history(const std::string& userId,
                                             const std::string& messageId);

  // True while a send of this conversation made here is committing or being published
  // (scale-out only; always false otherwise): DeliveryOrder then waits for its delivery
  // rather than filling a gap with it from the store.
  bool sendInFlight(const std::string& conversationId) const;
  // Blocking: the deliveries of a conversation's committed messages with after < seq < before,
  // to fill a gap in what the broker brought (chat/delivery_order.hpp): a DM's two users, a
  // group's members now, less those who blocked the sender. At most 500; clients resync more.
  std::vector<broker::Delivery> missedDeliveries(const std::string& conversationId,
                                                 std::int64_t after, std::int64_t before);

  // Users known to exist (they authenticated or were looked up), so a DM to them needs no
  // store lookup on the hot path. Users are never deleted in v1.
  void rememberUser(const std::string& userId);

 private:
  store::Message applyChange(const Target& target, const store::MessageChange& change);
  bool isGroupAdmin(const std::string& userId, const Target& target) const;
  // Drops from a group delivery (a message or a change to one) the members who blocked the
  // message's sender.
  void withholdFromBlockers(broker::Delivery& delivery, const store::Message& message) const;
  // A group message's recipients: the group's members now, but those who blocked its sender.
  void addGroupRecipients(broker::Delivery& delivery, const std::string& groupId,
                          const store::Message& message) const;
  bool knownUser(const std::string& userId) const;
  void checkBlock(const std::string& userId, const Target& target, Intent intent) const;
  std::optional<Target> groupTarget(const std::string& userId, const std::string& groupId) const;
  // The group's target for a member of `entry`; 404 without an entry, 403 for a non-member.
  static Target memberTarget(const std::string& userId, const std::string& groupId,
                             std::shared_ptr<const GroupEntry> entry);
  void appendAndPublish(store::NewMessage draft, std::vector<std::string> participants,
                        std::uint64_t origin, SendDone done,
                        std::function<std::string(std::string_view)> encodeAck = {});

  store::Store& store_;
  broker::Broker& broker_;
  GroupDirectory& groups_;
  bool shared_;
  const SocialGraph& graph_;
  mutable std::shared_mutex knownMutex_;
  std::unordered_set<std::string> knownUsers_;
  // Sends appended here and not yet published, per conversation (scale-out only).
  mutable std::mutex inFlightMutex_;
  std::unordered_map<std::string, int> inFlight_;
};

}  // namespace gc::chat
