// gopherchat-video: parses flags, sets up logging, then serves.
#include <spdlog/spdlog.h>

#include "core/logging.hpp"
#include "main/video_cli.hpp"
#include "main/video_server.hpp"

int main(int argc, char** argv) {
  auto parsed = gc::cli::parseVideo(argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  auto& cmd = std::get<gc::cli::VideoCommand>(parsed);
  gc::core::setupLogging(cmd.config.logFormat, cmd.config.logLevel);
  try {
    return gc::server::runVideo(cmd.config, cmd.options);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
