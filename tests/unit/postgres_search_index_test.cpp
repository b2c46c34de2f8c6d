// The PostgreSQL search index off the send path (PgSearchIndexer, migration 7), and the plan
// of the send path's retry lookup. Runs when GC_TEST_POSTGRES_URL names a cluster
// (scripts/test.sh always sets it).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "postgres_test_database.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_sql.hpp"
#include "store/store.hpp"
#include "store_test_messages.hpp"

namespace gc::store {
namespace {

constexpr StoreOptions kOptions{
    .synchronous = "full", .pageSize = 4096, .readers = 2, .readOnly = false};

SearchQuery searchFor(const std::string& user, const std::string& term) {
  return SearchQuery{.userId = user,
                     .longTerms = {term},
                     .shortTerms = {},
                     .conversationId = {},
                     .newestFirst = true,
                     .offset = 0,
                     .limit = 20};
}

std::vector<std::string> bodies(const std::vector<Message>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m.body);
  return out;
}

class PostgresSearchIndex : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { database_.emplace(GetParam()); }
  void TearDown() override { database_.reset(); }

  std::optional<PostgresTestDatabase> database_;
};

TEST_P(PostgresSearchIndex, WhatEitherServerSentIsFoundThroughBoth) {
  auto one = openStore(database_->url(), kOptions);
  auto two = openStore(database_->url(), kOptions);
  // Several chunks' worth from each, so both indexers find work and meet at the lock.
  for (int i = 0; i < 30; ++i) {
    appendAndWait(*one, dmDraft("dm_a_b", "a", "b", "from one walrus " + std::to_string(i)));
    appendAndWait(*two, dmDraft("dm_a_b", "b", "a", "from two narwhal " + std::to_string(i)));
  }
  waitIndexed(*one);
  waitIndexed(*two);
  for (auto* server : {one.get(), two.get()}) {
    EXPECT_EQ(server->search().search(searchFor("a", "walrus")).size(), 20u);  // the limit
    EXPECT_EQ(bodies(server->search().search(searchFor("b", "narwhal 29"))),
              (std::vector<std::string>{"from two narwhal 29"}));
  }
}

TEST_P(PostgresSearchIndex, MessagesOfADatabaseFromBeforeTheIndexMovedAreFoundAfterIt) {
  {
    // The schema as it was at step 6 (the trigram index on messages), with a message in it.
    postgres::PgConnection conn(database_->url(), false);
    conn.exec(postgres::sql::kCreateVersionTable);
    for (std::int64_t v = 0; v < 6; ++v) {
      conn.exec(postgres::sql::kMigrations[static_cast<std::size_t>(v)]);
      conn.query(postgres::sql::kSetSchemaVersion, v + 1);
    }
    conn.exec(
        "INSERT INTO conversations (id, kind, last_seq, last_activity) VALUES ('dm_a_b', 'dm', 2, "
        "1);"
        "INSERT INTO conversation_members VALUES ('a', 'dm_a_b'), ('b', 'dm_a_b');"
        "INSERT INTO messages (id, conversation_id, seq, sender_id, recipient_id, body, type,"
        " metadata, created_at) VALUES"
        " ('m1', 'dm_a_b', 1, 'a', 'b', 'an old platypus', 'text', '{}', 1),"
        " ('m2', 'dm_a_b', 2, 'a', 'b', 'platypus joined', 'system', '{}', 2)");
  }
  auto store = openStore(database_->url(), kOptions);  // migrates to step 7
  waitIndexed(*store);
  EXPECT_EQ(bodies(store->search().search(searchFor("b", "platypus"))),
            (std::vector<std::string>{"an old platypus"}));
}

TEST_P(PostgresSearchIndex, TheRetryLookupIsAnIndexProbePerSendNotAJoinOverTheTable) {
  auto store = openStore(database_->url(), kOptions);
  for (int i = 0; i < 300; ++i) {
    appendAndWait(*store, dmDraft("dm_a_b", i % 2 ? "a" : "b", i % 2 ? "b" : "a", "hi",
                                  "c-" + std::to_string(i)));
  }
  // A batch of 200 sends, as the writer asks it: a hash join over a scan of the whole table
  // (what the planner chose for a plain join at this size, and up to far larger ones) would
  // cost a batch more with every message ever stored. A reply's original may be found by a
  // scan while the table is this small: per row, in the lateral lookup, which turns into an
  // index probe as the table grows.
  std::vector<std::string> senders, conversations, clients;
  for (int i = 0; i < 200; ++i) {
    senders.push_back(i % 2 ? "a" : "b");
    conversations.push_back("dm_a_b");
    clients.push_back("new-" + std::to_string(i));
  }
  static const std::string explain = std::string("EXPLAIN ") + postgres::sql::kFindRetries;
  postgres::PgConnection conn(database_->url(), false);
  conn.exec("ANALYZE messages");
  const auto plan = conn.query(explain.c_str(), postgres::pgArray(senders),
                               postgres::pgArray(conversations), postgres::pgArray(clients));
  std::string text;
  for (int i = 0; i < plan.rows(); ++i) text += plan.text(i, 0) + "\n";
  EXPECT_NE(text.find("Index Scan using messages_client_msg_id"), std::string::npos) << text;
  EXPECT_EQ(text.find("Hash"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresSearchIndex, ::testing::ValuesIn(postgresClusters()),
                         [](const auto&) { return std::string("postgres"); });
// Without a cluster there is nothing to run these against (scripts/test.sh always has one).
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(PostgresSearchIndex);

}  // namespace
}  // namespace gc::store
