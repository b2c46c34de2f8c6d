#pragma once
// The embedded room registry: every room in one map behind one mutex (a join, a leave and a
// relay's lookup each hold it for a few map operations; rooms hold at most a handful of peers).
#include <mutex>
#include <unordered_map>

#include "video/room_registry.hpp"

namespace gc::video {

class MemoryRoomRegistry final : public RoomRegistry {
 public:
  explicit MemoryRoomRegistry(RegistrySettings settings);

  Room create(std::string createdBy, std::string conversationId) override;
  std::optional<Room> find(std::string_view roomId) const override;
  JoinResult join(std::string_view roomId, PeerConnection connection,
                  std::vector<std::string> blocked) override;
  std::optional<std::vector<PeerConnection>> leave(std::string_view roomId,
                                                   const hub::Connection& connection) override;
  std::vector<PeerConnection> others(std::string_view roomId,
                                     std::string_view userId) const override;
  // Always answers: memory is the whole answer here.
  std::optional<RelayTargets> relayTargetsNow(const RelayLookup& lookup) const override;
  // Calls `done` inline with relayTargetsNow's answer.
  void fetchRelayTargets(const RelayLookup& lookup, RelayTargetsDone done) const override;
  std::vector<ExpiredRoom> expire() override;
  std::size_t roomCount() const override;
  std::size_t peerCount() const override;

 private:
  struct Member {
    std::string userId;
    PeerConnection connection;
    std::vector<std::string> blocked;  // whom this user blocked, as of its join
  };
  struct Entry {
    Room room;                    // participants are derived from members on the way out
    std::vector<Member> members;  // join order
  };
  // The entry of a room that exists and has not expired, else null. Under mutex_.
  template <class Self>
  static auto live(Self& self, std::string_view roomId) -> decltype(&self.rooms_.begin()->second);
  static Room snapshot(const Entry& entry);

  RegistrySettings settings_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> rooms_;
  std::size_t peers_ = 0;
};

}  // namespace gc::video
