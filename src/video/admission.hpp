#pragma once
// Who may create and join a conversation's room, decided from the chat server's own records
// (the same store interface; in the embedded default the video service opens the chat
// server's SQLite file read-only). All calls block: run them on the blocking pool.
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace gc::video {

class Admission {
 public:
  explicit Admission(store::Store& store) : store_(store) {}

  // Throws core::ApiError: 404 not_found (malformed id, unknown user or group), 403 forbidden
  // (not a participant), 403 blocked (a DM whose two users are split by a block).
  // An empty conversation id (a room for anyone with its id) passes.
  void checkConversation(std::string_view userId, std::string_view conversationId);
  // The users `userId` blocked (the room registry refuses a call across a block).
  std::vector<std::string> blockedBy(std::string_view userId);

 private:
  store::Store& store_;
};

}  // namespace gc::video
