#include "chat/messages.hpp"

#include <algorithm>

#include <mutex>

#include "chat/call_summary.hpp"
#include "chat/conversation_id.hpp"
#include "chat/json_encode.hpp"
#include "chat/validation.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"

namespace gc::chat {
namespace {

std::optional<Target> directTarget(const std::string& userId, const ConversationRef& ref,
                                   const std::string& conversationId) {
  if (userId != ref.first && userId != ref.second) return std::nullopt;
  std::vector<std::string> participants{ref.first};
  if (ref.second != ref.first) participants.push_back(ref.second);
  return Target{
      .conversationId = conversationId,
      .kind = "dm",
      .to = userId == ref.first ? ref.second : ref.first,
      .participants = std::make_shared<const std::vector<std::string>>(std::move(participants))};
}

// The `message` frame around an encoded message.
broker::SharedFrame messageFrame(std::string_view messageJson) {
  auto frame = std::make_shared<std::string>();
  frame->reserve(messageJson.size() + 32);
  frame->append(R"({"type":"message","message":)").append(messageJson).append("}");
  return frame;
}

ConversationRef parseOrNotFound(const std::string& conversationId) {
  auto ref = parseConversationId(conversationId);
  if (!ref) throw core::notFound("conversation not found");
  return *ref;
}

}  // namespace

MessageService::MessageService(store::Store& store, broker::Broker& broker, GroupDirectory& groups,
                               const SocialGraph& graph, bool shared)
    : store_(store), broker_(broker), groups_(groups), shared_(shared), graph_(graph) {
  // Every frame a committed batch produces (broadcasts and acks) leaves through one Outbox:
  // one hand-over per connection per batch.
  // Thread-local: a store may commit on several threads (PostgreSQL's send writers).
  static thread_local std::optional<hub::Outbox> batchOutbox;
  store_.messages().setBatchScope([] { batchOutbox.emplace(); }, [] { batchOutbox.reset(); });
}

void MessageService::rememberUser(const std::string& userId) {
  {
    std::shared_lock lock(knownMutex_);
    if (knownUsers_.contains(userId)) return;
  }
  std::unique_lock lock(knownMutex_);
  knownUsers_.insert(userId);
}

bool MessageService::knownUser(const std::string& userId) const {
  std::shared_lock lock(knownMutex_);
  return knownUsers_.contains(userId);
}

// The block cache is kept in step with the store by FriendService, so this costs one
// shared lock and no query per message.
void MessageService::checkBlock(const std::string& userId, const Target& target,
                                Intent intent) const {
  if (intent == Intent::Write && target.kind == "dm" && target.to != userId &&
      graph_.blockedEitherWay(userId, target.to)) {
    throw core::blocked("a block between you and this user forbids direct messages");
  }
}

// The membership cache is authoritative for groups (see group_directory.hpp): a group
// never needs a store lookup. An unknown group is 404; a group the user is not (or no
// longer) a member of is 403, public or not, and reveals nothing else.
std::optional<Target> MessageService::groupTarget(const std::string& userId,
                                                  const std::string& groupId) const {
  auto entry = groups_.find(groupId);
  // Another instance may have created the group or added the user a moment ago.
  if (shared_ && (!entry || !entry->isMember(userId))) return std::nullopt;
  return memberTarget(userId, groupId, std::move(entry));
}

Target MessageService::memberTarget(const std::string& userId, const std::string& groupId,
                                    std::shared_ptr<const GroupEntry> entry) {
  if (!entry) throw core::notFound("conversation not found");
  if (!entry->isMember(userId)) throw core::forbidden("you are not a member of this group");
  return Target{.conversationId = "grp_" + groupId,
                .kind = "group",
                .to = groupId,
                .participants = sharedMemberIds(std::move(entry))};
}

std::optional<Target> MessageService::authorizeCached(const std::string& userId,
                                                      const std::string& conversationId,
                                                      Intent intent) const {
  const auto ref = parseOrNotFound(conversationId);
  if (ref.kind == ConversationRef::Kind::Group) return groupTarget(userId, ref.first);
  auto target = directTarget(userId, ref, conversationId);
  if (!target) throw core::forbidden("you are not a participant of this conversation");
  if (!knownUser(target->to)) return std::nullopt;
  checkBlock(userId, *target, intent);
  return target;
}

Target MessageService::authorize(const std::string& userId, const std::string& conversationId,
                                 Intent intent) {
  const auto ref = parseOrNotFound(conversationId);
  if (ref.kind == ConversationRef::Kind::Group) {
    if (auto target = groupTarget(userId, ref.first)) return *target;
    // Shared: what the store says now, kept in the cache.
    return memberTarget(userId, ref.first,
                        groups_.replace(ref.first, store_.groups().byId(ref.first)));
  }
  auto target = directTarget(userId, ref, conversationId);
  if (!target) throw core::forbidden("you are not a participant of this conversation");
  if (!knownUser(target->to)) {
    if (!store_.users().byId(target->to)) throw core::notFound("conversation not found");
    rememberUser(target->to);
  }
  checkBlock(userId, *target, intent);
  return *target;
}

namespace {

void validateRoomId(const std::optional<std::string>& roomId, std::string_view why) {
  if (!roomId || roomId->empty() || roomId->size() > 64) {
    throw core::invalidField("metadata.roomId", why);
  }
}

constexpr std::size_t kMaxAttachments = 10;

const char* kNotYourUpload = "attachments: only your own uploads can be attached";

// The client-supplied parts of a send (throws ApiError 400); returns the normalized request.
SendRequest validateSend(SendRequest request) {
  const bool carriesFiles = request.type == "image" || request.type == "file";
  if (request.type == "system") {
    // The only system message a client may post: a call's end, whose body the server writes.
    if (request.event.empty()) {
      throw core::invalidField(request.typeField,
                               "system is only for a call's end (metadata.event: call-ended)");
    }
    if (request.event != kCallEndedEvent) {
      throw core::invalidField("metadata.event", "must be call-ended");
    }
    validateRoomId(request.roomId, "a call's end needs the call's room id");
    request.body = callEndedBody(request.callReason, request.durationSeconds.value_or(0));
  } else {
    // A file or image may come without a caption; every other message needs a body.
    request.body = carriesFiles ? normalizeOptionalBody(request.body) : normalizeBody(request.body);
  }
  if (!request.clientMsgId.empty()) validateClientMsgId(request.clientMsgId);
  if (!request.replyTo.empty() && !core::isId(request.replyTo)) {
    throw core::invalidField("replyTo", "must be a message id");
  }
  if (request.type == "call-invite") {
    validateRoomId(request.roomId, "a call-invite needs a room id");
  } else if (!carriesFiles && request.type != "text" && request.type != "system") {
    throw core::invalidField(request.typeField, "must be text, image, file, call-invite or system");
  }
  auto& ids = request.attachmentIds;
  if (!carriesFiles && !ids.empty()) {
    throw core::invalidField("attachments", "only image and file messages carry attachments");
  }
  if (carriesFiles && (ids.empty() || ids.size() > kMaxAttachments)) {
    throw core::invalidField("attachments", "must list 1 to 10 upload ids");
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!core::isId(ids[i])) throw core::invalidField("attachments", "must be upload ids");
    if (std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(i), ids[i]) !=
        ids.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw core::invalidField("attachments", "lists an upload twice");
    }
  }
  return request;
}

