#include "protocol/crypto/signing_key.hpp"

#include <sodium.h>

#include <cassert>
#include <utility>

#include "base/base64.hpp"
#include "protocol/crypto/sodium.hpp"

namespace myelin::crypto {
namespace {

static_assert(crypto_sign_SEEDBYTES == kSeedBytes);
static_assert(crypto_sign_PUBLICKEYBYTES == kPublicKeyBytes);
static_assert(crypto_sign_BYTES == kSignatureBytes);
static_assert(crypto_sign_SECRETKEYBYTES == 64);

constexpr std::string_view kVersionAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";

bool is_version_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

std::string random_seed() {
  ensure_sodium();
  std::string seed(kSeedBytes, '\0');
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

std::string random_version() {
  ensure_sodium();
  std::string version = "a_";
  for (int i = 0; i < 4; ++i) {
    version.push_back(kVersionAlphabet[randombytes_uniform(kVersionAlphabet.size())]);
  }
  return version;
}

}  // namespace

bool is_valid_key_version(std::string_view version) {
  if (version.empty()) return false;
  for (char c : version) {
    if (!is_version_char(c)) return false;
  }
  return true;
}

SigningKey::SigningKey(std::string_view seed32_raw, std::string version)
    : public_key_(kPublicKeyBytes, '\0'), version_(std::move(version)) {
  assert(seed32_raw.size() == kSeedBytes);
  ensure_sodium();
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(public_key_.data()), secret_key_.data(),
                           reinterpret_cast<const unsigned char*>(seed32_raw.data()));
}

SigningKey::~SigningKey() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

SigningKey SigningKey::generate() { return generate(random_version()); }

SigningKey SigningKey::generate(std::string version) {
  assert(is_valid_key_version(version));
  std::string seed = random_seed();
  SigningKey key(seed, std::move(version));
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Expected<SigningKey> SigningKey::from_seed(std::string_view seed32_raw, std::string version) {
  if (seed32_raw.size() != kSeedBytes) {
    return fail("ed25519 seed is " + std::to_string(seed32_raw.size()) + " bytes, expected " +
                std::to_string(kSeedBytes));
  }
  if (!is_valid_key_version(version)) {
    return fail("key version '" + version + "' must be non-empty and use only [a-zA-Z0-9_]");
  }
  return SigningKey(seed32_raw, std::move(version));
}

std::string SigningKey::key_id() const {
  std::string id(kEd25519);
  id.push_back(':');
  id.append(version_);
  return id;
}

std::string SigningKey::public_key_base64() const { return base64::encode(public_key_); }

std::string SigningKey::seed_base64() const {
  // The first half of libsodium's secret key is the seed (crypto_sign_ed25519_sk_to_seed).
  return base64::encode(
      std::string_view(reinterpret_cast<const char*>(secret_key_.data()), kSeedBytes));
}

std::string SigningKey::sign(std::string_view message) const {
  std::string signature(kSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_key_.data());
  return signature;
}

bool verify_ed25519(std::string_view public_key_raw, std::string_view message,
                    std::string_view signature_raw) {
  if (public_key_raw.size() != kPublicKeyBytes || signature_raw.size() != kSignatureBytes) {
    return false;
  }
  ensure_sodium();
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(signature_raw.data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             reinterpret_cast<const unsigned char*>(public_key_raw.data())) == 0;
}

}  // namespace myelin::crypto
