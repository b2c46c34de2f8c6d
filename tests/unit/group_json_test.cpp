#include "chat/group_json.hpp"

#include <gtest/gtest.h>

namespace gc::chat {
namespace {

TEST(GroupJson, EncodesTheContractShapeWithUserIdSpelledUserID) {
  store::Group g;
  g.id = "0123456789abcdef01234567";
  g.name = "Say \"hi\"";
  g.description = "line\nbreak";
  g.avatar = "";
  g.settings = {.isPublic = true, .allowInvites = false, .maxMembers = 50};
  g.createdAtMs = 1000;
  g.updatedAtMs = 2500;
  g.members = {{.userId = "u1", .role = "admin", .joinedAtMs = 1000},
               {.userId = "u2", .role = "member", .joinedAtMs = 2000}};
  EXPECT_EQ(
      encodeGroup(g),
      R"({"id":"0123456789abcdef01234567","name":"Say \"hi\"","description":"line\nbreak",)"
      R"("avatar":"","members":[{"userID":"u1","role":"admin","joinedAt":"1970-01-01T00:00:01.000Z"},)"
      R"({"userID":"u2","role":"member","joinedAt":"1970-01-01T00:00:02.000Z"}],)"
      R"("settings":{"isPublic":true,"allowInvites":false,"maxMembers":50},)"
      R"("createdAt":"1970-01-01T00:00:01.000Z","updatedAt":"1970-01-01T00:00:02.500Z"})");
  EXPECT_EQ(encodeGroupUpdatedFrame(g),
            R"({"type":"group-updated","group":)" + encodeGroup(g) + "}");
}

}  // namespace
}  // namespace gc::chat
