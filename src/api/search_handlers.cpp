// GET /api/search?q=&conversationId=&before=&limit=&sort=
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "chat/json_encode.hpp"
#include "core/error.hpp"
#include "core/json_string.hpp"
#include "core/offload.hpp"

namespace gc::api {
namespace {

std::optional<std::string> queryString(const Request& req, const std::string& key) {
  auto it = req.query.find(key);
  if (it == req.query.end()) return std::nullopt;
  return it->second;
}

std::string encodeResults(const chat::SearchResults& results) {
  std::string body = "{\"results\":[";
  for (std::size_t i = 0; i < results.hits.size(); ++i) {
    const auto& hit = results.hits[i];
    if (i) body += ',';
    body += "{\"message\":" + chat::encodeMessage(hit.message) + ",\"snippet\":[";
    for (std::size_t p = 0; p < hit.snippet.size(); ++p) {
      if (p) body += ',';
      body += "{\"text\":";
      core::appendJsonString(body, hit.snippet[p].text);
      body += hit.snippet[p].match ? ",\"match\":true}" : ",\"match\":false}";
    }
    body += "]}";
  }
  body += "],\"next\":";
  if (results.next) {
    core::appendJsonString(body, *results.next);
  } else {
    body += "null";
  }
  body += '}';
  return body;
}

}  // namespace

void addSearchRoutes(Router& router, App& app) {
  router.add("GET", "/api/search", Access::Authenticated,
             [&app](Request& req) -> boost::asio::awaitable<Response> {
               chat::SearchRequest search;
               search.text = queryString(req, "q").value_or("");
               search.conversationId = queryString(req, "conversationId");
               search.cursor = queryString(req, "before");
               search.limit = static_cast<int>(queryInt(req, "limit", 1, 100).value_or(20));
               const auto sort = queryString(req, "sort").value_or("relevance");
               if (sort != "relevance" && sort != "recent") {
                 throw core::invalidField("sort", "must be relevance or recent");
               }
               search.newestFirst = sort == "recent";
               co_return co_await core::offload(app.blocking, [&] {
                 return Response::json(200, encodeResults(app.search.search(req.userId(), search)));
               });
             });
}

}  // namespace gc::api
