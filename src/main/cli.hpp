#pragma once
// Flags and their environment twins (flag wins) → Config, plus the admin subcommands.
#include <optional>
#include <string>
#include <variant>

#include "core/config.hpp"

namespace gc::cli {

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
