#include "chat/conversation_follows.hpp"

#include <spdlog/spdlog.h>

namespace gc::chat {

class ConversationFollows::Ticket {
 public:
  Ticket(ConversationFollows& follows, std::string userId)
      : follows_(follows), userId_(std::move(userId)) {}
  ~Ticket() { follows_.release(userId_); }
  Ticket(const Ticket&) = delete;
  Ticket& operator=(const Ticket&) = delete;

 private:
  ConversationFollows& follows_;
  std::string userId_;
};

ConversationFollows::ConversationFollows(broker::Broker& broker, Options options)
    : broker_(broker), options_(std::move(options)) {}

ConversationFollows::~ConversationFollows() {
  // Connections still waiting for their admission (at exit) hold tickets: they release them
  // here, while everything they release into is still whole.
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, user] : users_) {
      for (auto& ready : user.waiting) waiting.push_back(std::move(ready));
      user.waiting.clear();
    }
  }
  waiting.clear();
}

std::shared_ptr<ConversationFollows::Ticket> ConversationFollows::admit(
    const std::string& userId, std::function<void()> ready) {
  auto ticket = std::make_shared<Ticket>(*this, userId);
  std::uint64_t generation = 0;
  bool startLoad = false;
  std::function<void()> atOnce;
  {
    std::lock_guard lock(mutex_);
    auto& user = users_[userId];
    ++user.tickets;
    if (user.ready) {
      atOnce = std::move(ready);
    } else {
      user.waiting.push_back(std::move(ready));
      if (user.generation == 0) {
        user.generation = ++nextGeneration_;
        startLoad = true;
      }
      generation = user.generation;
    }
  }
  if (atOnce) {
    atOnce();
    return ticket;
  }
  if (startLoad) options_.offload([this, userId, generation] { load(userId, generation); });
  options_.after(options_.admitTimeout,
                 [this, userId, generation] { admitWaiting(userId, generation); });
  return ticket;
}

void ConversationFollows::load(const std::string& userId, std::uint64_t generation) {
  std::vector<std::string> ids;
  try {
    ids = options_.conversationsOf(userId);
  } catch (const std::exception& e) {
    // Admitted anyway: the client's resync reads the store itself, and the conversations
    // that start or are joined from now on are followed as they are heard.
    spdlog::warn("conversations of a user connecting here not read: {}", e.what());
  }
  std::lock_guard lock(mutex_);
  const auto it = users_.find(userId);
  if (it == users_.end() || it->second.generation != generation) return;  // gone meanwhile
  for (const auto& id : ids) {
    // Followed here from now on, not until now: a baseline the delivery order kept (its first
    // message reaches every instance) is stale, and filling from it would send this user
    // what their resync reads anyway.
    if (add(userId, it->second, id) && options_.forgotten) options_.forgotten(id);
  }
  // Every one of them, not only those new here: another user's follow of one may still be
  // waiting for Redis. Under the lock, so that follows and unfollows reach the broker in the
  // order they were decided.
  broker_.follow(std::move(ids), [this, userId, generation] { loaded(userId, generation); });
}

void ConversationFollows::loaded(const std::string& userId, std::uint64_t generation) {
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard lock(mutex_);
    const auto it = users_.find(userId);
    if (it == users_.end() || it->second.generation != generation) return;
    it->second.ready = true;
    waiting.swap(it->second.waiting);
  }
  for (auto& ready : waiting) ready();
}

void ConversationFollows::admitWaiting(const std::string& userId, std::uint64_t generation) {
  std::vector<std::function<void()>> waiting;
  {
    std::lock_guard lock(mutex_);
    const auto it = users_.find(userId);
    if (it == users_.end() || it->second.generation != generation) return;
    waiting.swap(it->second.waiting);
  }
  if (waiting.empty()) return;
  // Redis is away (or slow): its return closes every connection with 1012 and the clients
  // resync then, so waiting longer would only keep this one out.
  spdlog::warn("a connection admitted before its conversations were followed (Redis away?)");
  for (auto& ready : waiting) ready();
}

