#pragma once
// Flags and their environment twins (flag wins) → Config, plus the admin subcommands.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "core/config.hpp"

namespace CLI {
class App;
}

namespace gc::cli {

// The raw text of the rate-limit flags both services take; finishSharedOptions turns it into
// the Config. "N" is per minute for REST, per second for WebSocket messages.
struct SharedRates {
  std::string rest = "100";
  std::string wsFlood = "100/10s";
  std::uint32_t wsRate = 20;
  std::uint32_t wsBurst = 60;
};

// The flags of both services (listen, data dir, database, secret, origins, threads, logging,
// limits, WebSocket settings), each with its GC_* environment twin; the Config's values at
// the call are the defaults shown.
void addSharedOptions(CLI::App& app, core::Config& config, SharedRates& rates);
// After parsing: the rate limits and the default database URL.
void finishSharedOptions(core::Config& config, const SharedRates& rates);

struct CreateUsers {
  std::string prefix;
  int count = 0;
  std::string password;
};

// Friendships on a ring of PREFIX1..PREFIXN, perUser of them each (see admin.hpp).
struct CreateFriendships {
  std::string prefix;
  int count = 0;
  int perUser = 0;
};

struct Command {
  core::Config config;
  std::optional<CreateUsers> createUsers;              // `admin create-users`
  std::optional<CreateFriendships> createFriendships;  // `admin create-friendships`
};

// Parses argv; on --help or an error prints and returns the exit code instead.
std::variant<Command, int> parse(int argc, char** argv);

}  // namespace gc::cli
