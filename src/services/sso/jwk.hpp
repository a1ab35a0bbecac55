#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;

namespace myelin::services::jose {

// One public key from a JSON Web Key Set (RFC 7517), ready for OpenSSL: RSA (n, e) or EC on
// P-256 (crv, x, y). Signing only: keys marked "use": "enc" are not loaded.
struct Jwk {
  std::string kid;  // may be empty
  std::string kty;  // "RSA" or "EC"
  std::string alg;  // may be empty (then any algorithm of the key type)
  std::shared_ptr<EVP_PKEY> key;
};

// nullopt for unsupported or malformed keys (other key types, other curves, bad encodings).
std::optional<Jwk> parse_jwk(const boost::json::object& jwk);

// The usable signing keys of a JWKS document ({"keys": [...]}); unusable entries are skipped so
// that one exotic key does not hide the others.
std::vector<Jwk> parse_jwks(const boost::json::value& document);

}  // namespace myelin::services::jose
