#include "main/cli.hpp"

#include <CLI/CLI.hpp>

#include "api/browser_origin.hpp"
#include "api/client_address.hpp"
#include "core/token_bucket.hpp"

namespace gc::cli {
namespace {

using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// A flag holding a rate-limit spec (core::parseRateLimit), checked while parsing.
CLI::Validator rateSpec(nanoseconds defaultPeriod) {
  return CLI::Validator(
      [defaultPeriod](std::string& s) -> std::string {
        if (core::parseRateLimit(s, defaultPeriod)) return {};
        return "must be N or N/PERIOD (e.g. 10, 3/2s, 10/15m); 0 turns the limit off";
      },
      "N[/PERIOD]");
}

}  // namespace

void addSharedOptions(CLI::App& app, core::Config& c, SharedRates& rates) {
  app.add_option("--listen", c.listen, "HOST:PORT to listen on (port 0 picks one)")
      ->envname("GC_LISTEN")
      ->capture_default_str();
  app.add_option("--data-dir", c.dataDir, "directory for the database and generated secrets")
      ->envname("GC_DATA_DIR")
      ->capture_default_str();
  app.add_option("--db", c.dbUrl,
                 "database URL: sqlite://PATH (default <data-dir>/chat.db) or postgres://...")
      ->envname("GC_DB_URL");
  app.add_option("--redis", c.redisUrl, "redis://HOST:PORT for scale-out (unset: in-process)")
      ->envname("GC_REDIS_URL");
  app.add_option("--jwt-secret", c.jwtSecret, "HS256 secret shared by all instances")
      ->envname("GC_JWT_SECRET");
  app.add_option("--allowed-origins", c.allowedOrigins, "extra browser origins for /ws")
      ->envname("GC_ALLOWED_ORIGINS")
      ->delimiter(',');
  app.add_option("--threads", c.threads, "network threads (0: one per core)")
      ->envname("GC_THREADS")
      ->check(CLI::Range(0, 256));
  app.add_option("--log-format", c.logFormat, "text or json")
      ->envname("GC_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-level", c.logLevel, "trace, debug, info, warn, error")
      ->envname("GC_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_option("--max-body-bytes", c.maxBodyBytes, "largest JSON request body")
      ->envname("GC_MAX_BODY_BYTES")
      ->capture_default_str();
  app.add_option("--ws-queue-bytes", c.wsQueueBytes,
                 "bytes queued to one WebSocket before it counts as a slow consumer")
      ->envname("GC_WS_QUEUE_BYTES")
      ->capture_default_str();
  app.add_option("--ws-idle-timeout", c.wsIdleTimeoutSeconds,
                 "seconds without traffic (pongs included) before a WebSocket is dropped")
      ->envname("GC_WS_IDLE_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--token-ttl", c.tokenTtlSeconds, "token lifetime in seconds")
      ->envname("GC_TOKEN_TTL")
      ->check(CLI::Range(60, 365 * 24 * 3600))
      ->capture_default_str();
  app.add_option("--rate-limit-rest", rates.rest,
                 "authenticated REST requests per user and minute (burst: the same); 0: off")
      ->envname("GC_RATE_LIMIT_REST")
      ->check(rateSpec(minutes(1)))
      ->capture_default_str();
  app.add_option("--ws-rate-limit", rates.wsRate,
                 "WebSocket messages per connection and second; 0: off")
      ->envname("GC_WS_RATE_LIMIT")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  app.add_option("--ws-rate-burst", rates.wsBurst,
                 "WebSocket messages a connection may send at once")
      ->envname("GC_WS_RATE_BURST")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--ws-flood-limit", rates.wsFlood,
                 "rate-limited WebSocket messages (N/PERIOD, N per 10 s when bare) before the "
                 "connection is closed with 1008; 0: never")
      ->envname("GC_WS_FLOOD_LIMIT")
      ->check(rateSpec(seconds(10)))
      ->capture_default_str();
  app.add_option("--trusted-proxies", c.trustedProxies,
                 "proxy addresses whose X-Forwarded-For names the client (comma-separated)")
      ->envname("GC_TRUSTED_PROXIES")
      ->delimiter(',')
      ->check(CLI::Validator(
          [](std::string& s) -> std::string {
            return api::isIpAddress(s) ? std::string() : "must be an IP address";
          },
          "IP"));
}

void finishSharedOptions(core::Config& c, const SharedRates& rates) {
  c.restRateLimit = *core::parseRateLimit(rates.rest, minutes(1));
  c.wsFloodLimit = *core::parseRateLimit(rates.wsFlood, seconds(10));
  c.wsFrameRateLimit = rates.wsRate == 0
                           ? core::RateLimit{}
                           : core::RateLimit{.interval = nanoseconds(seconds(1)) / rates.wsRate,
                                             .burst = rates.wsBurst};
  if (c.dbUrl.empty()) c.dbUrl = "sqlite://" + c.dataDir + "/chat.db";
}

std::variant<Command, int> parse(int argc, char** argv) {
  Command cmd;
  auto& c = cmd.config;
  CLI::App app{"gopherchat-server: chat REST API and WebSocket hub"};
  app.fallthrough();
  SharedRates rates;
  addSharedOptions(app, c, rates);
  std::string loginRate = "10", registerRate = "5", loginFailures = "10/15m";
  app.add_option("--web-root", c.webRoot, "directory of the built web client")
      ->envname("GC_WEB_ROOT");
  app.add_option("--video-url", c.videoUrl,
                 "the video service's origin for browsers, e.g. http://127.0.0.1:4000 "
                 "(unset: no calls in the web client)")
      ->envname("GC_VIDEO_URL")
      ->transform(CLI::Validator(
          [](std::string& s) -> std::string {
            if (s.empty()) return {};
            const auto origin = api::parseBrowserOrigin(s);
            if (!origin) return "must be http(s)://HOST[:PORT] with no path";
            s = *origin;
            return {};
          },
          "ORIGIN"));
  app.add_option("--clamd-socket", c.clamdSocket,
                 "clamd unix socket: every upload is scanned, and refused while clamd is down "
                 "(unset: no scanning)")
      ->envname("GC_CLAMD_SOCKET");
  app.add_option("--clamd-timeout", c.clamdTimeoutSeconds,
                 "seconds clamd may take to take or answer a scan before uploads fail with 503")
      ->envname("GC_CLAMD_TIMEOUT")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  app.add_option("--max-upload-bytes", c.maxUploadBytes, "largest uploaded file")
      ->envname("GC_MAX_UPLOAD_BYTES")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->capture_default_str();
  app.add_option("--upload-quota-bytes", c.uploadQuotaBytes, "bytes of uploads one user may keep")
      ->envname("GC_UPLOAD_QUOTA_BYTES")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 50))
      ->capture_default_str();
  app.add_option("--upload-ttl", c.uploadTtlSeconds,
                 "seconds an upload that no message carries is kept")
      ->envname("GC_UPLOAD_TTL")
      ->check(CLI::Range(1, 365 * 24 * 3600))
      ->capture_default_str();
  app.add_option("--upload-sweep-interval", c.uploadSweepIntervalSeconds,
                 "seconds between sweeps for expired unattached uploads")
      ->envname("GC_UPLOAD_SWEEP_INTERVAL")
      ->check(CLI::Range(1, 24 * 3600))
      ->capture_default_str();
  app.add_option("--bcrypt-cost", c.bcryptCost, "bcrypt cost for new hashes")
      ->envname("GC_BCRYPT_COST")
      ->check(CLI::Range(4, 16))
      ->capture_default_str();
  app.add_option("--revocation-poll-ms", c.revocationPollMs,
                 "with --redis: milliseconds between reads of logouts made on other instances")
      ->envname("GC_REVOCATION_POLL_MS")
      ->check(CLI::Range(50, 60000))
      ->capture_default_str();
  app.add_option("--presence-grace-ms", c.presenceGraceMs,
                 "milliseconds a user stays online after their last connection closed")
      ->envname("GC_PRESENCE_GRACE_MS")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  app.add_option("--presence-ttl-ms", c.presenceTtlMs,
                 "with --redis: milliseconds an instance's presence word holds unrefreshed "
                 "(users of a dead instance go offline after it)")
      ->envname("GC_PRESENCE_TTL_MS")
      ->check(CLI::Range(300, 600000))
      ->capture_default_str();
  app.add_option("--sqlite-synchronous", c.sqliteSynchronous, "full, normal or off")
      ->envname("GC_SQLITE_SYNCHRONOUS")
      ->check(CLI::IsMember({"full", "normal", "off"}))
      ->capture_default_str();
  app.add_option("--sqlite-page-size", c.sqlitePageSize,
                 "page size in bytes of a new SQLite database (an existing one keeps its own)")
      ->envname("GC_SQLITE_PAGE_SIZE")
      ->check(CLI::IsMember({512, 1024, 2048, 4096, 8192, 16384, 32768, 65536}))
      ->capture_default_str();
  app.add_option("--postgres-writers", c.postgresWriters,
                 "PostgreSQL: send writers, each on its own connection (a conversation always "
                 "uses the same one); 2 carries more messages at full load, 1 has the better "
                 "tail at moderate load")
      ->envname("GC_POSTGRES_WRITERS")
      ->check(CLI::Range(1, 8))
      ->capture_default_str();
  app.add_option("--rate-limit-login", loginRate, "login attempts per client address and minute")
      ->envname("GC_RATE_LIMIT_LOGIN")
      ->check(rateSpec(minutes(1)))
      ->capture_default_str();
  app.add_option("--rate-limit-register", registerRate,
                 "registrations per client address and minute")
      ->envname("GC_RATE_LIMIT_REGISTER")
      ->check(rateSpec(minutes(1)))
      ->capture_default_str();
  app.add_option("--rate-limit-login-failures", loginFailures,
                 "failed logins per login name before its attempts are refused")
      ->envname("GC_RATE_LIMIT_LOGIN_FAILURES")
      ->check(rateSpec(minutes(1)))
      ->capture_default_str();

  auto* admin = app.add_subcommand("admin", "operator commands");
  admin->fallthrough();
  auto* create = admin->add_subcommand("create-users", "create users PREFIX1..PREFIXN");
  create->fallthrough();
  CreateUsers cu;
  create->add_option("--prefix", cu.prefix, "username prefix")->required();
  create->add_option("--count", cu.count, "how many")->required()->check(CLI::Range(1, 1000000));
  create->add_option("--password", cu.password, "password for all of them")->required();
  auto* befriend = admin->add_subcommand(
      "create-friendships",
      "make each of PREFIX1..PREFIXN friends with its PER-USER ring neighbours");
  befriend->fallthrough();
  CreateFriendships cf;
  befriend->add_option("--prefix", cf.prefix, "username prefix")->required();
  befriend->add_option("--count", cf.count, "how many users")
      ->required()
      ->check(CLI::Range(2, 1000000));
  befriend->add_option("--per-user", cf.perUser, "friends per user (even, below --count)")
      ->required()
      ->check(CLI::Range(2, 1000));
  admin->require_subcommand(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  finishSharedOptions(c, rates);
  c.loginRateLimit = *core::parseRateLimit(loginRate, minutes(1));
  c.registerRateLimit = *core::parseRateLimit(registerRate, minutes(1));
  c.loginFailureLimit = *core::parseRateLimit(loginFailures, minutes(1));
  if (create->parsed()) cmd.createUsers = cu;
  if (befriend->parsed()) cmd.createFriendships = cf;
  return cmd;
}

}  // namespace gc::cli
