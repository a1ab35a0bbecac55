#include "protocol/crypto/sha256.hpp"

#include <sodium.h>

#include "protocol/crypto/sodium.hpp"

namespace myelin::crypto {

std::string sha256(std::string_view bytes) {
  ensure_sodium();
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return digest;
}

}  // namespace myelin::crypto
