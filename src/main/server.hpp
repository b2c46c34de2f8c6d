#pragma once
#include "core/config.hpp"

namespace gc::server {

// Runs gopherchat-server until SIGTERM/SIGINT has drained it; returns the exit code.
int run(const core::Config& config);

// The JWT secret: the configured one, or one generated once and kept in the data dir.
std::string loadOrCreateJwtSecret(const core::Config& config);

}  // namespace gc::server
