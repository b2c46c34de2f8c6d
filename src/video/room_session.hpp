#pragma once
// The video room WebSocket (GET /ws/:roomId) for an upgrade the HTTP server has checked
// (Origin, version, key, token).
#include "api/http_server.hpp"
#include "video/video_app.hpp"

namespace gc::video {

void startRoomSession(VideoApp& app, api::Upgrade upgrade, std::string roomId);

// Closes every connection of the rooms whose time ran out, after a room_expired error frame
// (the expiry sweep, from a timer).
void endExpiredRooms(VideoApp& app);

// "/ws/<roomId>" → roomId; nullopt for any other path.
std::optional<std::string> roomIdFromPath(std::string_view path);

}  // namespace gc::video
