#pragma once
// A LIKE pattern that matches a search term anywhere, for both backends: '%', '_' and the
// escape character itself are escaped with a backslash (SQLite: ESCAPE '\'; PostgreSQL's
// default escape).
#include <string>
#include <string_view>

namespace gc::store {

inline std::string likePattern(std::string_view term) {
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

}  // namespace gc::store
