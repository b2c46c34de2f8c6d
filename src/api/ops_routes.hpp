#pragma once
// GET /healthz (200 while the process runs), /readyz (200 only when `ready` says so, else 503
// unavailable) and /metrics (Prometheus text): the same three routes on every service.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>

#include "api/router.hpp"

namespace gc::api {

struct OpsProbes {
  std::function<boost::asio::awaitable<bool>()> ready;  // may run blocking checks offloaded
  std::function<boost::asio::awaitable<std::string>()> metrics;  // likewise
};

void addOpsRoutes(Router& router, OpsProbes probes);

}  // namespace gc::api
