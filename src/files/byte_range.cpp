#include "files/byte_range.hpp"

#include <charconv>
#include <optional>

#include "core/ascii.hpp"

namespace gc::files {
namespace {

std::optional<std::uint64_t> parseNumber(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

RangeDecision decideRange(std::string_view header, std::uint64_t size) {
  using Kind = RangeDecision::Kind;
  const RangeDecision whole{.kind = Kind::Whole, .first = 0, .last = 0};
  const RangeDecision unsatisfiable{.kind = Kind::Unsatisfiable, .first = 0, .last = 0};
  header = trim(header);
  constexpr std::string_view kUnit = "bytes=";
  if (core::asciiLower(header.substr(0, kUnit.size())) != kUnit) return whole;  // unit: any case
  const auto spec = trim(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return whole;  // several ranges: not served
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole;
  const auto from = trim(spec.substr(0, dash));
  const auto to = trim(spec.substr(dash + 1));
  if (from.empty()) {
    // The last N bytes.
    const auto n = parseNumber(to);
    if (!n) return whole;
    if (*n == 0 || size == 0) return unsatisfiable;
    const auto count = *n < size ? *n : size;
    return {.kind = Kind::Partial, .first = size - count, .last = size - 1};
  }
  const auto first = parseNumber(from);
  if (!first) return whole;
  std::uint64_t last = size == 0 ? 0 : size - 1;
  if (!to.empty()) {
    const auto wanted = parseNumber(to);
    if (!wanted || *wanted < *first) return whole;
    if (*wanted < last) last = *wanted;
  }
  if (*first >= size) return unsatisfiable;
  return {.kind = Kind::Partial, .first = *first, .last = last};
}

}  // namespace gc::files
