#include "services/auth_support/password_hasher.hpp"

#include <crypt.h>
#include <sodium.h>

#include <cstring>
#include <memory>
#include <stdexcept>

#include "protocol/crypto/sodium.hpp"
#include "services/auth_support/password_normalization.hpp"

namespace myelin::services {
namespace {

// A default-constructed string_view's data() is null; libsodium wants a readable pointer.
const char* bytes(std::string_view text) { return text.empty() ? "" : text.data(); }

// OWASP's argon2id recommendation (Password Storage Cheat Sheet): 19 MiB, 2 passes, one lane.
// libsodium's "interactive" 64 MiB made every concurrent login or registration cost 64 MiB of
// RSS (peaks of 270 MB under a registration burst); 19 MiB keeps a lean server lean while
// staying at the floor OWASP sets against GPU attackers. The password pool bounds how many run
// at once.
constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = 19 * 1024 * 1024;

// crypt(3)'s bcrypt output: "$2b$" + 2-digit cost + "$" + 22 salt + 31 hash characters.
constexpr std::size_t kBcryptLength = 60;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_argon2id(std::string_view stored) { return starts_with(stored, "$argon2id$"); }

bool is_bcrypt(std::string_view stored) {
  return stored.size() == kBcryptLength &&
         (starts_with(stored, "$2b$") || starts_with(stored, "$2a$") ||
          starts_with(stored, "$2y$"));
}

bool verify_argon2id(std::string_view password, std::string_view stored) {
  // crypto_pwhash_str_verify wants a NUL-terminated string of at most STRBYTES - 1 characters.
  if (stored.size() >= crypto_pwhash_STRBYTES) return false;
  char terminated[crypto_pwhash_STRBYTES] = {};
  std::memcpy(terminated, stored.data(), stored.size());
  return crypto_pwhash_str_verify(terminated, bytes(password), password.size()) == 0;
}

bool verify_bcrypt(std::string_view password, std::string_view stored, std::string_view pepper) {
  // Synapse: bcrypt.checkpw(NFKC(password).encode("utf8") + pepper.encode("utf8"), hash).
  const std::string key = normalize_password(password) + std::string(pepper);
  // crypt_r reads the password as a C string: an embedded NUL would silently cut it short, so a
  // password containing one cannot be the one that was hashed (Synapse hashed UTF-8 text).
  if (key.find('\0') != std::string::npos) return false;
  const std::string setting(stored);
  // struct crypt_data is ~32 KiB: too large for a worker's stack frame by habit, so heap it.
  auto data = std::make_unique<crypt_data>();
  const char* computed = crypt_r(key.c_str(), setting.c_str(), data.get());
  // libxcrypt reports failure as NULL or as a "*0"/"*1" token, never as a valid hash.
  if (computed == nullptr || std::strlen(computed) != stored.size()) return false;
  return sodium_memcmp(computed, stored.data(), stored.size()) == 0;
}

}  // namespace

std::string hash_password(std::string_view password) {
  crypto::ensure_sodium();
  const std::string normalized = normalize_password(password);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, bytes(normalized), normalized.size(), kOpsLimit, kMemLimit) != 0)
    throw std::runtime_error("argon2id: not enough memory to hash a password");
  return out;
}

bool verify_password(std::string_view password, std::string_view stored_hash,
                     std::string_view synapse_pepper) {
  crypto::ensure_sodium();
  if (is_argon2id(stored_hash)) return verify_argon2id(normalize_password(password), stored_hash);
  if (is_bcrypt(stored_hash)) return verify_bcrypt(password, stored_hash, synapse_pepper);
  return false;
}

bool needs_rehash(std::string_view stored_hash) {
  crypto::ensure_sodium();
  if (!is_argon2id(stored_hash) || stored_hash.size() >= crypto_pwhash_STRBYTES) return true;
  char terminated[crypto_pwhash_STRBYTES] = {};
  std::memcpy(terminated, stored_hash.data(), stored_hash.size());
  // 1: other limits; -1: not a string libsodium can read. Either way a new hash is due.
  return crypto_pwhash_str_needs_rehash(terminated, kOpsLimit, kMemLimit) != 0;
}

}  // namespace myelin::services
