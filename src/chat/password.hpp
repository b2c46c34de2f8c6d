#pragma once
// bcrypt ($2b$) through libxcrypt. Each call costs ~50 ms at cost 10: never on a network thread.
#include <string>
#include <string_view>

namespace gc::chat {

std::string hashPassword(std::string_view password, int cost);
bool verifyPassword(std::string_view password, const std::string& hash);

}  // namespace gc::chat
