#include "api/browser_origin.hpp"

#include <cctype>

namespace gc::api {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool validHost(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
    for (char c : host.substr(1, host.size() - 2)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
    }
    return true;
  }
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return host.front() != '.' && host.front() != '-';
}

bool validPort(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  unsigned value = 0;
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value >= 1 && value <= 65535;
}

}  // namespace

std::optional<std::string> parseBrowserOrigin(std::string_view url) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const auto scheme = lower(url.substr(0, sep));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  auto authority = url.substr(sep + 3);
  if (authority.ends_with('/')) authority.remove_suffix(1);
  // The port follows the last ':' outside an IPv6 literal's brackets.
  std::string_view host = authority, port;
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (!validPort(port)) return std::nullopt;
  }
  if (!validHost(host)) return std::nullopt;
  std::string origin = scheme + "://" + lower(host);
  if (!port.empty()) origin += ":" + std::string(port);
  return origin;
}

std::string connectSourcesFor(std::string_view origin) {
  const bool tls = origin.starts_with("https://");
  const auto rest = origin.substr(origin.find("://"));
  return std::string(origin) + (tls ? " wss" : " ws") + std::string(rest);
}

}  // namespace gc::api
