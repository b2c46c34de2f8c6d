#pragma once
// Who is on the other end of an HTTP request, for the per-address limits (login, register).
// The one place that decides it: today the TCP peer, or, when the peer is one of
// --trusted-proxies, the address that proxy put in X-Forwarded-For. (PROXY protocol support
// for HAProxy in front belongs here too.) No header is trusted from anyone else: a client
// cannot pick its own address to dodge a limit.
#include <string>
#include <string_view>
#include <vector>

namespace gc::api {

bool isIpAddress(std::string_view text);

// `peer` is the TCP peer's address; `forwardedFor` every X-Forwarded-For value in order, joined
// with commas. Walks the header right to left past trusted proxies; the first address that is
// not one is the client. Returns the address in canonical text (IPv4-mapped IPv6 as IPv4).
std::string clientAddress(std::string_view peer, std::string_view forwardedFor,
                          const std::vector<std::string>& trustedProxies);

// The key an address is limited under: an IPv4 address itself, an IPv6 address by its /64
// (one subscriber usually holds a whole /64, so per-/128 limits would not hold anyone).
std::string rateLimitKey(std::string_view address);

}  // namespace gc::api