// {"attachments":[file…]} plus what the send carries: the room of a call-invite, the event,
// reason and duration of a call's end.
std::string sendMetadataJson(const SendRequest& request) {
  std::string metadata = "{\"attachments\":[";
  for (std::size_t i = 0; i < request.attachments.size(); ++i) {
    if (i) metadata += ',';
    metadata += encodeFile(request.attachments[i]);
  }
  metadata += ']';
  if (request.roomId) {
    metadata += ",\"roomId\":";
    core::appendJsonString(metadata, *request.roomId);
  }
  if (request.type == "system") {
    metadata += ",\"event\":";
    core::appendJsonString(metadata, request.event);
    metadata += ",\"reason\":";
    core::appendJsonString(metadata, request.callReason);
    metadata += ",\"durationSeconds\":" + std::to_string(request.durationSeconds.value_or(0));
  }
  metadata += '}';
  return metadata;
}

}  // namespace

void MessageService::resolveAttachments(const std::string& userId, SendRequest& request) {
  request.attachments.clear();
  for (const auto& id : request.attachmentIds) {
    if (!core::isId(id)) break;  // send() names the field
    auto upload = store_.uploads().byId(id);
    // Someone else's upload and no upload at all look the same: ids tell nothing.
    if (!upload || upload->ownerId != userId) throw core::forbidden(kNotYourUpload);
    if (request.type == "image" && !upload->mime.starts_with("image/")) {
      throw core::invalidField("attachments", "an image message carries images only");
    }
    request.attachments.push_back(std::move(*upload));
  }
}

