#pragma once
// Friends and blocks: the rules, the events, and the in-memory graph kept in step with the
// store. Every call blocks on the store: callers run them on the blocking pool.
//
// Events (to every connection of the users named):
// - friend-request {friendship}: a new pending request, to both users;
// - friend-accepted {friendship}: accepted (also by a crossing request), to both users,
//   followed by each one's presence to the other;
// - friend-rejected {friendship}: to the recipient only (the requester is not told);
// - friend-removed {userId}: an unfriend, a cancelled request or a block ended it, to both
//   users, each naming the other.
#include <string>
#include <vector>

#include "broker/broker.hpp"
#include "chat/presence.hpp"
#include "chat/social_graph.hpp"
#include "store/store.hpp"

namespace gc::chat {

struct FriendListing {
  std::vector<store::User> friends;
  // Pending requests with the other user of each.
  std::vector<std::pair<store::Friendship, store::User>> incoming;
  std::vector<std::pair<store::Friendship, store::User>> outgoing;
  std::vector<store::User> blocked;  // whom the user blocked
};

class FriendService {
 public:
  FriendService(store::Store& store, broker::Broker& broker, SocialGraph& graph,
                Presence& presence);

  // Loads the graph (start-up).
  void load();

  // 400 for oneself, 404 for an unknown user, then the store's rules (403 blocked, 409).
  store::FriendRequestResult request(const std::string& me, const std::string& userId);
  store::Friendship accept(const std::string& me, const std::string& friendshipId);
  store::Friendship reject(const std::string& me, const std::string& friendshipId);
  // Ends a friendship or withdraws/declines a pending request; 404 when there is none.
  void unfriend(const std::string& me, const std::string& userId);
  // Idempotent. A block ends any friendship between the two.
  void block(const std::string& me, const std::string& userId);
  void unblock(const std::string& me, const std::string& userId);

  FriendListing list(const std::string& me);

  // Blocking: re-reads from the store whether two users are friends and who blocks whom, into
  // the graph (another instance changed it: scale-out). Two who just became friends are told
  // each other's status by the instance that holds their connections.
  void reloadPair(const std::string& a, const std::string& b);

 private:
  store::User requireOtherUser(const std::string& me, const std::string& userId);
  store::Friendship respond(const std::string& me, const std::string& friendshipId,
                            const char* status);
  void publish(std::vector<std::string> userIds, std::string frame);
  void publishFriendship(std::string_view type, const store::Friendship& f,
                         std::vector<std::string> userIds);
  void publishRemoved(const std::string& a, const std::string& b);
  // Tells the other instances that the pair's friendship or blocks changed.
  void publishPairChanged(const std::string& a, const std::string& b);

  store::Store& store_;
  broker::Broker& broker_;
  SocialGraph& graph_;
  Presence& presence_;
};

}  // namespace gc::chat
