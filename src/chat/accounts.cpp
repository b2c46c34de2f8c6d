#include "chat/accounts.hpp"

#include <spdlog/spdlog.h>

#include "chat/password.hpp"
#include "chat/validation.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"

namespace gc::chat {

Accounts::Accounts(store::Store& store, AccountOptions options)
    : store_(store),
      options_(std::move(options)),
      dummyHash_(hashPassword("not-a-real-password", options_.bcryptCost)) {}

SignedIn Accounts::registerUser(std::string_view username, std::string_view email,
                                std::string_view password) {
  validateUsername(username);
  validateEmail(email);
  validatePassword(password);
  store::User user{.id = core::newId(),
                   .username = std::string(username),
                   .email = std::string(email),
                   .passwordHash = hashPassword(password, options_.bcryptCost),
                   .avatar = "",
                   .createdAtMs = core::nowMs(),
                   .lastSeenMs = std::nullopt};
  store_.users().create(user);
  spdlog::info("user registered: {}", user.id);
  return issue(std::move(user));
}

SignedIn Accounts::login(std::string_view login, std::string_view password) {
  auto user = login.empty() || login.size() > 254 ? std::nullopt : store_.users().byLogin(login);
  const bool ok = user ? verifyPassword(password, user->passwordHash)
                       : (verifyPassword(password, dummyHash_), false);
  if (!ok || password.size() > 72) throw core::unauthorized("invalid login or password");
  return issue(std::move(*user));
}

void Accounts::logout(const Claims& claims) {
  store_.revokedTokens().revoke(claims.jti, claims.exp);
  revoked_.add(claims.jti, claims.exp);
}

std::optional<store::User> Accounts::userById(std::string_view id) {
  if (!core::isId(id)) return std::nullopt;
  return store_.users().byId(id);
}

std::optional<Claims> Accounts::authenticate(std::string_view token) const {
  const auto now = core::nowMs() / 1000;
  auto claims = verifyJwt(token, options_.jwtSecret, now);
  if (!claims || revoked_.contains(claims->jti)) return std::nullopt;
  return claims;
}

std::vector<std::string> Accounts::loadRevocations() {
  const auto now = core::nowMs() / 1000;
  std::vector<std::string> added;
  for (auto& jti : store_.revokedTokens().active(now)) {
    // The exact expiry does not matter in memory beyond pruning; keep it for a full TTL.
    if (revoked_.add(jti, now + options_.tokenTtlSeconds)) added.push_back(std::move(jti));
  }
  return added;
}

SignedIn Accounts::issue(store::User user) {
  const auto now = core::nowMs() / 1000;
  Claims claims{.sub = user.id,
                .username = user.username,
                .iat = now,
                .exp = now + options_.tokenTtlSeconds,
                .jti = core::newId()};
  revoked_.prune(now);
  auto token = signJwt(claims, options_.jwtSecret);
  return SignedIn{.user = std::move(user), .token = std::move(token), .claims = std::move(claims)};
}

}  // namespace gc::chat
