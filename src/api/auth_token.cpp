#include "api/auth_token.hpp"

#include <utility>

namespace gc::api {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::string_view> cookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    auto pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
      return trim(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::pair<TokenLookup, std::string_view> findToken(const TokenSources& sources) {
  if (!sources.authorization.empty()) {
    constexpr std::string_view kBearer = "Bearer ";
    if (!sources.authorization.starts_with(kBearer)) return {TokenLookup::Malformed, {}};
    auto token = trim(sources.authorization.substr(kBearer.size()));
    if (token.empty()) return {TokenLookup::Malformed, {}};
    return {TokenLookup::Found, token};
  }
  if (auto c = cookieValue(sources.cookie, "gc_token"); c && !c->empty()) {
    return {TokenLookup::Found, *c};
  }
  std::string_view protocols = sources.subprotocols;
  while (!protocols.empty()) {
    const auto comma = protocols.find(',');
    auto p = trim(protocols.substr(0, comma));
    protocols = comma == std::string_view::npos ? std::string_view{} : protocols.substr(comma + 1);
    if (p.starts_with("bearer.") && p.size() > 7) return {TokenLookup::Found, p.substr(7)};
  }
  return {TokenLookup::Missing, {}};
}

}  // namespace gc::api
