#include "main/admin.hpp"

#include <fmt/format.h>

#include "chat/password.hpp"
#include "chat/validation.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

namespace gc::admin {

int createUsers(const core::Config& config, const cli::CreateUsers& request) {
  chat::validatePassword(request.password);
  auto store = store::openStore(
      config.dbUrl,
      {.synchronous = config.sqliteSynchronous, .pageSize = config.sqlitePageSize, .readers = 1});
  // One hash for the batch: thousands of load-test users would otherwise take minutes.
  const auto hash = chat::hashPassword(request.password, config.bcryptCost);
  const auto now = core::nowMs();
  int created = 0;
  constexpr int kChunk = 1000;
  for (int start = 1; start <= request.count; start += kChunk) {
    std::vector<store::User> users;
    for (int i = start; i < start + kChunk && i <= request.count; ++i) {
      const auto name = fmt::format("{}{}", request.prefix, i);
      chat::validateUsername(name);
      users.push_back(store::User{.id = core::newId(),
                                  .username = name,
                                  .email = name + "@example.test",
                                  .passwordHash = hash,
                                  .avatar = "",
                                  .createdAtMs = now,
                                  .lastSeenMs = std::nullopt});
    }
    created += store->users().createMissing(users);
  }
  store->drain();
  fmt::print("{}\n", created);
  return created;
}

}  // namespace gc::admin
