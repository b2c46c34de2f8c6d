#include "chat/call_summary.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace gc::chat {
namespace {

TEST(FormatCallDuration, MinutesBelowAnHourHoursFromThen) {
  EXPECT_EQ(formatCallDuration(0), "0:00");
  EXPECT_EQ(formatCallDuration(65), "1:05");
  EXPECT_EQ(formatCallDuration(3599), "59:59");
  EXPECT_EQ(formatCallDuration(3600), "1:00:00");
  EXPECT_EQ(formatCallDuration(86400), "24:00:00");
}

TEST(CallEndedBody, TheServerWritesTheSentence) {
  EXPECT_EQ(callEndedBody("completed", 245), "Call ended · 4:05");
  EXPECT_EQ(callEndedBody("missed", 0), "Missed call");
  EXPECT_EQ(callEndedBody("declined", 0), "Call declined");
  EXPECT_EQ(callEndedBody("failed", 3), "Call failed");
}

TEST(CallEndedBody, RefusesUnknownReasonsAndImpossibleDurations) {
  const auto field = [](auto&& call) {
    try {
      call();
    } catch (const core::ApiError& e) {
      EXPECT_EQ(e.status(), 400);
      return std::string(e.what()).substr(0, std::string(e.what()).find(':'));
    }
    return std::string("no error");
  };
  EXPECT_EQ(field([] { callEndedBody("hacked", 1); }), "metadata.reason");
  EXPECT_EQ(field([] { callEndedBody("", 1); }), "metadata.reason");
  EXPECT_EQ(field([] { callEndedBody("completed", -1); }), "metadata.durationSeconds");
  EXPECT_EQ(field([] { callEndedBody("completed", kMaxCallSeconds + 1); }),
            "metadata.durationSeconds");
}

}  // namespace
}  // namespace gc::chat
