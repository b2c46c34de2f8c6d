#include "api/json_body.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json/parse.hpp>
#include <charconv>

#include "core/error.hpp"

namespace gc::api {

namespace json = boost::json;

json::object parseJsonObject(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 32;
  json::value v = json::parse(text, ec, {}, options);
  if (ec) throw core::invalidField("body", "is not valid JSON");
  if (!v.is_object()) throw core::invalidField("body", "must be a JSON object");
  return std::move(v.as_object());
}

json::object parseJsonObject(const Request& request) {
  std::string_view type = request.contentType;
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  if (!boost::algorithm::iequals(type, "application/json")) {
    throw core::ApiError(415, "unsupported_type", "Content-Type must be application/json");
  }
  return parseJsonObject(request.body);
}

std::string requireString(const json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (!v) throw core::invalidField(field, "is required");
  if (!v->is_string()) throw core::invalidField(field, "must be a string");
  return std::string(v->as_string());
}

std::optional<std::string> optionalString(const json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) throw core::invalidField(field, "must be a string");
  return std::string(v->as_string());
}

std::vector<std::string> optionalStringArray(const json::object& o, std::string_view field,
                                             std::size_t maxItems) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(field);
  if (!v || v->is_null()) return out;
  if (!v->is_array() || v->as_array().size() > maxItems) {
    throw core::invalidField(
        field, "must be an array of at most " + std::to_string(maxItems) + " strings");
  }
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) throw core::invalidField(field, "must be an array of strings");
    out.emplace_back(item.as_string());
  }
  return out;
}

std::int64_t requireInt(const json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (!v) throw core::invalidField(field, "is required");
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= INT64_MAX)
    return static_cast<std::int64_t>(v->as_uint64());
  throw core::invalidField(field, "must be an integer");
}

std::optional<std::int64_t> queryInt(const Request& request, std::string_view key, std::int64_t min,
                                     std::int64_t max) {
  const auto raw = request.queryValue(key);
  if (!raw) return std::nullopt;
  std::int64_t v = 0;
  const auto* end = raw->data() + raw->size();
  const auto [ptr, ec] = std::from_chars(raw->data(), end, v);
  if (raw->empty() || ec != std::errc() || ptr != end || v < min || v > max) {
    throw core::invalidField(
        key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return v;
}

}  // namespace gc::api
