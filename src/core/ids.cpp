#include "core/ids.hpp"

#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>

namespace gc::core {
namespace {

struct ProcessUnique {
  std::array<std::uint8_t, 5> bytes{};
  std::uint32_t counterStart = 0;
  ProcessUnique() {
    std::array<std::uint8_t, 8> r{};
    if (RAND_bytes(r.data(), static_cast<int>(r.size())) != 1) {
      throw std::runtime_error("RAND_bytes failed");
    }
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = r[i];
    counterStart = (std::uint32_t{r[5]} << 16) | (std::uint32_t{r[6]} << 8) | r[7];
  }
};

const ProcessUnique& processUnique() {
  static const ProcessUnique unique;
  return unique;
}

}  // namespace

std::string newId() {
  static std::atomic<std::uint32_t> counter{processUnique().counterStart};
  static constexpr char kHex[] = "0123456789abcdef";
  const auto seconds =
      static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  const std::uint32_t n = counter.fetch_add(1, std::memory_order_relaxed);
  std::array<std::uint8_t, 12> raw{};
  raw[0] = seconds >> 24;
  raw[1] = seconds >> 16;
  raw[2] = seconds >> 8;
  raw[3] = seconds;
  for (size_t i = 0; i < 5; ++i) raw[4 + i] = processUnique().bytes[i];
  raw[9] = n >> 16;
  raw[10] = n >> 8;
  raw[11] = n;
  std::string out(24, '0');
  for (size_t i = 0; i < raw.size(); ++i) {
    out[2 * i] = kHex[raw[i] >> 4];
    out[2 * i + 1] = kHex[raw[i] & 0xf];
  }
  return out;
}

bool isId(std::string_view s) noexcept {
  if (s.size() != 24) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace gc::core