void MessageService::send(const std::string& userId, const Target& target, SendRequest request,
                          SendDone done) {
  request = validateSend(std::move(request));
  if (request.attachments.size() != request.attachmentIds.size()) {
    throw std::logic_error("send() before resolveAttachments()");
  }
  std::string metadata = sendMetadataJson(request);
  auto attachmentIds = std::move(request.attachmentIds);
  // A group's conversation members are kept by the group store on every membership change
  // and its recipients are read at commit (below); a DM's members are recorded when its first
  // message commits.
  auto participants = target.kind == "group" ? std::vector<std::string>{} : *target.participants;
  store::NewMessage draft{
      .message = store::Message{.id = core::newId(),
                                .conversationId = target.conversationId,
                                .seq = 0,
                                .from = userId,
                                .to = target.to,
                                .body = std::move(request.body),
                                .type = std::move(request.type),
                                .metadataJson = std::move(metadata),
                                .clientMsgId = std::move(request.clientMsgId),
                                .createdAtMs = core::nowMs(),
                                .editedAtMs = std::nullopt,
                                .deletedAtMs = std::nullopt,
                                .replyToId = std::move(request.replyTo),
                                .replyTo = std::nullopt,
                                .reactions = {}},
      .conversationKind = target.kind,
      .participants = participants,
      .attachmentIds = std::move(attachmentIds),
  };
  appendAndPublish(std::move(draft), std::move(participants), request.originConnection,
                   std::move(done), std::move(request.encodeAck));
}

void MessageService::sendSystem(const std::string& actorId, const std::string& groupId,
                                std::string body, std::string metadataJson, SendDone done) {
  store::NewMessage draft{
      .message = store::Message{.id = core::newId(),
                                .conversationId = "grp_" + groupId,
                                .seq = 0,
                                .from = actorId,
                                .to = groupId,
                                .body = std::move(body),
                                .type = "system",
                                .metadataJson = std::move(metadataJson),
                                .clientMsgId = {},
                                .createdAtMs = core::nowMs(),
                                .editedAtMs = std::nullopt,
                                .deletedAtMs = std::nullopt,
                                .replyToId = {},
                                .replyTo = std::nullopt,
                                .reactions = {}},
      .conversationKind = "group",
      .participants = {},
      .attachmentIds = {},
  };
  appendAndPublish(std::move(draft), {}, 0, std::move(done));
}

