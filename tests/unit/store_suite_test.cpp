// The store suite: written once against the Store interface, run for every backend.
// SQLite always runs; a backend joins by adding its name to backends() and a case to
// makeStore() (PostgreSQL: when GC_TEST_POSTGRES_URL is set by the test script).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "postgres_test_database.hpp"
#include "store/store.hpp"
#include "store_test_messages.hpp"

namespace gc::store {
namespace {

// The cluster scripts/postgres.sh started for this run (scripts/test.sh sets it).
const char* postgresServerUrl() {
  const char* url = std::getenv("GC_TEST_POSTGRES_URL");
  return url && *url ? url : nullptr;
}

std::vector<std::string> backends() {
  std::vector<std::string> out = {"sqlite"};
  if (postgresServerUrl()) out.push_back("postgres");
  return out;
}

class StoreSuite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("gc-store-" + core::newId());
    std::filesystem::create_directories(dir_);
    if (GetParam() == "postgres") postgres_.emplace(postgresServerUrl());
    store_ = open();
  }
  void TearDown() override {
    store_.reset();
    postgres_.reset();
    std::filesystem::remove_all(dir_);
  }
  // The same database again after reopen(): what survives is what was committed.
  std::unique_ptr<Store> open() {
    const std::string url =
        postgres_ ? postgres_->url() : "sqlite://" + (dir_ / "chat.db").string();
    // Two send writers on PostgreSQL (the default is one, which the other PostgreSQL tests
    // use): every case here must hold with sends split over writers.
    return openStore(url, {.synchronous = "full",
                           .pageSize = 1024,
                           .readers = 2,
                           .appendWriters = 2,
                           .readOnly = false});
  }
  void reopen() {
    store_.reset();
    store_ = open();
  }

  User user(const std::string& name) {
    return User{.id = core::newId(),
                .username = name,
                .email = name + "@example.test",
                .passwordHash = "$2b$04$hash",
                .avatar = "",
                .createdAtMs = core::nowMs(),
                .lastSeenMs = std::nullopt};
  }

  NewMessage draft(const std::string& cid, const std::string& from, const std::string& to,
                   const std::string& body, const std::string& clientMsgId = "") {
    return dmDraft(cid, from, to, body, clientMsgId);
  }

  AppendResult appendSync(NewMessage m) { return appendAndWait(*store_, std::move(m)); }

  std::filesystem::path dir_;
  std::optional<PostgresTestDatabase> postgres_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreSuite, CreatesAndFindsUsersCaseInsensitively) {
  auto alice = user("Alice");
  store_->users().create(alice);
  EXPECT_EQ(store_->users().byId(alice.id)->username, "Alice");
  EXPECT_EQ(store_->users().byLogin("aLiCe")->id, alice.id);
  EXPECT_EQ(store_->users().byLogin("ALICE@example.TEST")->id, alice.id);
  EXPECT_FALSE(store_->users().byLogin("bob"));
  EXPECT_FALSE(store_->users().byId(core::newId()));
}

TEST_P(StoreSuite, RefusesDuplicateUsernameAndEmail) {
  store_->users().create(user("alice"));
  auto sameName = user("ALICE");
  sameName.email = "other@example.test";
  try {
    store_->users().create(sameName);
    FAIL() << "duplicate username accepted";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.code(), "username_taken");
  }
  auto sameEmail = user("alice2");
  sameEmail.email = "Alice@Example.test";
  try {
    store_->users().create(sameEmail);
    FAIL() << "duplicate email accepted";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.code(), "email_taken");
  }
}

TEST_P(StoreSuite, CreateMissingSkipsExistingUsers) {
  std::vector<User> batch = {user("p1"), user("p2")};
  EXPECT_EQ(store_->users().createMissing(batch), 2);
  batch.push_back(user("p3"));
  batch[0].id = core::newId();  // same name, new id: still a duplicate
  EXPECT_EQ(store_->users().createMissing(batch), 1);
}

TEST_P(StoreSuite, SearchesUsernamePrefixes) {
  for (auto n : {"carol", "Carla", "carl_1", "bob"}) store_->users().create(user(n));
  auto found = store_->users().searchByPrefix("CAR", 10);
  std::vector<std::string> names;
  for (auto& u : found) names.push_back(u.username);
  EXPECT_EQ(names, (std::vector<std::string>{"carl_1", "Carla", "carol"}));
  EXPECT_EQ(store_->users().searchByPrefix("car", 2).size(), 2u);
  EXPECT_TRUE(store_->users().searchByPrefix("z", 10).empty());
}

TEST_P(StoreSuite, AssignsGapFreeSeqPerConversation) {
  const auto a = core::newId(), b = core::newId(), c = core::newId();
  EXPECT_EQ(appendSync(draft("dm_ab", a, b, "1")).message.seq, 1);
  EXPECT_EQ(appendSync(draft("dm_ab", b, a, "2")).message.seq, 2);
  EXPECT_EQ(appendSync(draft("dm_ac", a, c, "x")).message.seq, 1);
  EXPECT_EQ(appendSync(draft("dm_ab", a, b, "3")).message.seq, 3);
}

TEST_P(StoreSuite, ConcurrentAppendsGetOneToNWithoutGaps) {
  const auto a = core::newId(), b = core::newId();
  constexpr int kThreads = 8, kEach = 200;
  std::mutex mutex;
  std::vector<std::int64_t> seqs;
  std::atomic<int> done{0};
  std::promise<void> all;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        store_->messages().append(draft("dm_ab", t % 2 ? a : b, t % 2 ? b : a, "m"),
                                  [&](AppendResult r, std::exception_ptr e) {
                                    {
                                      std::lock_guard lock(mutex);
                                      seqs.push_back(e ? -1 : r.message.seq);
                                    }
                                    if (++done == kThreads * kEach) all.set_value();
                                  });
      }
    });
  }
  for (auto& t : threads) t.join();
  all.get_future().wait();
  std::sort(seqs.begin(), seqs.end());
  for (int i = 0; i < kThreads * kEach; ++i) ASSERT_EQ(seqs[i], i + 1);
  EXPECT_EQ(store_->conversations().lastSeq("dm_ab"), kThreads * kEach);
}

