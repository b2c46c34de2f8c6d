#include "main/admin.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "chat/password.hpp"
#include "chat/validation.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

namespace gc::admin {
namespace {

std::unique_ptr<store::Store> openAdminStore(const core::Config& config) {
  return store::openStore(config.dbUrl, {.synchronous = config.sqliteSynchronous,
                                         .pageSize = config.sqlitePageSize,
                                         .readers = 1,
                                         .readOnly = false});
}

}  // namespace

int createUsers(const core::Config& config, const cli::CreateUsers& request) {
  chat::validatePassword(request.password);
  auto store = openAdminStore(config);
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

int createFriendships(const core::Config& config, const cli::CreateFriendships& request) {
  const int n = request.count, half = request.perUser / 2;
  if (request.perUser % 2 != 0 || request.perUser >= n) {
    throw std::invalid_argument(
        fmt::format("--per-user {} must be even and below --count {}", request.perUser, n));
  }
  auto store = openAdminStore(config);
  std::vector<std::string> ids;
  ids.reserve(static_cast<std::size_t>(n));
  for (int i = 1; i <= n; ++i) {
    const auto name = fmt::format("{}{}", request.prefix, i);
    auto user = store->users().byLogin(name);
    if (!user) throw std::runtime_error(fmt::format("no user {}: run create-users first", name));
    ids.push_back(std::move(user->id));
  }
  const auto now = core::nowMs();
  int created = 0;
  constexpr std::size_t kChunk = 5000;  // rows per transaction
  std::vector<store::Friendship> batch;
  batch.reserve(kChunk);
  for (int i = 0; i < n; ++i) {
    for (int d = 1; d <= half; ++d) {
      batch.push_back(store::Friendship{.id = core::newId(),
                                        .requester = ids[static_cast<std::size_t>(i)],
                                        .recipient = ids[static_cast<std::size_t>((i + d) % n)],
                                        .status = "accepted",
                                        .createdAtMs = now,
                                        .updatedAtMs = now});
      if (batch.size() == kChunk) {
        created += store->friendships().createMissing(batch);
        batch.clear();
      }
    }
  }
  created += store->friendships().createMissing(batch);
  store->drain();
  fmt::print("{}\n", created);
  return created;
}

}  // namespace gc::admin
