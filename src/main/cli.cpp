#include "main/cli.hpp"

#include <CLI/CLI.hpp>

namespace gc::cli {

std::variant<Command, int> parse(int argc, char** argv) {
  Command cmd;
  auto& c = cmd.config;
  CLI::App app{"gopherchat-server: chat REST API and WebSocket hub"};
  app.fallthrough();
  app.add_option("--listen", c.listen, "HOST:PORT to listen on (port 0 picks one)")
      ->envname("GC_LISTEN")
      ->capture_default_str();
  app.add_option("--data-dir", c.dataDir, "directory for the database and generated secrets")
      ->envname("GC_DATA_DIR")
      ->capture_default_str();
  app.add_option("--db", c.dbUrl, "database URL: sqlite://PATH (default <data-dir>/chat.db)")
      ->envname("GC_DB_URL");
  app.add_option("--redis", c.redisUrl, "redis://HOST:PORT for scale-out (unset: in-process)")
      ->envname("GC_REDIS_URL");
  app.add_option("--jwt-secret", c.jwtSecret, "HS256 secret shared by all instances")
      ->envname("GC_JWT_SECRET");
  app.add_option("--allowed-origins", c.allowedOrigins, "extra browser origins for /ws")
      ->envname("GC_ALLOWED_ORIGINS")
      ->delimiter(',');
  app.add_option("--web-root", c.webRoot, "directory of the built web client")
      ->envname("GC_WEB_ROOT");
  app.add_option("--clamd-socket", c.clamdSocket, "clamd socket for upload scanning")
      ->envname("GC_CLAMD_SOCKET");
  app.add_option("--bcrypt-cost", c.bcryptCost, "bcrypt cost for new hashes")
      ->envname("GC_BCRYPT_COST")
      ->check(CLI::Range(4, 16))
      ->capture_default_str();
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
  app.add_option("--presence-grace-ms", c.presenceGraceMs,
                 "milliseconds a user stays online after their last connection closed")
      ->envname("GC_PRESENCE_GRACE_MS")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  app.add_option("--token-ttl", c.tokenTtlSeconds, "token lifetime in seconds")
      ->envname("GC_TOKEN_TTL")
      ->check(CLI::Range(60, 365 * 24 * 3600))
      ->capture_default_str();
  app.add_option("--sqlite-synchronous", c.sqliteSynchronous, "full, normal or off")
      ->envname("GC_SQLITE_SYNCHRONOUS")
      ->check(CLI::IsMember({"full", "normal", "off"}))
      ->capture_default_str();

  auto* admin = app.add_subcommand("admin", "operator commands");
  admin->fallthrough();
  auto* create = admin->add_subcommand("create-users", "create users PREFIX1..PREFIXN");
  create->fallthrough();
  CreateUsers cu;
  create->add_option("--prefix", cu.prefix, "username prefix")->required();
  create->add_option("--count", cu.count, "how many")->required()->check(CLI::Range(1, 1000000));
  create->add_option("--password", cu.password, "password for all of them")->required();
  admin->require_subcommand(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (c.dbUrl.empty()) c.dbUrl = "sqlite://" + c.dataDir + "/chat.db";
  if (create->parsed()) cmd.createUsers = cu;
  return cmd;
}

}  // namespace gc::cli
