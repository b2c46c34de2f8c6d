#pragma once
// One byte range of a stored file, from a Range header (RFC 9110 §14.2).
#include <cstdint>
#include <string_view>

namespace gc::files {

struct RangeDecision {
  enum class Kind {
    Whole,          // no usable Range: the whole file, 200
    Partial,        // 206 with Content-Range bytes first-last/size
    Unsatisfiable,  // 416 with Content-Range bytes */size
  };
  Kind kind = Kind::Whole;
  std::uint64_t first = 0;  // inclusive
  std::uint64_t last = 0;   // inclusive
};

// A single `bytes=A-B`, `bytes=A-` or `bytes=-N` against a file of `size` bytes. A header
// that is absent, malformed, in another unit or asks for several ranges is ignored (Whole),
// as the RFC allows; a well-formed range that starts past the end is Unsatisfiable.
RangeDecision decideRange(std::string_view header, std::uint64_t size);

}  // namespace gc::files
