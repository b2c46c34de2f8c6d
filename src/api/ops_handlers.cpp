// GET /healthz, /readyz, /metrics.
#include "api/ops_routes.hpp"
#include "api/routes.hpp"
#include "core/metrics.hpp"
#include "core/offload.hpp"

namespace gc::api {

using boost::asio::awaitable;

void addOpsRoutes(Router& router, OpsProbes probes) {
  router.add("GET", "/healthz", Access::Public, [](Request&) -> awaitable<Response> {
    co_return Response::json(200, R"({"status":"ok"})");
  });

  router.add("GET", "/readyz", Access::Public,
             [ready = std::move(probes.ready)](Request&) -> awaitable<Response> {
               if (!co_await ready()) {
                 co_return errorResponse(503, "unavailable", "database or broker not answering");
               }
               co_return Response::json(200, R"({"status":"ready"})");
             });

  router.add("GET", "/metrics", Access::Public,
             [metrics = std::move(probes.metrics)](Request&) -> awaitable<Response> {
               co_return Response{.status = 200,
                                  .body = metrics(),
                                  .contentType = "text/plain; version=0.0.4; charset=utf-8",
                                  .headers = {},
                                  .file = std::nullopt};
             });
}

void addOpsRoutes(Router& router, App& app) {
  addOpsRoutes(router, {.ready = [&app]() -> awaitable<bool> {
                          co_return !app.draining && app.broker.ready() &&
                              co_await core::offload(app.blocking,
                                                     [&] { return app.store.ready(); });
                        },
                        .metrics = [] { return core::metrics().render(); }});
}

}  // namespace gc::api
