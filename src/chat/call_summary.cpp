#include "chat/call_summary.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace gc::chat {

std::string formatCallDuration(std::int64_t seconds) {
  const auto h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
  if (h > 0) return fmt::format("{}:{:02}:{:02}", h, m, s);
  return fmt::format("{}:{:02}", m, s);
}

std::string callEndedBody(std::string_view reason, std::int64_t durationSeconds) {
  if (durationSeconds < 0 || durationSeconds > kMaxCallSeconds) {
    throw core::invalidField("metadata.durationSeconds", "must be 0-86400");
  }
  if (reason == "completed") return "Call ended · " + formatCallDuration(durationSeconds);
  // A call nobody answered has no duration worth showing.
  if (reason == "missed") return "Missed call";
  if (reason == "declined") return "Call declined";
  if (reason == "failed") return "Call failed";
  throw core::invalidField("metadata.reason", "must be completed, missed, declined or failed");
}

}  // namespace gc::chat
