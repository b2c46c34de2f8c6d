// GET /healthz, /readyz, /metrics.
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

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
               // Awaited before the aggregate: GCC 12 destroys temporaries of a co_await
               // inside a braced initializer twice (a double free, seen here).
               auto body = co_await metrics();
               co_return Response{.status = 200,
                                  .body = std::move(body),
                                  .contentType = "text/plain; version=0.0.4; charset=utf-8",
                                  .headers = {},
                                  .file = std::nullopt};
             });
}

void addOpsRoutes(Router& router, App& app) {
  addOpsRoutes(router,
               {.ready = [&app]() -> awaitable<bool> {
                  co_return !app.draining && app.broker.ready() &&
                      co_await core::offload(app.blocking, [&] { return app.store.ready(); });
                },
                .metrics = [&app]() -> awaitable<std::string> {
                  auto text = core::metrics().render();
                  // A query (a count on PostgreSQL): off the network threads. A store
                  // that cannot answer leaves the gauge out rather than the page.
                  const auto backlog =
                      co_await core::offload(app.blocking, [&]() -> std::optional<std::int64_t> {
                        try {
                          return app.store.search().backlog();
                        } catch (const std::exception&) {
                          return std::nullopt;
                        }
                      });
                  if (backlog) {
                    core::renderSeries(
                        text, "gc_search_backlog", "gauge",
                        "Committed messages and changes the search index has not caught "
                        "up with.",
                        static_cast<std::uint64_t>(*backlog));
                  }
                  co_return text;
                }});
}

}  // namespace gc::api
