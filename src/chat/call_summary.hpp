#pragma once
// A call's end as a `system` message in its conversation: the one system message a client may
// post (the call happened between browsers and the video service; the chat server never sees
// it). The client says why it ended and how long it lasted; the server writes the sentence
// people read, so no client can put arbitrary text into a system note.
#include <cstdint>
#include <string>
#include <string_view>

namespace gc::chat {

inline constexpr std::string_view kCallEndedEvent = "call-ended";
// A call of a day is long enough for any person; anything longer is a client's mistake.
inline constexpr std::int64_t kMaxCallSeconds = 24 * 3600;

// `reason`: completed (somebody answered; `durationSeconds` counts from then), missed (nobody
// answered), declined, failed (it never connected). Throws ApiError 400 naming the
// `metadata.*` field; returns the body, e.g. "Call ended · 4:05" or "Missed call".
std::string callEndedBody(std::string_view reason, std::int64_t durationSeconds);

// "m:ss" below an hour, "h:mm:ss" from one hour.
std::string formatCallDuration(std::int64_t seconds);

}  // namespace gc::chat
