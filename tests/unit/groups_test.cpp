// GroupService against a real SQLite store and the in-process broker: the order and the
// recipients of what a change publishes, and the moment a removed member is cut off.
#include "chat/groups.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <mutex>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"

namespace gc::chat {
namespace {

class GroupServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("gc-groups-" + core::newId());
    std::filesystem::create_directories(dir_);
    store_ = store::openStore(
        "sqlite://" + (dir_ / "chat.db").string(),
        {.synchronous = "normal", .pageSize = 1024, .readers = 2, .readOnly = false});
    broker_ = broker::makeLocalBroker();
    broker_->subscribe([this](const broker::Delivery& d) {
      std::lock_guard lock(mutex_);
      auto users = d.userIds;  // the recipients, listed or shared
      if (d.sharedUserIds)
        users.insert(users.end(), d.sharedUserIds->begin(), d.sharedUserIds->end());
      published_.push_back({std::move(users), *d.frame});
    });
    messages_ = std::make_unique<MessageService>(*store_, *broker_, directory_, graph_);
    groups_ = std::make_unique<GroupService>(*store_, *broker_, *messages_, directory_);
    for (auto* u : {&alice, &bob, &carol}) {
      *u = core::newId();
      store_->users().create({.id = *u,
                              .username = "u" + u->substr(16),
                              .email = *u + "@example.test",
                              .passwordHash = "x",
                              .avatar = "",
                              .createdAtMs = core::nowMs(),
                              .lastSeenMs = std::nullopt});
    }
  }
  void TearDown() override {
    store_.reset();  // drains: every completion runs while the services still exist
    groups_.reset();
    messages_.reset();
    std::filesystem::remove_all(dir_);
  }

  struct Published {
    std::vector<std::string> users;
    std::string frame;
  };
  std::vector<Published> takePublished() {
    std::lock_guard lock(mutex_);
    return std::exchange(published_, {});
  }

  SendOutcome sendSync(const std::string& from, const Target& target, const std::string& body) {
    SendRequest request;
    request.conversationId = target.conversationId;
    request.body = body;
    std::promise<SendOutcome> done;
    messages_->send(from, target, request, [&done](SendOutcome o, std::exception_ptr e) {
      if (e) {
        done.set_exception(e);
      } else {
        done.set_value(std::move(o));
      }
    });
    return done.get_future().get();
  }

  static bool has(const std::string& frame, const std::string& part) {
    return frame.find(part) != std::string::npos;
  }

  std::string alice, bob, carol;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<broker::Broker> broker_;
  GroupDirectory directory_;
  SocialGraph graph_;
  std::unique_ptr<MessageService> messages_;
  std::unique_ptr<GroupService> groups_;
  std::mutex mutex_;
  std::vector<Published> published_;
};

using Users = std::vector<std::string>;

GroupFields named(const std::string& name) {
  GroupFields f;
  f.name = name;
  return f;
}

TEST_F(GroupServiceTest, AChangeIsPublishedAsItsSystemMessageThenGroupUpdated) {
  const auto g = groups_->create(alice, {.name = "club",
                                         .description = {},
                                         .avatar = {},
                                         .isPublic = true,
                                         .allowInvites = {},
                                         .maxMembers = {}});
  takePublished();
  groups_->join(bob, g.id);
  auto out = takePublished();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(has(out[0].frame, R"("type":"message")"));
  EXPECT_TRUE(has(out[0].frame, R"("event":"member-joined")"));
  EXPECT_EQ(out[0].users, (Users{alice, bob}));
  EXPECT_TRUE(has(out[1].frame, R"("type":"group-updated")"));
  EXPECT_EQ(out[1].users, (Users{alice, bob}));

  // A kick: the system message goes to those who stay; the update to the kicked one too.
  groups_->removeMember(alice, g.id, bob);
  out = takePublished();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(has(out[0].frame, R"("event":"member-removed")"));
  EXPECT_EQ(out[0].users, (Users{alice}));
  EXPECT_TRUE(has(out[1].frame, R"("type":"group-updated")"));
  EXPECT_EQ(out[1].users, (Users{alice, bob}));
  EXPECT_FALSE(has(out[1].frame, bob));  // not among the members any more
}

TEST_F(GroupServiceTest, ASendAuthorizedBeforeAKickIsNotDeliveredToTheKickedMember) {
  const auto g = groups_->create(alice, named("team"));
  groups_->addMember(alice, g.id, bob);
  const auto cid = "grp_" + g.id;
  const auto earlier = messages_->authorizeCached(alice, cid);  // bob was still a member
  ASSERT_TRUE(earlier);
  EXPECT_EQ(*earlier->participants, (Users{alice, bob}));
  groups_->removeMember(alice, g.id, bob);
  takePublished();

  sendSync(alice, *earlier, "after the kick");
  auto out = takePublished();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].users, (Users{alice}));  // the members when it committed

  // And bob cannot send from that moment, cached or not.
  try {
    messages_->authorizeCached(bob, cid);
    FAIL() << "a kicked member was authorized";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 403);
  }
  EXPECT_THROW(messages_->authorize(bob, cid), core::ApiError);
}

TEST_F(GroupServiceTest, TheLastAdminLeavingPromotesTheOldestAndTheLastMemberDeletesTheGroup) {
  const auto g = groups_->create(alice, named("team"));
  groups_->addMember(alice, g.id, bob);
  groups_->addMember(alice, g.id, carol);
  groups_->leave(alice, g.id);
  auto entry = directory_.find(g.id);
  ASSERT_NE(entry, nullptr);
  EXPECT_TRUE(entry->isAdmin(bob));
  EXPECT_FALSE(entry->isAdmin(carol));
  EXPECT_EQ(store_->groups().byId(g.id)->members[0].role, "admin");
  groups_->leave(carol, g.id);
  groups_->leave(bob, g.id);
  EXPECT_EQ(directory_.find(g.id), nullptr);
  EXPECT_FALSE(store_->groups().byId(g.id));
  try {
    messages_->authorizeCached(bob, "grp_" + g.id);
    FAIL() << "a deleted group was authorized";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 404);
  }
}

TEST_F(GroupServiceTest, TheCacheIsRebuiltFromTheStoreAtStartUp) {
  const auto g = groups_->create(alice, named("team"));
  groups_->addMember(alice, g.id, bob);
  groups_->setRole(alice, g.id, bob, "admin");
  GroupDirectory fresh;
  GroupService(*store_, *broker_, *messages_, fresh).load();
  const auto entry = fresh.find(g.id);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->memberIds, (Users{alice, bob}));
  EXPECT_TRUE(entry->isAdmin(bob));
  EXPECT_EQ(entry->group.name, "team");
}

}  // namespace
}  // namespace gc::chat