void ConversationFollows::release(const std::string& userId) {
  std::lock_guard lock(mutex_);
  const auto it = users_.find(userId);
  if (it == users_.end() || --it->second.tickets > 0) return;
  std::vector<std::string> unfollowed;
  for (const auto& id : it->second.conversations) {
    const auto f = followers_.find(id);
    if (f == followers_.end()) continue;
    f->second.erase(userId);
    if (!f->second.empty()) continue;
    followers_.erase(f);
    unfollowed.push_back(id);
  }
  users_.erase(it);
  for (const auto& id : unfollowed) {
    if (options_.forgotten) options_.forgotten(id);
  }
  if (!unfollowed.empty()) broker_.unfollow(std::move(unfollowed));
}

void ConversationFollows::heard(const broker::Delivery& delivery) {
  const bool starts = delivery.seq == 1 && !delivery.conversationId.empty();
  if (!starts && delivery.groupChanged.empty()) return;  // the common case: no lock
  std::vector<std::string> members;
  if (!delivery.groupChanged.empty()) members = options_.membersOf(delivery.groupChanged);
  std::lock_guard lock(mutex_);
  if (starts) {
    bool fresh = false;
    const auto visit = [&](const std::string& userId) {
      const auto it = users_.find(userId);
      if (it != users_.end()) fresh = add(userId, it->second, delivery.conversationId) || fresh;
    };
    for (const auto& u : delivery.userIds) visit(u);
    if (delivery.sharedUserIds) {
      for (const auto& u : *delivery.sharedUserIds) visit(u);
    }
    if (fresh) followLate(delivery.conversationId);
  }
  if (delivery.groupChanged.empty()) return;
  const auto conversationId = "grp_" + delivery.groupChanged;
  bool fresh = false;
  for (const auto& m : members) {
    const auto it = users_.find(m);
    if (it != users_.end()) fresh = add(m, it->second, conversationId) || fresh;
  }
  if (fresh) {
    // The group's delivery order starts at its last seq first, then the channel is
    // subscribed: the catch-up once subscribed then has a baseline to fill from, and what
    // was committed between the two reaches the new member live.
    options_.offload([this, conversationId] {
      if (options_.startAtLastSeq) options_.startAtLastSeq(conversationId);
      std::lock_guard lock(mutex_);
      if (followers_.contains(conversationId)) followLate(conversationId);  // still wanted
    });
  }
  const auto f = followers_.find(conversationId);
  if (f == followers_.end()) return;
  const std::unordered_set<std::string> stay(members.begin(), members.end());
  std::vector<std::string> left;
  for (const auto& u : f->second) {
    if (!stay.contains(u)) left.push_back(u);
  }
  for (const auto& u : left) remove(u, users_.at(u), conversationId);
}

bool ConversationFollows::isFollowed(const std::string& conversationId) {
  std::lock_guard lock(mutex_);
  return followers_.contains(conversationId);
}

bool ConversationFollows::add(const std::string& userId, User& user,
                              const std::string& conversationId) {
  if (!user.conversations.insert(conversationId).second) return false;
  auto& followers = followers_[conversationId];
  followers.insert(userId);
  return followers.size() == 1;
}

void ConversationFollows::remove(const std::string& userId, User& user,
                                 const std::string& conversationId) {
  user.conversations.erase(conversationId);
  const auto f = followers_.find(conversationId);
  if (f == followers_.end()) return;
  f->second.erase(userId);
  if (!f->second.empty()) return;
  followers_.erase(f);
  if (options_.forgotten) options_.forgotten(conversationId);
  broker_.unfollow({conversationId});
}

void ConversationFollows::followLate(const std::string& conversationId) {
  broker_.follow({conversationId}, [this, conversationId] {
    if (options_.caughtUp)
      options_.offload([this, conversationId] { options_.caughtUp(conversationId); });
  });
}

}  // namespace gc::chat
