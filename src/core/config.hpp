#pragma once
// Everything the server reads from flags and environment, as one aggregate.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/token_bucket.hpp"

namespace gc::core {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string dataDir = "data";
  std::string dbUrl;      // empty: sqlite://<dataDir>/chat.db
  std::string redisUrl;   // empty: in-process broker
  std::string jwtSecret;  // empty: generated once and kept in <dataDir>/jwt-secret
  std::vector<std::string> allowedOrigins;
  std::string webRoot;
  // Chat server: the video service's origin as browsers reach it ("http://127.0.0.1:4000"),
  // told to the web client by GET /api/config and allowed by the pages' connect-src.
  // Empty: no calls in the web client.
  std::string videoUrl;
  std::string clamdSocket;
  int bcryptCost = 10;
  int threads = 0;  // 0: one per core
  std::string logFormat = "text";
  std::string logLevel = "info";
  std::size_t maxBodyBytes = 1 << 20;
  // Uploads (docs/operations.md "Uploads").
  std::uint64_t maxUploadBytes = std::uint64_t{25} << 20;  // one file
  std::int64_t uploadQuotaBytes = std::int64_t{1} << 30;   // one user's files together
  int uploadTtlSeconds = 24 * 3600;  // how long an upload no message carries is kept
  int uploadSweepIntervalSeconds = 600;
  int clamdTimeoutSeconds = 30;
  std::size_t wsFrameLimit = std::size_t{64} * 1024;
  std::size_t wsQueueBytes = 4 << 20;
  int wsIdleTimeoutSeconds = 60;
  // How long a user whose last connection closed still counts as online (no flapping on a
  // reconnect).
  int presenceGraceMs = 5000;
  // With --redis: how long an instance's word on a user's presence holds without a refresh
  // (refreshed every third of it): users of an instance that died go offline after it.
  int presenceTtlMs = 30000;
  // With --redis: how often logouts made on other instances are read from the database.
  int revocationPollMs = 1000;
  int tokenTtlSeconds = 7 * 24 * 3600;
  std::string sqliteSynchronous = "full";
  // Page size of a new SQLite database (an existing file keeps its own). Every commit writes
  // each B-tree page it touched whole, and a batch of sends touches about one index leaf per
  // conversation, so the page size sets the WAL bytes per message (docs/performance.md).
  int sqlitePageSize = 4096;
  // PostgreSQL: group-committing send writers, a connection each (see --postgres-writers).
  int postgresWriters = 1;
  int headerTimeoutSeconds = 10;
  int bodyTimeoutSeconds = 30;
  int keepAliveTimeoutSeconds = 75;

  // Rate limits (docs/api.md "Rate limits"); an unlimited RateLimit turns one off.
  RateLimit restRateLimit = RateLimit::perPeriod(100, std::chrono::minutes(1));      // per user
  RateLimit loginRateLimit = RateLimit::perPeriod(10, std::chrono::minutes(1));      // per address
  RateLimit registerRateLimit = RateLimit::perPeriod(5, std::chrono::minutes(1));    // per address
  RateLimit loginFailureLimit = RateLimit::perPeriod(10, std::chrono::minutes(15));  // per login
  RateLimit wsFrameRateLimit{.interval = std::chrono::milliseconds(50), .burst = 60};
  RateLimit wsFloodLimit = RateLimit::perPeriod(100, std::chrono::seconds(10));
  // Peers whose X-Forwarded-For names the client (exact addresses); empty: trust no header.
  std::vector<std::string> trustedProxies;
};

}  // namespace gc::core
