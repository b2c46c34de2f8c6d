#pragma once
// Accounts: registration, login, logout and token checks. Blocking calls (bcrypt, store)
// are marked; callers run them on the blocking pool.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/jwt.hpp"
#include "chat/revocation_list.hpp"
#include "store/store.hpp"

namespace gc::chat {

struct AccountOptions {
  std::string jwtSecret;
  int bcryptCost = 10;
  int tokenTtlSeconds = 7 * 24 * 3600;
};

struct SignedIn {
  store::User user;
  std::string token;
  Claims claims;
};

class Accounts {
 public:
  Accounts(store::Store& store, AccountOptions options);

  // Blocking. Validates, hashes, stores; 409 username_taken / email_taken.
  SignedIn registerUser(std::string_view username, std::string_view email,
                        std::string_view password);
  // Blocking. The same 401 for an unknown login and a wrong password.
  SignedIn login(std::string_view login, std::string_view password);
  // Blocking. Revokes the token's jti until it expires, durably.
  void logout(const Claims& claims);
  // Blocking.
  std::optional<store::User> userById(std::string_view id);

  // Non-blocking: signature, expiry and the revocation list.
  std::optional<Claims> authenticate(std::string_view token) const;

  // Blocking: loads the revocations still in force (start-up; the video service, which
  // does not see logouts, again every few seconds). Returns the jtis it did not know yet.
  std::vector<std::string> loadRevocations();
  int tokenTtlSeconds() const { return options_.tokenTtlSeconds; }

 private:
  SignedIn issue(store::User user);

  store::Store& store_;
  AccountOptions options_;
  RevocationList revoked_;
  std::string dummyHash_;  // verified against when the login names nobody, for equal timing
};

}  // namespace gc::chat
