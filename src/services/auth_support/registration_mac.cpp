#include "services/auth_support/registration_mac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace myelin::services {

std::string registration_mac(std::string_view shared_secret, std::string_view nonce,
                             std::string_view username, std::string_view password, bool admin,
                             const std::optional<std::string>& user_type) {
  std::string message;
  message.append(nonce).push_back('\0');
  message.append(username).push_back('\0');
  message.append(password).push_back('\0');
  message.append(admin ? "admin" : "notadmin");
  if (user_type) message.append(1, '\0').append(*user_type);

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha1(), shared_secret.data(), static_cast<int>(shared_secret.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
            &length)) {
    throw std::runtime_error("HMAC-SHA1 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

bool macs_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace myelin::services
