#pragma once
// ASCII case folding, the same whatever the process locale: for keys that must match
// case-insensitively (usernames, emails, group names, search highlights, limiter keys).
#include <string>
#include <string_view>

namespace gc::core {

inline std::string asciiLower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace gc::core
