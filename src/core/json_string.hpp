#pragma once
// JSON string literals for the encoders that build JSON by hand (message frames, errors,
// log lines): one escaper for all of them.
#include <string>
#include <string_view>

namespace gc::core {

// Appends `s` as a JSON string literal (quotes included): ", \ and control characters are
// escaped, so a value can never end the string or forge a line (CR/LF in logs).
void appendJsonString(std::string& out, std::string_view s);

}  // namespace gc::core