// Sends to many conversations at once, as a busy server makes them (on PostgreSQL split
// over two writers here): each conversation's sends commit in the order they were made, and
// their callbacks run in that order too.
TEST_P(StoreSuite, InterleavedSendsKeepEachConversationsOrder) {
  constexpr int kConversations = 15, kEach = 40;
  const auto a = core::newId(), b = core::newId();
  std::mutex mutex;
  std::map<std::string, std::vector<std::pair<std::int64_t, std::string>>> seen;
  std::atomic<int> done{0};
  std::promise<void> all;
  for (int i = 0; i < kEach; ++i) {
    for (int c = 0; c < kConversations; ++c) {
      const std::string cid = "dm_order_" + std::to_string(c);
      store_->messages().append(draft(cid, a, b, std::to_string(i)),
                                [&, cid](AppendResult r, std::exception_ptr e) {
                                  {
                                    std::lock_guard lock(mutex);
                                    seen[cid].emplace_back(e ? -1 : r.message.seq, r.message.body);
                                  }
                                  if (++done == kConversations * kEach) all.set_value();
                                });
    }
  }
  all.get_future().wait();
  ASSERT_EQ(seen.size(), static_cast<std::size_t>(kConversations));
  for (const auto& [cid, callbacks] : seen) {
    ASSERT_EQ(callbacks.size(), static_cast<std::size_t>(kEach)) << cid;
    for (int i = 0; i < kEach; ++i) {
      EXPECT_EQ(callbacks[i].first, i + 1) << cid;               // seq in callback order
      EXPECT_EQ(callbacks[i].second, std::to_string(i)) << cid;  // the i-th send got seq i+1
    }
  }
}

TEST_P(StoreSuite, RetryWithSameClientMsgIdReturnsTheFirstMessage) {
  const auto a = core::newId(), b = core::newId();
  const auto first = appendSync(draft("dm_ab", a, b, "hello", "c-1"));
  const auto retry = appendSync(draft("dm_ab", a, b, "hello again", "c-1"));
  EXPECT_TRUE(retry.duplicate);
  EXPECT_FALSE(first.duplicate);
  EXPECT_EQ(retry.message.id, first.message.id);
  EXPECT_EQ(retry.message.seq, first.message.seq);
  EXPECT_EQ(retry.message.body, "hello");
  // Same id from the other participant, or into another conversation, is a new message.
  EXPECT_FALSE(appendSync(draft("dm_ab", b, a, "mine", "c-1")).duplicate);
  EXPECT_FALSE(appendSync(draft("dm_ac", a, b, "other", "c-1")).duplicate);
  EXPECT_EQ(store_->conversations().lastSeq("dm_ab"), 2);
}

TEST_P(StoreSuite, RetriesInOneBatchStoreOnce) {
  const auto a = core::newId(), b = core::newId();
  std::promise<void> all;
  std::atomic<int> done{0};
  std::set<std::string> ids;
  std::mutex mutex;
  for (int i = 0; i < 50; ++i) {
    store_->messages().append(draft("dm_ab", a, b, "x", "same"),
                              [&](AppendResult r, std::exception_ptr) {
                                {
                                  std::lock_guard lock(mutex);
                                  ids.insert(r.message.id);
                                }
                                if (++done == 50) all.set_value();
                              });
  }
  all.get_future().wait();
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(store_->conversations().lastSeq("dm_ab"), 1);
}

