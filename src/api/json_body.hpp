#pragma once
// Reading request bodies: JSON objects only, fields checked by type, errors named.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.hpp"

namespace gc::api {

// 415 unless Content-Type is application/json; 400 unless the body is one JSON object.
boost::json::object parseJsonObject(const Request& request);
boost::json::object parseJsonObject(std::string_view text);

std::string requireString(const boost::json::object& o, std::string_view field);
std::optional<std::string> optionalString(const boost::json::object& o, std::string_view field);
// Absent or null: empty. At most `maxItems` strings.
std::vector<std::string> optionalStringArray(const boost::json::object& o, std::string_view field,
                                             std::size_t maxItems);
std::int64_t requireInt(const boost::json::object& o, std::string_view field);

// A query parameter that must be a non-negative integer when present.
std::optional<std::int64_t> queryInt(const Request& request, std::string_view key, std::int64_t min,
                                     std::int64_t max);

}  // namespace gc::api