void MessageService::appendAndPublish(store::NewMessage draft,
                                      std::vector<std::string> participants, std::uint64_t origin,
                                      SendDone done,
                                      std::function<std::string(std::string_view)> encodeAck) {
  std::string groupId = draft.conversationKind == "group" ? draft.message.to : std::string();
  // Counted until the callback below has published (or failed): see sendInFlight.
  struct InFlight {
    MessageService* service = nullptr;  // null: not counted, or released
    std::string conversationId;
    ~InFlight() { release(); }
    void release() {
      if (!service) return;
      std::lock_guard lock(service->inFlightMutex_);
      if (auto it = service->inFlight_.find(conversationId);
          it != service->inFlight_.end() && --it->second == 0) {
        service->inFlight_.erase(it);
      }
      service = nullptr;
    }
  };
  std::shared_ptr<InFlight> inFlight;  // only counted with other instances: no cost otherwise
  if (shared_) {
    std::lock_guard lock(inFlightMutex_);
    ++inFlight_[draft.message.conversationId];
    inFlight = std::make_shared<InFlight>();  // not from a temporary: its destructor releases
    inFlight->conversationId = draft.message.conversationId;
    inFlight->service = this;
  }
  store_.messages().append(
      std::move(draft),
      [this, participants = std::move(participants), groupId = std::move(groupId), origin,
       done = std::move(done), encodeAck = std::move(encodeAck), inFlight = std::move(inFlight)](
          store::AppendResult result, const std::exception_ptr& error) {
        // Released when this returns, published or failed (not when the store lets go of
        // the callback, which may be after the rest of its batch).
        const struct Release {
          InFlight* f;
          ~Release() {
            if (f) f->release();
          }
        } release{inFlight.get()};
        if (error) {
          done(SendOutcome{}, error);
          return;
        }
        SendOutcome outcome{
            .message = std::move(result.message), .messageJson = {}, .duplicate = result.duplicate};
        outcome.messageJson = encodeMessage(outcome.message);
        // A retry was broadcast when it first committed; only its sender hears of it again.
        if (!outcome.duplicate) {
          broker::Delivery delivery{.userIds = participants,
                                    .frame = messageFrame(outcome.messageJson),
                                    .exceptConnection = origin,
                                    .sharedUserIds = nullptr,
                                    .conversationId = outcome.message.conversationId,
                                    .seq = outcome.message.seq};
          // A group's recipients are its members when the message commits, not when it was
          // sent: whoever left or was kicked in between no longer receives it.
          if (!groupId.empty()) addGroupRecipients(delivery, groupId, outcome.message);
          // Only when the sender is among the recipients (one removed from the group in the
          // meantime is not, and still gets its ack, beside the delivery).
          const auto senderReceives = [&delivery, &sender = outcome.message.from] {
            const auto in = [&sender](const std::vector<std::string>& users) {
              return std::find(users.begin(), users.end(), sender) != users.end();
            };
            return in(delivery.userIds) || (delivery.sharedUserIds && in(*delivery.sharedUserIds));
          };
          if (encodeAck && senderReceives()) {
            delivery.originFrame =
                std::make_shared<const std::string>(encodeAck(outcome.messageJson));
            outcome.ackDelivered = true;
          }
          broker_.publish(delivery);
        }
        done(std::move(outcome), nullptr);
      });
}

bool MessageService::sendInFlight(const std::string& conversationId) const {
  std::lock_guard lock(inFlightMutex_);
  return inFlight_.contains(conversationId);
}

std::vector<broker::Delivery> MessageService::missedDeliveries(const std::string& conversationId,
                                                               std::int64_t after,
                                                               std::int64_t before) {
  constexpr std::int64_t kMostFilled = 500;  // a longer gap is the clients' resync to fill
  std::vector<broker::Delivery> out;
  const auto ref = parseConversationId(conversationId);
  if (!ref || before <= after + 1) return out;
  const auto messages = store_.messages().page(
      conversationId, {.before = std::nullopt,
                       .after = after,
                       .limit = static_cast<int>(std::min(before - after - 1, kMostFilled)),
                       .viewerId = {}});
  for (const auto& m : messages) {
    if (m.seq >= before) break;
    broker::Delivery d{.userIds = {},
                       .frame = messageFrame(encodeMessage(m)),
                       .exceptConnection = 0,
                       .sharedUserIds = nullptr,
                       .conversationId = conversationId,
                       .seq = m.seq};
    if (ref->kind == ConversationRef::Kind::Direct) {
      d.userIds.push_back(ref->first);
      if (ref->second != ref->first) d.userIds.push_back(ref->second);
    } else {
      addGroupRecipients(d, ref->first, m);
    }
    out.push_back(std::move(d));
  }
  return out;
}

