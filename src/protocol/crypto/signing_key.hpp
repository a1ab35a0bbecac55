#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace myelin::crypto {

// The only signing algorithm homeservers use (spec appendix "Signing Details").
inline constexpr std::string_view kEd25519 = "ed25519";
inline constexpr std::size_t kSeedBytes = 32;
inline constexpr std::size_t kPublicKeyBytes = 32;
inline constexpr std::size_t kSignatureBytes = 64;

// Whether a key version (the part after "ed25519:" in a key ID) is non-empty and made only of
// [a-zA-Z0-9_] (spec server-server API, definitions/keys.yaml "verify_keys").
bool is_valid_key_version(std::string_view version);

// An ed25519 signing key with its version, as a server holds it. The secret half is wiped when the
// object is destroyed.
class SigningKey {
 public:
  // A random seed with version "a_" + 4 random [A-Za-z0-9_] characters (Synapse's shape).
  static SigningKey generate();
  // A random seed with the given version, which must satisfy is_valid_key_version (a caller bug
  // otherwise; use from_seed for versions read from input).
  static SigningKey generate(std::string version);
  // The key whose 32-byte seed is given raw; fails on a wrong seed length or an invalid version.
  static Expected<SigningKey> from_seed(std::string_view seed32_raw, std::string version);

  SigningKey(const SigningKey&) = default;
  SigningKey(SigningKey&&) = default;
  SigningKey& operator=(const SigningKey&) = default;
  SigningKey& operator=(SigningKey&&) = default;
  ~SigningKey();

  const std::string& version() const { return version_; }
  std::string key_id() const;                                    // "ed25519:<version>"
  const std::string& public_key() const { return public_key_; }  // 32 raw bytes
  std::string public_key_base64() const;                         // unpadded base64
  std::string seed_base64() const;                               // unpadded base64

  // The 64-byte detached ed25519 signature of the message.
  std::string sign(std::string_view message) const;

 private:
  SigningKey(std::string_view seed32_raw, std::string version);

  // libsodium's secret key: the seed followed by the public key.
  std::array<unsigned char, 64> secret_key_{};
  std::string public_key_;
  std::string version_;
};

// Whether signature_raw is a valid ed25519 signature of message by public_key_raw; false when
// either the key or the signature has the wrong size.
bool verify_ed25519(std::string_view public_key_raw, std::string_view message,
                    std::string_view signature_raw);

}  // namespace myelin::crypto
