#pragma once
// The contract's JSON shapes for users and messages, built once per object so frames can
// be shared between recipients.
#include <string>
#include <string_view>

#include "core/json_string.hpp"
#include "store/types.hpp"

namespace gc::chat {

std::string encodeMessage(const store::Message& m);
// `withEmail` only for the user themself; `status` comes from presence.
std::string encodeUser(const store::User& u, bool withEmail, std::string_view status);

// {id, requester, recipient, status, createdAt, updatedAt}; requester and recipient are ids.
std::string encodeFriendship(const store::Friendship& f);

// The contract's file object {id, name, size, mime, width?, height?, url, thumbUrl?}.
std::string encodeFile(const store::Upload& u);

// Default metadata for a new message.
std::string defaultMetadataJson();

}  // namespace gc::chat
