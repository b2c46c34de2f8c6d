#include "files/clamd_protocol.hpp"

namespace gc::files {

std::array<char, 4> chunkPrefix(std::uint32_t length) {
  return {static_cast<char>((length >> 24) & 0xff), static_cast<char>((length >> 16) & 0xff),
          static_cast<char>((length >> 8) & 0xff), static_cast<char>(length & 0xff)};
}

std::string frameChunk(std::string_view bytes) {
  const auto prefix = chunkPrefix(static_cast<std::uint32_t>(bytes.size()));
  std::string out(prefix.data(), prefix.size());
  out.append(bytes);
  return out;
}

ScanVerdict parseScanReply(std::string_view reply) {
  if (const auto nul = reply.find('\0'); nul != std::string_view::npos) {
    reply = reply.substr(0, nul);
  }
  while (!reply.empty() && (reply.back() == '\n' || reply.back() == ' ')) reply.remove_suffix(1);
  constexpr std::string_view kPrefix = "stream: ";
  constexpr std::string_view kFound = " FOUND";
  if (reply.starts_with(kPrefix)) {
    const auto rest = reply.substr(kPrefix.size());
    if (rest == "OK") return {.kind = ScanVerdict::Kind::Clean, .detail = {}};
    if (rest.ends_with(kFound)) {
      return {.kind = ScanVerdict::Kind::Infected,
              .detail = std::string(rest.substr(0, rest.size() - kFound.size()))};
    }
  }
  return {.kind = ScanVerdict::Kind::Error,
          .detail = reply.empty() ? std::string("no reply") : std::string(reply)};
}

}  // namespace gc::files