void MessageService::addGroupRecipients(broker::Delivery& delivery, const std::string& groupId,
                                        const store::Message& message) const {
  delivery.sharedUserIds = sharedMemberIds(groups_.find(groupId));
  withholdFromBlockers(delivery, message);
}

void MessageService::withholdFromBlockers(broker::Delivery& delivery,
                                          const store::Message& message) const {
  // Group state (joins, kicks, renames) reaches every member; what a blocked user says (and
  // any later change to it) does not reach who blocked them. Their history pages, unread
  // counts and search leave it out the same way (store::PageQuery::viewerId).
  if (message.type == "system") return;
  const auto blockers = graph_.blockersOf(message.from);
  if (blockers.empty()) return;  // the common case: the member list goes out as it is
  const auto blocked = [&](const std::string& user) {
    return std::find(blockers.begin(), blockers.end(), user) != blockers.end();
  };
  if (delivery.sharedUserIds) {
    for (const auto& member : *delivery.sharedUserIds) {
      if (!blocked(member)) delivery.userIds.push_back(member);
    }
    delivery.sharedUserIds.reset();
  } else {
    std::erase_if(delivery.userIds, blocked);
  }
}

std::vector<store::Message> MessageService::page(const Target& target,
                                                 const store::PageQuery& query) {
  return store_.messages().page(target.conversationId, query);
}

std::pair<store::Message, Target> MessageService::visibleMessage(const std::string& userId,
                                                                 const std::string& messageId) {
  if (!core::isId(messageId)) throw core::notFound("message not found");
  auto message = store_.messages().byId(messageId);
  if (!message) throw core::notFound("message not found");
  try {
    // Visibility is a read: a block does not hide the history (edit and react check it).
    auto target = authorize(userId, message->conversationId, Intent::Read);
    return {std::move(*message), std::move(target)};
  } catch (const core::ApiError&) {
    throw core::notFound("message not found");
  }
}

bool MessageService::isGroupAdmin(const std::string& userId, const Target& target) const {
  if (target.kind != "group") return false;
  const auto entry = groups_.find(target.to);
  return entry && entry->isAdmin(userId);
}

store::Message MessageService::applyChange(const Target& target,
                                           const store::MessageChange& change) {
  auto message = store_.messages().change(change);
  std::string frame = R"({"type":"message-updated","message":)";
  frame += encodeMessage(message);
  frame += '}';
  broker::Delivery delivery{.userIds = {},
                            .frame = std::make_shared<std::string>(std::move(frame)),
                            .exceptConnection = 0,
                            .sharedUserIds = target.participants,
                            .conversationId = target.conversationId};
  if (target.kind == "group") withholdFromBlockers(delivery, message);
  broker_.publish(delivery);
  return message;
}

store::Message MessageService::edit(const std::string& userId, const std::string& messageId,
                                    std::string_view body) {
  auto normalized = normalizeBody(body);
  auto [message, target] = visibleMessage(userId, messageId);
  if (message.from != userId) throw core::forbidden("only the author can edit a message");
  if (message.type != "text") throw core::invalidField("type", "only text messages can be edited");
  checkBlock(userId, target, Intent::Write);
  return applyChange(target, store::MessageChange{.kind = store::MessageChange::Kind::Edit,
                                                  .messageId = messageId,
                                                  .userId = userId,
                                                  .body = std::move(normalized),
                                                  .emoji = {},
                                                  .atMs = core::nowMs()});
}

