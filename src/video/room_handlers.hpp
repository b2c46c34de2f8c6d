#pragma once
// The video service's routes: POST /api/rooms/create, GET /api/rooms/:roomId, and the
// operations endpoints /healthz, /readyz, /metrics.
#include "api/router.hpp"
#include "video/video_app.hpp"

namespace gc::video {

api::Router buildRouter(VideoApp& app);

// {roomId, participants, createdBy, createdAt, expiresAt}
std::string encodeRoom(const Room& room);

}  // namespace gc::video
