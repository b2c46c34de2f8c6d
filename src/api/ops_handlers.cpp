// GET /healthz, /readyz, /metrics.
#include "api/routes.hpp"
#include "core/metrics.hpp"
#include "core/offload.hpp"

namespace gc::api {

using boost::asio::awaitable;

void addOpsRoutes(Router& router, App& app) {
  router.add("GET", "/healthz", Access::Public, [](Request&) -> awaitable<Response> {
    co_return Response::json(200, R"({"status":"ok"})");
  });

  router.add("GET", "/readyz", Access::Public, [&app](Request&) -> awaitable<Response> {
    const bool ready = !app.draining && app.broker.ready() &&
                       co_await core::offload(app.blocking, [&] { return app.store.ready(); });
    if (!ready) co_return errorResponse(503, "unavailable", "database or broker not answering");
    co_return Response::json(200, R"({"status":"ready"})");
  });

  router.add("GET", "/metrics", Access::Public, [](Request&) -> awaitable<Response> {
    co_return Response{.status = 200,
                       .body = core::metrics().render(),
                       .contentType = "text/plain; version=0.0.4; charset=utf-8",
                       .headers = {}};
  });
}

}  // namespace gc::api
