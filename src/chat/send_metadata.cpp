#include "chat/send_metadata.hpp"

#include "core/error.hpp"

namespace gc::chat {
namespace {

std::optional<std::string> stringOf(const boost::json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string())
    throw core::invalidField("metadata." + std::string(field), "must be a string");
  return std::string(v->as_string());
}

}  // namespace

void readSendMetadata(const boost::json::object& metadata, SendRequest& into) {
  into.roomId = stringOf(metadata, "roomId");
  into.event = stringOf(metadata, "event").value_or("");
  into.callReason = stringOf(metadata, "reason").value_or("");
  if (const auto* d = metadata.if_contains("durationSeconds"); d && !d->is_null()) {
    if (!d->is_int64()) throw core::invalidField("metadata.durationSeconds", "must be an integer");
    into.durationSeconds = d->as_int64();
  }
}

}  // namespace gc::chat
