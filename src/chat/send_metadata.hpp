#pragma once
// The `metadata` object of a client's send (WebSocket `send` and REST post read it alike):
// `roomId` for a call-invite, and `event`, `reason`, `durationSeconds` for a call's end (see
// chat/call_summary.hpp). Only types are checked here; the rules are MessageService's.
#include <boost/json/object.hpp>

#include "chat/messages.hpp"

namespace gc::chat {

// Throws core::ApiError 400 naming the field (`metadata.roomId`: must be a string).
void readSendMetadata(const boost::json::object& metadata, SendRequest& into);

}  // namespace gc::chat
