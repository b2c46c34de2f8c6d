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

struct Command {
  core::Config config;
  std::optional<CreateUsers> createUsers;  // `admin create-users`
};

// Parses argv; on --help or an error prints and returns the exit code instead.
std::variant<Command, int> parse(int argc, char** argv);

}  // namespace gc::cli
