#pragma once
#include <string>

namespace gc::core {

// Installs the process logger on stderr: human lines by default, or one JSON object per
// line with format "json". Never log secrets, tokens or message bodies.
void setupLogging(const std::string& format, const std::string& level);

}  // namespace gc::core