TEST_P(StoreSuite, PagesNewestFirstWindowAscending) {
  const auto a = core::newId(), b = core::newId();
  for (int i = 1; i <= 10; ++i) appendSync(draft("dm_ab", a, b, std::to_string(i)));
  auto seqs = [](const std::vector<Message>& ms) {
    std::vector<std::int64_t> out;
    for (auto& m : ms) out.push_back(m.seq);
    return out;
  };
  EXPECT_EQ(seqs(store_->messages().page("dm_ab",
                                         {.before = {}, .after = {}, .limit = 3, .viewerId = {}})),
            (std::vector<std::int64_t>{8, 9, 10}));
  EXPECT_EQ(seqs(store_->messages().page("dm_ab",
                                         {.before = 8, .after = {}, .limit = 3, .viewerId = {}})),
            (std::vector<std::int64_t>{5, 6, 7}));
  EXPECT_EQ(seqs(store_->messages().page("dm_ab",
                                         {.before = {}, .after = 2, .limit = 3, .viewerId = {}})),
            (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(seqs(store_->messages().page("dm_ab",
                                         {.before = 6, .after = 2, .limit = 10, .viewerId = {}})),
            (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_TRUE(store_->messages()
                  .page("dm_none", {.before = {}, .after = {}, .limit = 3, .viewerId = {}})
                  .empty());
}

TEST_P(StoreSuite, ListsConversationsWithUnreadAndMarkers) {
  auto alice = user("alice"), bob = user("bob"), carol = user("carol");
  for (auto& u : {alice, bob, carol}) store_->users().create(u);
  appendSync(draft("dm_ab", alice.id, bob.id, "1"));
  appendSync(draft("dm_ab", alice.id, bob.id, "2"));
  appendSync(draft("dm_ac", carol.id, alice.id, "hey"));
  appendSync(draft("dm_ab", alice.id, bob.id, "3"));

  auto forBob = store_->conversations().listForUser(bob.id, 50);
  ASSERT_EQ(forBob.size(), 1u);
  EXPECT_EQ(forBob[0].unread, 3);
  EXPECT_EQ(forBob[0].lastSeq, 3);
  EXPECT_EQ(forBob[0].lastMessage->body, "3");

  auto forAlice = store_->conversations().listForUser(alice.id, 50);
  ASSERT_EQ(forAlice.size(), 2u);
  EXPECT_EQ(forAlice[0].id, "dm_ab");  // most recent activity first
  EXPECT_EQ(forAlice[0].unread, 0);    // her own messages
  EXPECT_EQ(forAlice[1].unread, 1);

  EXPECT_EQ(store_->readMarkers().advance(bob.id, "dm_ab", 2), 2);
  EXPECT_EQ(store_->readMarkers().advance(bob.id, "dm_ab", 1), 2);   // never backwards
  EXPECT_EQ(store_->readMarkers().advance(bob.id, "dm_ab", 99), 3);  // clamped to lastSeq
  EXPECT_EQ(store_->readMarkers().get(bob.id, "dm_ab"), 3);
  EXPECT_EQ(store_->conversations().listForUser(bob.id, 50)[0].unread, 0);
}

TEST_P(StoreSuite, ReadMarkersOfNamedUsersOnly) {
  const auto a = core::newId(), b = core::newId(), c = core::newId(), d = core::newId();
  // The store does not check who takes part: the caller names the users.
  for (int i = 1; i <= 4; ++i) appendSync(draft("dm_ab", a, b, std::to_string(i)));
  appendSync(draft("dm_cd", c, d, "elsewhere"));
  store_->readMarkers().advance(b, "dm_ab", 2);
  store_->readMarkers().advance(c, "dm_ab", 4);
  store_->readMarkers().advance(d, "dm_cd", 1);  // another conversation's marker
  const auto markers = store_->readMarkers().forUsers("dm_ab", {c, d, a, b});
  // In the order asked; d never read it; a's marker moved when a sent.
  ASSERT_EQ(markers.size(), 3u);
  EXPECT_EQ(markers[0].userId, c);
  EXPECT_EQ(markers[0].seq, 4);
  EXPECT_EQ(markers[1].userId, a);
  EXPECT_EQ(markers[1].seq, 4);
  EXPECT_EQ(markers[2].userId, b);
  EXPECT_EQ(markers[2].seq, 2);
  EXPECT_TRUE(store_->readMarkers().forUsers("dm_ab", {d}).empty());
  EXPECT_TRUE(store_->readMarkers().forUsers("dm_ab", {}).empty());
}

MessageChange changeOf(MessageChange::Kind kind, const Message& m, const std::string& user,
                       const std::string& text = "") {
  return MessageChange{.kind = kind,
                       .messageId = m.id,
                       .userId = user,
                       .body = kind == MessageChange::Kind::Edit ? text : "",
                       .emoji = kind == MessageChange::Kind::Edit ? "" : text,
                       .atMs = core::nowMs()};
}

TEST_P(StoreSuite, EditsKeepEveryEarlierVersion) {
  const auto m = appendSync(draft("dm_a_b", "a", "b", "first")).message;
  auto& messages = store_->messages();
  messages.change(changeOf(MessageChange::Kind::Edit, m, "a", "second"));
  messages.change(changeOf(MessageChange::Kind::Edit, m, "a", "second"));  // no change, no version
  const auto now = messages.change(changeOf(MessageChange::Kind::Edit, m, "a", "third"));
  EXPECT_EQ(now.body, "third");
  ASSERT_TRUE(now.editedAtMs.has_value());
  EXPECT_EQ(now.seq, m.seq);
  const auto versions = messages.history(m.id);
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].body, "first");
  EXPECT_EQ(versions[0].writtenAtMs, m.createdAtMs);
  EXPECT_EQ(versions[1].body, "second");
  EXPECT_EQ(messages.byId(m.id)->body, "third");
}

TEST_P(StoreSuite, DeleteLeavesATombstoneWithoutBodyHistoryOrReactions) {
  const auto m = appendSync(draft("dm_a_b", "a", "b", "secret")).message;
  auto& messages = store_->messages();
  messages.change(changeOf(MessageChange::Kind::Edit, m, "a", "more secret"));
  messages.change(changeOf(MessageChange::Kind::AddReaction, m, "b", "👍"));
  const auto gone = messages.change(changeOf(MessageChange::Kind::Delete, m, "a"));
  EXPECT_TRUE(gone.deletedAtMs.has_value());
  EXPECT_EQ(gone.body, "");
  EXPECT_TRUE(gone.reactions.empty());
  EXPECT_TRUE(messages.history(m.id).empty());
  const auto page = messages.page("dm_a_b", PageQuery{});
  ASSERT_EQ(page.size(), 1u);  // the tombstone keeps its place in the conversation
  EXPECT_EQ(page[0].body, "");
  EXPECT_EQ(page[0].seq, m.seq);
  // A deleted message takes no edit or reaction; deleting again changes nothing.
  EXPECT_THROW(messages.change(changeOf(MessageChange::Kind::Edit, m, "a", "back")),
               core::ApiError);
  EXPECT_THROW(messages.change(changeOf(MessageChange::Kind::AddReaction, m, "b", "🎉")),
               core::ApiError);
  EXPECT_EQ(messages.change(changeOf(MessageChange::Kind::Delete, m, "a")).deletedAtMs,
            gone.deletedAtMs);
}

TEST_P(StoreSuite, GroupPagesLeaveOutWhatTheViewerBlocked) {
  const auto inGroup = [&](const std::string& from, const std::string& body) {
    auto d = draft("grp_g1", from, "g1", body);
    d.conversationKind = "group";
    d.participants = {"a", "b", "c"};
    return appendSync(std::move(d)).message;
  };
  const auto before = appendSync(draft("dm_b_c", "b", "c", "an old DM")).message;
  const auto a1 = inGroup("a", "hi");
  const auto b1 = inGroup("b", "c blocked me");
  const auto a2 = inGroup("a", "bye");
  const auto b2 = inGroup("b", "still here");
  store_->friendships().block("c", "b", core::nowMs());
  const auto ids = [&](const std::string& cid, const std::string& viewer) {
    std::vector<std::string> out;
    for (const auto& m : store_->messages().page(
             cid, {.before = {}, .after = {}, .limit = 50, .viewerId = viewer})) {
      out.push_back(m.id);
    }
    return out;
  };
  EXPECT_EQ(ids("grp_g1", "c"), (std::vector<std::string>{a1.id, a2.id}));
  EXPECT_EQ(ids("grp_g1", "a"), (std::vector<std::string>{a1.id, b1.id, a2.id, b2.id}));
  EXPECT_EQ(ids("grp_g1", ""), (std::vector<std::string>{a1.id, b1.id, a2.id, b2.id}));
  // A resync page (after a seq) leaves them out as well.
  const auto after = store_->messages().page(
      "grp_g1", {.before = {}, .after = a1.seq, .limit = 50, .viewerId = "c"});
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, a2.id);
  // A DM keeps both sides: the block stops new DMs instead.
  EXPECT_EQ(ids("dm_b_c", "c"), (std::vector<std::string>{before.id}));
  const auto list = store_->conversations().listForUser("c", 50);
  const auto group =
      std::find_if(list.begin(), list.end(), [](const auto& c) { return c.id == "grp_g1"; });
  ASSERT_NE(group, list.end());
  EXPECT_EQ(group->unread, 2);  // a's two messages, not b's
  ASSERT_TRUE(group->lastMessage);
  EXPECT_EQ(group->lastMessage->id, a2.id);
}

TEST_P(StoreSuite, ReactionsAggregatePerEmojiInOrder) {
  const auto m = appendSync(draft("dm_a_b", "a", "b", "hello")).message;
  auto& messages = store_->messages();
  // All in one millisecond, as reactions from a busy server can be: the order they were
  // made in must still hold.
  const auto react = [&](const std::string& user, const std::string& emoji) {
    auto c = changeOf(MessageChange::Kind::AddReaction, m, user, emoji);
    c.atMs = 1'000;
    messages.change(c);
  };
  react("b", "👍");
  react("a", "🎉");
  react("a", "👍");
  react("a", "👍");  // already there
  auto now = messages.byId(m.id);
  ASSERT_EQ(now->reactions.size(), 2u);
  EXPECT_EQ(now->reactions[0].emoji, "👍");
  EXPECT_EQ(now->reactions[0].users, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(now->reactions[1].emoji, "🎉");
  now = messages.change(changeOf(MessageChange::Kind::RemoveReaction, m, "b", "👍"));
  EXPECT_EQ(now->reactions[0].users, (std::vector<std::string>{"a"}));
  now = messages.change(changeOf(MessageChange::Kind::RemoveReaction, m, "a", "🎉"));
  ASSERT_EQ(now->reactions.size(), 1u);
  // Pages carry the reactions of the messages they hold.
  const auto page = messages.page("dm_a_b", PageQuery{});
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].reactions.size(), 1u);
}

