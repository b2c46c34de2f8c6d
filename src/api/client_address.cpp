#include "api/client_address.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <optional>

namespace gc::api {
namespace {

namespace ip = boost::asio::ip;

std::optional<ip::address> parse(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  boost::system::error_code ec;
  auto address = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    address = ip::make_address_v4(ip::v4_mapped, address.to_v6());
  return address;
}

bool trusted(const ip::address& address, const std::vector<std::string>& trustedProxies) {
  return std::any_of(trustedProxies.begin(), trustedProxies.end(), [&](const std::string& t) {
    const auto proxy = parse(t);
    return proxy && *proxy == address;
  });
}

}  // namespace

bool isIpAddress(std::string_view text) {
  return parse(text).has_value();
}

std::string clientAddress(std::string_view peer, std::string_view forwardedFor,
                          const std::vector<std::string>& trustedProxies) {
  auto client = parse(peer);
  if (!client) return std::string(peer);
  // Each proxy appends the address it received the request from; only what our trusted
  // proxies appended can be believed, so stop at the first hop that is not one of them.
  while (trusted(*client, trustedProxies) && !forwardedFor.empty()) {
    const auto comma = forwardedFor.rfind(',');
    const auto hop =
        comma == std::string_view::npos ? forwardedFor : forwardedFor.substr(comma + 1);
    forwardedFor =
        comma == std::string_view::npos ? std::string_view() : forwardedFor.substr(0, comma);
    const auto address = parse(hop);
    if (!address) break;  // garbage from before our proxy: the last hop we trust is all we know
    client = address;
  }
  return client->to_string();
}

std::string rateLimitKey(std::string_view address) {
  const auto parsed = parse(address);
  if (!parsed || parsed->is_v4()) return std::string(address);
  auto bytes = parsed->to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace gc::api
