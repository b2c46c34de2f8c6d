#pragma once
#include "core/config.hpp"
#include "video/options.hpp"

namespace gc::server {

// Runs gopherchat-video until SIGTERM/SIGINT has drained it; returns the exit code.
int runVideo(const core::Config& config, const video::Options& options);

}  // namespace gc::server