TEST_P(StoreSuite, RepliesShowTheirOriginalAsItIsNow) {
  const auto original = appendSync(draft("dm_a_b", "a", "b", "question?")).message;
  auto reply = draft("dm_a_b", "b", "a", "answer");
  reply.message.replyToId = original.id;
  const auto stored = appendSync(reply).message;
  ASSERT_TRUE(stored.replyTo.has_value());
  EXPECT_EQ(stored.replyTo->body, "question?");
  EXPECT_EQ(stored.replyTo->seq, original.seq);
  EXPECT_EQ(stored.replyTo->from, "a");
  store_->messages().change(changeOf(MessageChange::Kind::Delete, original, "a"));
  const auto now = store_->messages().byId(stored.id);
  ASSERT_TRUE(now->replyTo.has_value());
  EXPECT_TRUE(now->replyTo->deleted);
  EXPECT_EQ(now->replyTo->body, "");  // the deleted text does not live on in its replies
}

TEST_P(StoreSuite, RefusesRepliesToAnotherConversationWithoutFailingTheBatch) {
  const auto elsewhere = appendSync(draft("dm_a_c", "a", "c", "not yours")).message;
  auto reply = draft("dm_a_b", "b", "a", "sneaky");
  reply.message.replyToId = elsewhere.id;
  EXPECT_THROW(appendSync(reply), core::ApiError);
  // Nothing of the refused send was stored, and the conversation's seq did not move.
  EXPECT_TRUE(store_->messages().page("dm_a_b", PageQuery{}).empty());
  EXPECT_EQ(appendSync(draft("dm_a_b", "b", "a", "fine")).message.seq, 1);
}

TEST_P(StoreSuite, ChangesToUnknownMessagesAreNotFound) {
  Message ghost;
  ghost.id = core::newId();
  try {
    store_->messages().change(changeOf(MessageChange::Kind::Edit, ghost, "a", "x"));
    FAIL() << "expected not found";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 404);
  }
  EXPECT_FALSE(store_->messages().byId(ghost.id).has_value());
}

Group group(const std::string& name, const std::string& creator, bool isPublic = false,
            int maxMembers = 1000) {
  const auto now = core::nowMs();
  return Group{.id = core::newId(),
               .name = name,
               .description = "about " + name,
               .avatar = "",
               .settings = {.isPublic = isPublic, .allowInvites = false, .maxMembers = maxMembers},
               .createdAtMs = now,
               .updatedAtMs = now,
               .members = {{.userId = creator, .role = "admin", .joinedAtMs = now}}};
}

std::vector<std::string> memberIds(const Group& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members) out.push_back(m.userId);
  return out;
}

std::vector<std::string> conversationIds(Store& store, const std::string& userId) {
  std::vector<std::string> out;
  for (const auto& c : store.conversations().listForUser(userId, 50)) out.push_back(c.id);
  return out;
}

TEST_P(StoreSuite, CreatesGroupsWithTheirCreatorAsAdmin) {
  const auto alice = core::newId();
  auto g = group("Rust fans", alice, true);
  store_->groups().create(g);
  auto found = store_->groups().byId(g.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "Rust fans");
  EXPECT_EQ(found->description, "about Rust fans");
  EXPECT_TRUE(found->settings.isPublic);
  EXPECT_FALSE(found->settings.allowInvites);
  EXPECT_EQ(found->settings.maxMembers, 1000);
  EXPECT_EQ(found->createdAtMs, g.createdAtMs);
  ASSERT_EQ(found->members.size(), 1u);
  EXPECT_EQ(found->members[0].userId, alice);
  EXPECT_EQ(found->members[0].role, "admin");
  EXPECT_FALSE(store_->groups().byId(core::newId()));
  reopen();
  EXPECT_EQ(store_->groups().all().size(), 1u);
}

