#pragma once
#include <cstdint>
#include <string>

namespace gc::core {

// Milliseconds since the unix epoch, wall clock.
std::int64_t nowMs();
// RFC 3339 UTC with milliseconds: 2026-11-26T10:54:13.123Z.
std::string rfc3339Ms(std::int64_t unixMs);

}  // namespace gc::core
