#pragma once
// clamd's INSTREAM exchange, without the socket (clamd_scanner.hpp does the I/O):
// "zINSTREAM\0", then chunks of <uint32 big-endian length><bytes>, then a zero length; the
// reply is "stream: OK\0", "stream: <signature> FOUND\0" or "<reason> ERROR\0".
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace gc::files {

inline constexpr std::string_view kInstreamCommand{"zINSTREAM\0", 10};

// The length prefix of a chunk; a zero length ends the stream.
std::array<char, 4> chunkPrefix(std::uint32_t length);

// A whole chunk (prefix and bytes), for tests and small payloads.
std::string frameChunk(std::string_view bytes);

struct ScanVerdict {
  enum class Kind { Clean, Infected, Error };
  Kind kind = Kind::Error;
  std::string detail;  // the signature (Infected) or clamd's reason (Error)
};

// The reply up to its terminating NUL (or the whole text when there is none).
ScanVerdict parseScanReply(std::string_view reply);

}  // namespace gc::files