TEST_P(StoreSuite, JoinsInTheSameMillisecondKeepTheirOrder) {
  // Member ids sort the other way round from their joins, so an id tiebreak would show.
  const std::string a = "z-first", b = "m-second", c = "a-third";
  auto g = group("team", a);
  store_->groups().create(g);
  for (const auto& user : {b, c}) {
    store_->groups().addMember(
        g.id, {.userId = user, .role = "member", .joinedAtMs = g.createdAtMs}, g.createdAtMs);
  }
  EXPECT_EQ(memberIds(*store_->groups().byId(g.id)), (std::vector<std::string>{a, b, c}));
}

TEST_P(StoreSuite, AddsRemovesAndPromotesMembersInJoinOrder) {
  const auto a = core::newId(), b = core::newId(), c = core::newId();
  auto g = group("team", a);
  store_->groups().create(g);
  store_->groups().addMember(g.id, {.userId = b, .role = "member", .joinedAtMs = g.createdAtMs + 1},
                             g.createdAtMs + 1);
  store_->groups().addMember(g.id, {.userId = c, .role = "member", .joinedAtMs = g.createdAtMs + 2},
                             g.createdAtMs + 2);
  EXPECT_EQ(memberIds(*store_->groups().byId(g.id)), (std::vector<std::string>{a, b, c}));
  EXPECT_EQ(store_->groups().byId(g.id)->updatedAtMs, g.createdAtMs + 2);
  try {
    store_->groups().addMember(g.id, {.userId = b, .role = "member", .joinedAtMs = 0}, 0);
    FAIL() << "duplicate member accepted";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.code(), "already_member");
  }
  // The admin leaves and the oldest remaining member takes over, in one step.
  store_->groups().removeMember(g.id, a, b, g.createdAtMs + 3);
  auto after = *store_->groups().byId(g.id);
  EXPECT_EQ(memberIds(after), (std::vector<std::string>{b, c}));
  EXPECT_EQ(after.members[0].role, "admin");
  EXPECT_EQ(after.members[1].role, "member");
  store_->groups().setRole(g.id, c, "admin", g.createdAtMs + 4);
  EXPECT_EQ(store_->groups().byId(g.id)->members[1].role, "admin");
  EXPECT_THROW(store_->groups().setRole(g.id, a, "admin", 0), core::ApiError);
}

TEST_P(StoreSuite, RefusesMembersPastMaxMembersEvenWhenRacing) {
  const auto a = core::newId();
  auto g = group("small", a, true, 3);
  store_->groups().create(g);
  std::vector<std::future<bool>> joins;
  for (int i = 0; i < 6; ++i) {
    joins.push_back(std::async(std::launch::async, [&] {
      try {
        store_->groups().addMember(
            g.id, {.userId = core::newId(), .role = "member", .joinedAtMs = core::nowMs()}, 0);
        return true;
      } catch (const core::ApiError& e) {
        EXPECT_EQ(e.code(), "group_full");
        return false;
      }
    }));
  }
  int added = 0;
  for (auto& j : joins) added += j.get() ? 1 : 0;
  EXPECT_EQ(added, 2);
  EXPECT_EQ(store_->groups().byId(g.id)->members.size(), 3u);
}

// What an instance follows for a user who connects (scale-out): every DM with a message and
// every group they are in, a group before its first message too, and no group they left.
TEST_P(StoreSuite, IdsForUserNameEveryConversationTheUserIsIn) {
  const auto a = core::newId(), b = core::newId(), c = core::newId();
  const auto dm = "dm_" + std::min(a, b) + "_" + std::max(a, b);
  appendSync(draft(dm, a, b, "hi"));
  auto g = group("quiet", a);
  store_->groups().create(g);
  store_->groups().addMember(g.id, {.userId = b, .role = "member", .joinedAtMs = 1}, 1);
  const auto sorted = [&](const std::string& userId) {
    auto ids = store_->conversations().idsForUser(userId);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  auto both = std::vector<std::string>{dm, "grp_" + g.id};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(sorted(a), both);
  EXPECT_EQ(sorted(b), both);
  EXPECT_TRUE(sorted(c).empty());
  store_->groups().removeMember(g.id, b, std::nullopt, 2);
  EXPECT_EQ(sorted(b), std::vector<std::string>{dm});
}

TEST_P(StoreSuite, GroupConversationIsListedForExactlyItsMembers) {
  const auto a = core::newId(), b = core::newId();
  auto g = group("talk", a);
  store_->groups().create(g);
  store_->groups().addMember(g.id, {.userId = b, .role = "member", .joinedAtMs = 1}, 1);
  auto first = draft("grp_" + g.id, a, g.id, "hello");
  first.conversationKind = "group";
  first.participants = {};
  appendSync(std::move(first));
  const std::vector<std::string> listed = {"grp_" + g.id};
  EXPECT_EQ(conversationIds(*store_, a), listed);
  EXPECT_EQ(conversationIds(*store_, b), listed);
  EXPECT_EQ(store_->conversations().listForUser(b, 50)[0].kind, "group");
  store_->groups().removeMember(g.id, b, std::nullopt, 2);
  EXPECT_TRUE(conversationIds(*store_, b).empty());
  EXPECT_EQ(conversationIds(*store_, a), listed);
  store_->groups().remove(g.id);
  EXPECT_FALSE(store_->groups().byId(g.id));
  EXPECT_TRUE(conversationIds(*store_, a).empty());
}

TEST_P(StoreSuite, UpdatesGroupsAndSearchesPublicOnesByName) {
  const auto a = core::newId(), b = core::newId();
  auto cooking = group("Cooking Club", a, true);
  auto secret = group("Secret cooking", a, false);
  auto chess = group("Chess", a, true);
  for (auto* g : {&cooking, &secret, &chess}) store_->groups().create(*g);
  store_->groups().addMember(chess.id, {.userId = b, .role = "member", .joinedAtMs = 1}, 1);

  auto names = [](const std::vector<Group>& gs) {
    std::vector<std::string> out;
    for (const auto& g : gs) out.push_back(g.name);
    return out;
  };
  // Newest first; private groups never show up; the name matches case-insensitively.
  EXPECT_EQ(names(store_->groups().searchPublic("", "", 10)),
            (std::vector<std::string>{"Chess", "Cooking Club"}));
  EXPECT_EQ(names(store_->groups().searchPublic("COOK", "", 10)),
            (std::vector<std::string>{"Cooking Club"}));
  EXPECT_EQ(names(store_->groups().searchPublic("", "", 1)), (std::vector<std::string>{"Chess"}));
  EXPECT_EQ(names(store_->groups().searchPublic("", chess.id, 10)),
            (std::vector<std::string>{"Cooking Club"}));
  EXPECT_TRUE(store_->groups().searchPublic("%", "", 10).empty());

  EXPECT_EQ(names(store_->groups().forUser(a)),
            (std::vector<std::string>{"Chess", "Secret cooking", "Cooking Club"}));
  EXPECT_EQ(names(store_->groups().forUser(b)), (std::vector<std::string>{"Chess"}));

  secret.name = "Open kitchen";
  secret.settings = {.isPublic = true, .allowInvites = true, .maxMembers = 50};
  secret.updatedAtMs += 10;
  store_->groups().update(secret);
  auto updated = *store_->groups().byId(secret.id);
  EXPECT_EQ(updated.name, "Open kitchen");
  EXPECT_TRUE(updated.settings.allowInvites);
  EXPECT_EQ(updated.settings.maxMembers, 50);
  EXPECT_EQ(updated.updatedAtMs, secret.updatedAtMs);
  EXPECT_EQ(updated.members.size(), 1u);
  EXPECT_EQ(names(store_->groups().searchPublic("kitchen", "", 10)),
            (std::vector<std::string>{"Open kitchen"}));
}

std::vector<std::string> bodies(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.body);
  return out;
}

