#pragma once
// Opaque ids: 24 lowercase hex characters, time-ordered like a MongoDB ObjectId
// (4 bytes of unix seconds, 5 random bytes chosen once per process, 3 bytes of counter).
#include <string>
#include <string_view>

namespace gc::core {

std::string newId();
bool isId(std::string_view s) noexcept;

}  // namespace gc::core
