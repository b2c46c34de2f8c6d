// gopherchat-server: parses flags, sets up logging, then serves or runs an admin command.
#include <spdlog/spdlog.h>

#include "core/logging.hpp"
#include "files/image_preview.hpp"
#include "main/admin.hpp"
#include "main/cli.hpp"
#include "main/server.hpp"

int main(int argc, char** argv) {
  auto parsed = gc::cli::parse(argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  auto& cmd = std::get<gc::cli::Command>(parsed);
  gc::core::setupLogging(cmd.config.logFormat, cmd.config.logLevel);
  try {
    if (cmd.createUsers) {
      gc::admin::createUsers(cmd.config, *cmd.createUsers);
      return 0;
    }
    if (cmd.createFriendships) {
      gc::admin::createFriendships(cmd.config, *cmd.createFriendships);
      return 0;
    }
    gc::files::initImageLibrary(argv[0]);
    return gc::server::run(cmd.config);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