TEST_P(StoreSuite, SearchFindsSubstringsInTheUsersConversationsOnly) {
  const auto a = core::newId(), b = core::newId(), c = core::newId();
  const auto ab = "dm_" + a + "_" + b;
  const auto ac = "dm_" + a + "_" + c;
  appendSync(draft(ab, a, b, "the roadmap for 2027"));
  appendSync(draft(ac, a, c, "a roadmap b must not see"));
  appendSync(draft(ab, b, a, "東京に行きます"));
  waitIndexed(*store_);
  SearchQuery q{.userId = b,
                .longTerms = {"oadma"},
                .shortTerms = {},
                .conversationId = {},
                .newestFirst = false,
                .offset = 0,
                .limit = 20};
  EXPECT_EQ(bodies(store_->search().search(q)), (std::vector<std::string>{"the roadmap for 2027"}));
  q.userId = a;
  EXPECT_EQ(store_->search().search(q).size(), 2u);
  q.longTerms = {};
  q.shortTerms = {"東京"};  // below the trigram size: the scan path
  EXPECT_EQ(bodies(store_->search().search(q)), (std::vector<std::string>{"東京に行きます"}));
}

TEST_P(StoreSuite, SearchFollowsEditsAndDeletesAndSurvivesReopen) {
  const auto a = core::newId(), b = core::newId();
  const auto ab = "dm_" + a + "_" + b;
  const auto m = appendSync(draft(ab, a, b, "old words here")).message;
  const auto gone = appendSync(draft(ab, a, b, "soon deleted words")).message;
  waitIndexed(*store_);
  store_->messages().change(changeOf(MessageChange::Kind::Edit, m, a, "new text here"));
  store_->messages().change(changeOf(MessageChange::Kind::Delete, gone, a));
  waitIndexed(*store_);
  SearchQuery q{.userId = a,
                .longTerms = {"words"},
                .shortTerms = {},
                .conversationId = {},
                .newestFirst = false,
                .offset = 0,
                .limit = 20};
  EXPECT_TRUE(store_->search().search(q).empty());
  reopen();
  q.longTerms = {"new text"};
  EXPECT_EQ(store_->search().search(q).size(), 1u);
}

TEST_P(StoreSuite, RevokedTokensPersistUntilExpiry) {
  store_->revokedTokens().revoke("jti-1", 2000);
  store_->revokedTokens().revoke("jti-2", 1000);
  reopen();
  EXPECT_EQ(store_->revokedTokens().active(1500), (std::vector<std::string>{"jti-1"}));
}

TEST_P(StoreSuite, CommittedMessagesSurviveReopen) {
  const auto a = core::newId(), b = core::newId();
  for (int i = 0; i < 5; ++i) appendSync(draft("dm_ab", a, b, "m", "c" + std::to_string(i)));
  reopen();
  EXPECT_EQ(store_->messages()
                .page("dm_ab", {.before = {}, .after = {}, .limit = 50, .viewerId = {}})
                .size(),
            5u);
  EXPECT_EQ(appendSync(draft("dm_ab", a, b, "next")).message.seq, 6);
  EXPECT_TRUE(appendSync(draft("dm_ab", a, b, "m", "c0")).duplicate);
}

TEST_P(StoreSuite, DrainCommitsQueuedWorkThenRefusesWrites) {
  const auto a = core::newId(), b = core::newId();
  std::atomic<int> committed{0};
  for (int i = 0; i < 100; ++i) {
    store_->messages().append(draft("dm_ab", a, b, "m"), [&](AppendResult, std::exception_ptr e) {
      if (!e) ++committed;
    });
  }
  store_->drain();
  EXPECT_EQ(committed.load(), 100);
  std::exception_ptr late;
  store_->messages().append(draft("dm_ab", a, b, "late"),
                            [&](AppendResult, std::exception_ptr e) { late = e; });
  EXPECT_TRUE(late);
  EXPECT_TRUE(store_->ready());
}

// --- friendships and blocks ---

std::string errorCode(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::ApiError& e) {
    return e.code();
  }
  return "";
}

