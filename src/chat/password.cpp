#include "chat/password.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace gc::chat {
namespace {

// struct crypt_data is 32 KiB: one per thread, not on the stack.
crypt_data& scratch() {
  thread_local auto data = std::make_unique<crypt_data>();
  return *data;
}

}  // namespace

std::string hashPassword(std::string_view password, int cost) {
  std::array<char, 16> random{};
  if (RAND_bytes(reinterpret_cast<unsigned char*>(random.data()), random.size()) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> salt{};
  if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), random.data(), random.size(),
                        salt.data(), salt.size())) {
    throw std::runtime_error("crypt_gensalt_rn failed");
  }
  const std::string pw(password);  // NUL-terminated copy; callers refuse embedded NULs
  const char* out = crypt_rn(pw.c_str(), salt.data(), &scratch(), sizeof(crypt_data));
  if (!out || out[0] == '*') throw std::runtime_error("crypt_rn failed");
  return out;
}

bool verifyPassword(std::string_view password, const std::string& hash) {
  const std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), hash.c_str(), &scratch(), sizeof(crypt_data));
  if (!out || out[0] == '*') return false;
  const std::string_view computed(out);
  return computed.size() == hash.size() &&
         CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
}

}  // namespace gc::chat
