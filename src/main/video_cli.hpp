#pragma once
// gopherchat-video's flags and their environment twins (flag wins) → Config and video Options.
#include <variant>

#include "core/config.hpp"
#include "video/options.hpp"

namespace gc::cli {

struct VideoCommand {
  core::Config config;
  video::Options options;
};

// Parses argv; on --help or an error prints and returns the exit code instead.
std::variant<VideoCommand, int> parseVideo(int argc, char** argv);

}  // namespace gc::cli