TEST_P(StoreSuite, FriendRequestIsPendingThenAcceptedByItsRecipientOnly) {
  const auto a = core::newId(), b = core::newId(), c = core::newId();
  auto& f = store_->friendships();
  const auto id = core::newId();
  auto r = f.request(a, b, id, 1000);
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.friendship.id, id);
  EXPECT_EQ(r.friendship.requester, a);
  EXPECT_EQ(r.friendship.recipient, b);
  EXPECT_EQ(r.friendship.status, "pending");
  EXPECT_EQ(errorCode([&] { f.request(a, b, core::newId(), 1001); }), "already_requested");
  EXPECT_EQ(errorCode([&] { f.respond(id, a, "accepted", 1002); }), "forbidden");
  EXPECT_EQ(errorCode([&] { f.respond(id, c, "accepted", 1002); }), "not_found");
  EXPECT_EQ(errorCode([&] { f.respond(core::newId(), b, "accepted", 1002); }), "not_found");
  auto accepted = f.respond(id, b, "accepted", 1003);
  EXPECT_EQ(accepted.status, "accepted");
  EXPECT_EQ(accepted.createdAtMs, 1000);
  EXPECT_EQ(accepted.updatedAtMs, 1003);
  EXPECT_EQ(errorCode([&] { f.respond(id, b, "rejected", 1004); }), "not_pending");
  EXPECT_EQ(errorCode([&] { f.request(b, a, core::newId(), 1005); }), "already_friends");
  EXPECT_EQ(f.byId(id)->status, "accepted");
  ASSERT_EQ(f.allAccepted().size(), 1u);
  EXPECT_EQ(f.forUser(a).size(), 1u);
  EXPECT_EQ(f.forUser(b).size(), 1u);
  EXPECT_TRUE(f.forUser(c).empty());
}

TEST_P(StoreSuite, CrossingFriendRequestsAcceptEachOther) {
  const auto a = core::newId(), b = core::newId();
  auto& f = store_->friendships();
  const auto first = f.request(a, b, core::newId(), 1000).friendship;
  auto r = f.request(b, a, core::newId(), 2000);
  EXPECT_TRUE(r.accepted);
  EXPECT_EQ(r.friendship.id, first.id);  // the first request, answered
  EXPECT_EQ(r.friendship.requester, a);
  EXPECT_EQ(r.friendship.status, "accepted");
  EXPECT_EQ(r.friendship.updatedAtMs, 2000);
  EXPECT_EQ(f.allAccepted().size(), 1u);
}

TEST_P(StoreSuite, RejectedRequestIsHiddenAndANewRequestReplacesIt) {
  const auto a = core::newId(), b = core::newId();
  auto& f = store_->friendships();
  const auto id = f.request(a, b, core::newId(), 1000).friendship.id;
  EXPECT_EQ(f.respond(id, b, "rejected", 1001).status, "rejected");
  EXPECT_TRUE(f.forUser(a).empty());
  EXPECT_TRUE(f.forUser(b).empty());
  auto again = f.request(a, b, core::newId(), 1002);
  EXPECT_FALSE(again.accepted);
  EXPECT_NE(again.friendship.id, id);
  EXPECT_EQ(again.friendship.status, "pending");
  EXPECT_FALSE(f.byId(id));
}

TEST_P(StoreSuite, RemoveEndsFriendshipsAndRequests) {
  const auto a = core::newId(), b = core::newId();
  auto& f = store_->friendships();
  EXPECT_FALSE(f.remove(a, b));
  const auto id = f.request(a, b, core::newId(), 1000).friendship.id;
  EXPECT_EQ(f.remove(b, a)->id, id);  // either side, either order
  EXPECT_FALSE(f.byId(id));
  EXPECT_FALSE(f.request(b, a, core::newId(), 1001).accepted);
}

TEST_P(StoreSuite, BlockEndsTheFriendshipAndForbidsRequestsBothWays) {
  const auto a = core::newId(), b = core::newId(), c = core::newId();
  auto& f = store_->friendships();
  const auto id = f.request(a, b, core::newId(), 1000).friendship.id;
  f.respond(id, b, "accepted", 1001);
  EXPECT_EQ(f.block(b, a, 1002)->id, id);
  EXPECT_FALSE(f.byId(id));
  EXPECT_TRUE(f.allAccepted().empty());
  EXPECT_FALSE(f.block(b, a, 1003));  // idempotent
  EXPECT_EQ(errorCode([&] { f.request(a, b, core::newId(), 1004); }), "blocked");
  EXPECT_EQ(errorCode([&] { f.request(b, a, core::newId(), 1004); }), "blocked");
  f.block(b, c, 1005);
  EXPECT_EQ(f.blockedBy(b), (std::vector<std::string>{c, a}));
  EXPECT_TRUE(f.blockedBy(a).empty());
  EXPECT_EQ(f.allBlocks().size(), 2u);
  reopen();
  auto& g = store_->friendships();
  EXPECT_EQ(g.allBlocks().size(), 2u);
  EXPECT_FALSE(g.unblock(a, b));  // only the blocker can lift it
  EXPECT_TRUE(g.unblock(b, a));
  EXPECT_FALSE(g.unblock(b, a));
  EXPECT_EQ(g.blockedBy(b), (std::vector<std::string>{c}));
  EXPECT_FALSE(g.request(a, b, core::newId(), 1006).accepted);
}

TEST_P(StoreSuite, CreateMissingFriendshipsSkipsExistingPairsAndBlocks) {
  const auto a = core::newId(), b = core::newId(), c = core::newId(), d = core::newId();
  auto& f = store_->friendships();
  const auto pendingId = f.request(c, a, core::newId(), 500).friendship.id;
  f.block(d, a, 600);
  auto accepted = [](const std::string& x, const std::string& y) {
    return Friendship{.id = core::newId(),
                      .requester = x,
                      .recipient = y,
                      .status = "accepted",
                      .createdAtMs = 1000,
                      .updatedAtMs = 1000};
  };
  // a–b is new; a–c has a pending request (left as it is); a–d crosses a block.
  const std::vector<Friendship> batch{accepted(a, b), accepted(a, c), accepted(a, d)};
  EXPECT_EQ(f.createMissing(batch), 1);
  EXPECT_EQ(f.byId(batch[0].id)->status, "accepted");
  EXPECT_EQ(f.byId(pendingId)->status, "pending");
  EXPECT_FALSE(f.byId(batch[2].id));
  // Idempotent, whichever side is named first.
  EXPECT_EQ(f.createMissing(batch), 0);
  EXPECT_EQ(f.createMissing({accepted(b, a)}), 0);
  ASSERT_EQ(f.allAccepted().size(), 1u);
  EXPECT_EQ(errorCode([&] { f.request(b, a, core::newId(), 1001); }), "already_friends");
  EXPECT_EQ(f.createMissing({}), 0);
}

