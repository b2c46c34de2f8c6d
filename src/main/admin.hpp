#pragma once
#include "main/cli.hpp"

namespace gc::admin {

// `admin create-users`: idempotent; prints and returns how many were created.
int createUsers(const core::Config& config, const cli::CreateUsers& request);

}  // namespace gc::admin