store::Message MessageService::remove(const std::string& userId, const std::string& messageId) {
  auto [message, target] = visibleMessage(userId, messageId);
  if (message.from != userId && !isGroupAdmin(userId, target)) {
    throw core::forbidden("only the author or a group admin can delete a message");
  }
  return applyChange(target, store::MessageChange{.kind = store::MessageChange::Kind::Delete,
                                                  .messageId = messageId,
                                                  .userId = userId,
                                                  .body = {},
                                                  .emoji = {},
                                                  .atMs = core::nowMs()});
}

store::Message MessageService::react(const std::string& userId, const std::string& messageId,
                                     std::string_view emoji, bool add) {
  validateEmoji(emoji);
  auto [message, target] = visibleMessage(userId, messageId);
  checkBlock(userId, target, Intent::Write);
  return applyChange(target,
                     store::MessageChange{.kind = add ? store::MessageChange::Kind::AddReaction
                                                      : store::MessageChange::Kind::RemoveReaction,
                                          .messageId = messageId,
                                          .userId = userId,
                                          .body = {},
                                          .emoji = std::string(emoji),
                                          .atMs = core::nowMs()});
}

std::vector<store::MessageVersion> MessageService::history(const std::string& userId,
                                                           const std::string& messageId) {
  auto [message, target] = visibleMessage(userId, messageId);
  auto versions = store_.messages().history(messageId);
  if (!message.deletedAtMs) {
    versions.push_back(store::MessageVersion{
        .body = message.body, .writtenAtMs = message.editedAtMs.value_or(message.createdAtMs)});
  }
  return versions;
}

std::int64_t MessageService::markRead(const std::string& userId, const Target& target,
                                      std::int64_t seq, std::uint64_t originConnection) {
  const auto marker = store_.readMarkers().advance(userId, target.conversationId, seq);
  // Across a DM block the receipt stays with the reader's own devices; in a group it does
  // not reach the members who blocked the reader (they see nothing the reader does there).
  broker::Delivery delivery{.userIds = {},
                            .frame = nullptr,
                            .exceptConnection = originConnection,
                            .sharedUserIds = {},
                            .conversationId = target.conversationId};
  const auto blockers =
      target.kind == "group" ? graph_.blockersOf(userId) : std::vector<std::string>{};
  if (target.kind == "dm" && target.to != userId && graph_.blockedEitherWay(userId, target.to)) {
    delivery.userIds = {userId};
  } else if (!blockers.empty()) {
    for (const auto& member : *target.participants) {
      if (std::find(blockers.begin(), blockers.end(), member) == blockers.end()) {
        delivery.userIds.push_back(member);
      }
    }
  } else {
    delivery.sharedUserIds = target.participants;  // the common case: not copied
  }
  std::string frame = R"({"type":"read","conversationId":)";
  core::appendJsonString(frame, target.conversationId);
  frame += ",\"userId\":";
  core::appendJsonString(frame, userId);
  frame += ",\"seq\":" + std::to_string(marker) + "}";
  delivery.frame = std::make_shared<std::string>(std::move(frame));
  broker_.publish(delivery);
  return marker;
}

std::vector<store::ReadMarker> MessageService::othersReadMarkers(const std::string& viewerId,
                                                                 const Target& target) {
  std::vector<std::string> others;
  for (const auto& participant : *target.participants) {
    if (participant == viewerId) continue;
    const bool hidden = target.kind == "dm" ? graph_.blockedEitherWay(viewerId, participant)
                                            : graph_.hasBlocked(viewerId, participant);
    if (!hidden) others.push_back(participant);
  }
  if (others.empty()) return {};
  return store_.readMarkers().forUsers(target.conversationId, others);
}

}  // namespace gc::chat