TEST_P(StoreSuite, KeepsLastSeen) {
  auto alice = user("alice");
  store_->users().create(alice);
  EXPECT_FALSE(store_->users().byId(alice.id)->lastSeenMs);
  store_->users().setLastSeen(alice.id, 123456);
  auto bob = user("bob"), carol = user("carol");
  store_->users().create(bob);
  store_->users().create(carol);
  store_->users().setLastSeenMany({bob.id, carol.id, core::newId()}, 777);
  store_->users().setLastSeenMany({}, 888);
  reopen();
  EXPECT_EQ(store_->users().byId(alice.id)->lastSeenMs, 123456);
  EXPECT_EQ(store_->users().byId(bob.id)->lastSeenMs, 777);
  EXPECT_EQ(store_->users().byId(carol.id)->lastSeenMs, 777);
}

Upload upload(const std::string& owner, std::int64_t size, std::int64_t createdAtMs) {
  return Upload{.id = core::newId(),
                .ownerId = owner,
                .name = "photo.png",
                .size = size,
                .mime = "image/png",
                .sha256 = std::string(64, 'a'),
                .width = 640,
                .height = 480,
                .hasThumbnail = true,
                .createdAtMs = createdAtMs};
}

TEST_P(StoreSuite, KeepsUploadsAndCountsThemAgainstTheQuota) {
  auto& uploads = store_->uploads();
  const auto first = upload("a", 600, core::nowMs());
  uploads.create(first, 1000);
  const auto found = uploads.byId(first.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "photo.png");
  EXPECT_EQ(found->size, 600);
  EXPECT_EQ(found->width, 640);
  EXPECT_EQ(found->height, 480);
  EXPECT_TRUE(found->hasThumbnail);
  EXPECT_EQ(found->sha256, std::string(64, 'a'));
  // 600 + 400 fits exactly; one byte more does not, and is not stored.
  uploads.create(upload("a", 400, core::nowMs()), 1000);
  const auto over = upload("a", 1, core::nowMs());
  try {
    uploads.create(over, 1000);
    FAIL() << "an upload over the quota was stored";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 413);
    EXPECT_EQ(e.code(), "too_large");
  }
  EXPECT_FALSE(uploads.byId(over.id));
  EXPECT_EQ(uploads.bytesUsed("a"), 1000);
  EXPECT_EQ(uploads.bytesUsed("b"), 0);
  uploads.create(upload("b", 1000, core::nowMs()), 1000);  // quotas are per user
}

TEST_P(StoreSuite, OnlyOwnUploadsCanBeAttachedAndAttachingGrantsTheParticipants) {
  auto& uploads = store_->uploads();
  const auto mine = upload("a", 10, core::nowMs());
  const auto theirs = upload("c", 10, core::nowMs());
  uploads.create(mine, 1000);
  uploads.create(theirs, 1000);
  EXPECT_TRUE(uploads.canRead(mine.id, "a"));
  EXPECT_FALSE(uploads.canRead(mine.id, "b"));

  auto stolen = draft("dm_a_b", "a", "b", "look");
  stolen.attachmentIds = {mine.id, theirs.id};
  try {
    appendSync(std::move(stolen));
    FAIL() << "another user's upload was attached";
  } catch (const core::ApiError& e) {
    EXPECT_EQ(e.status(), 403);
  }
  EXPECT_TRUE(store_->messages().page("dm_a_b", PageQuery{}).empty());
  EXPECT_FALSE(uploads.canRead(mine.id, "b"));
  EXPECT_FALSE(uploads.canRead(theirs.id, "b"));

  auto sent = draft("dm_a_b", "a", "b", "look");
  sent.attachmentIds = {mine.id};
  const auto m = appendSync(std::move(sent)).message;
  EXPECT_TRUE(uploads.canRead(mine.id, "b"));
  EXPECT_FALSE(uploads.canRead(mine.id, "c"));
  EXPECT_FALSE(uploads.canRead(theirs.id, "b"));

  // Deleting the message takes the file back from the other participant, not the uploader.
  store_->messages().change(changeOf(MessageChange::Kind::Delete, m, "a"));
  EXPECT_FALSE(uploads.canRead(mine.id, "b"));
  EXPECT_TRUE(uploads.canRead(mine.id, "a"));
}

TEST_P(StoreSuite, RemovesOnlyOldUploadsThatNoMessageCarries) {
  auto& uploads = store_->uploads();
  const auto now = core::nowMs();
  const auto oldLoose = upload("a", 10, now - 100'000);
  const auto oldSent = upload("a", 10, now - 100'000);
  const auto newLoose = upload("a", 10, now);
  for (const auto& u : {oldLoose, oldSent, newLoose}) uploads.create(u, 1000);
  auto sent = draft("dm_a_b", "a", "b", "look");
  sent.attachmentIds = {oldSent.id};
  appendSync(std::move(sent));

  const auto removed = uploads.removeUnattached(now - 50'000, 100);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].id, oldLoose.id);
  EXPECT_FALSE(uploads.byId(oldLoose.id));
  EXPECT_TRUE(uploads.byId(oldSent.id));
  EXPECT_TRUE(uploads.byId(newLoose.id));
  EXPECT_TRUE(uploads.removeUnattached(now - 50'000, 100).empty());
  reopen();
  EXPECT_EQ(store_->uploads().bytesUsed("a"), 20);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSuite, ::testing::ValuesIn(backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace gc::store
