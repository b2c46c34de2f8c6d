// Several servers on one PostgreSQL database, as the scale-out deployment runs them: two
// stores (each with its own writer and pool) append to the same conversation at once; and a
// database that drops the servers' sessions (as a restart does).
// Runs when GC_TEST_POSTGRES_URL names a cluster (scripts/test.sh always sets it).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "postgres_test_database.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/store.hpp"
#include "store_test_messages.hpp"

namespace gc::store {
namespace {

class SharedDatabase : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    database_.emplace(GetParam());
    for (auto& s : servers_) {
      s = openStore(database_->url(),
                    {.synchronous = "full", .pageSize = 4096, .readers = 2, .readOnly = false});
    }
  }
  void TearDown() override {
    for (auto& s : servers_) s.reset();
    database_.reset();
  }

  static NewMessage draft(const std::string& from, const std::string& to,
                          const std::string& clientMsgId = "") {
    return dmDraft("dm_shared", from, to, "hello", clientMsgId);
  }

  static AppendResult sendVia(Store& server, NewMessage m) {
    return appendAndWait(server, std::move(m));
  }

  std::optional<PostgresTestDatabase> database_;
  std::array<std::unique_ptr<Store>, 2> servers_;
};

TEST_P(SharedDatabase, ConcurrentSendsThroughTwoServersGetOneToNWithoutGaps) {
  constexpr int kThreads = 4, kEach = 150, kTotal = kThreads * kEach;
  std::mutex mutex;
  std::vector<std::int64_t> seqs;
  std::atomic<int> done{0};
  std::promise<void> all;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto& server = *servers_[static_cast<std::size_t>(t % 2)];
      for (int i = 0; i < kEach; ++i) {
        server.messages().append(draft(t % 2 ? "a" : "b", t % 2 ? "b" : "a"),
                                 [&](AppendResult r, std::exception_ptr e) {
                                   {
                                     std::lock_guard lock(mutex);
                                     seqs.push_back(e ? -1 : r.message.seq);
                                   }
                                   if (++done == kTotal) all.set_value();
                                 });
      }
    });
  }
  for (auto& t : threads) t.join();
  all.get_future().wait();
  std::sort(seqs.begin(), seqs.end());
  for (int i = 0; i < kTotal; ++i) ASSERT_EQ(seqs[static_cast<std::size_t>(i)], i + 1);
  for (auto& s : servers_) EXPECT_EQ(s->conversations().lastSeq("dm_shared"), kTotal);
}

TEST_P(SharedDatabase, ARetryOnTheOtherServerReturnsTheFirstMessage) {
  const auto first = sendVia(*servers_[0], draft("a", "b", "c-1"));
  const auto retry = sendVia(*servers_[1], draft("a", "b", "c-1"));
  EXPECT_FALSE(first.duplicate);
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.message.id, first.message.id);
  EXPECT_EQ(retry.message.seq, first.message.seq);
}

TEST_P(SharedDatabase, RetriesRacingOnBothServersStoreOnce) {
  constexpr int kEach = 40;
  std::mutex mutex;
  std::set<std::string> ids;
  std::atomic<int> done{0};
  std::promise<void> all;
  for (int i = 0; i < kEach; ++i) {
    for (auto& server : servers_) {
      server->messages().append(draft("a", "b", "same"), [&](AppendResult r, std::exception_ptr e) {
        {
          std::lock_guard lock(mutex);
          ids.insert(e ? "error" : r.message.id);
        }
        if (++done == 2 * kEach) all.set_value();
      });
    }
  }
  all.get_future().wait();
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids.count("error"), 0u);
  EXPECT_EQ(servers_[0]->conversations().lastSeq("dm_shared"), 1);
}

TEST_P(SharedDatabase, SessionsTheDatabaseDroppedAreOpenedAgainOnTheirNextUse) {
  auto& server = *servers_[0];
  EXPECT_EQ(sendVia(server, draft("a", "b")).message.seq, 1);
  EXPECT_EQ(server.conversations().lastSeq("dm_shared"), 1);
  // What a database restart does to the servers' idle connections, for this database only
  // (the cluster is shared with the other tests): every session ends, waited for.
  postgres::PgConnection admin(database_->url(), false);
  const auto ended = admin.query(
      "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
      " WHERE datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_GE(ended.rows(), 2);  // at least the writer's and one pooled connection
  EXPECT_EQ(sendVia(server, draft("a", "b")).message.seq, 2);
  EXPECT_EQ(server.conversations().lastSeq("dm_shared"), 2);
  EXPECT_EQ(servers_[1]->conversations().lastSeq("dm_shared"), 2);
  EXPECT_TRUE(server.ready());
}

// A writer remembers the conversations it wrote to (they are never deleted, so it skips
// creating them); a database restored from before they existed has lost them even so.
TEST_P(SharedDatabase, AConversationTheDatabaseLostIsCreatedAgainByTheNextSend) {
  auto& server = *servers_[0];
  EXPECT_EQ(sendVia(server, draft("a", "b")).message.seq, 1);
  postgres::PgConnection admin(database_->url(), false);
  admin.exec(
      "DELETE FROM search_queue; DELETE FROM read_markers; DELETE FROM messages;"
      " DELETE FROM conversation_members; DELETE FROM conversations");
  EXPECT_EQ(sendVia(server, draft("a", "b")).message.seq, 1);
  EXPECT_EQ(server.conversations().lastSeq("dm_shared"), 1);
  const auto list = server.conversations().listForUser("b", 10);
  ASSERT_EQ(list.size(), 1u);  // the participants are members again
  EXPECT_EQ(list.front().lastSeq, 1);
}

INSTANTIATE_TEST_SUITE_P(Postgres, SharedDatabase, ::testing::ValuesIn(postgresClusters()),
                         [](const auto&) { return std::string("postgres"); });
// Without a cluster there is nothing to run these against (scripts/test.sh always has one).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SharedDatabase);

}  // namespace
}  // namespace gc::store
