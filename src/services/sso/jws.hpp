#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/sso/jwk.hpp"

namespace myelin::services::jose {

// A JWS in compact serialisation (RFC 7515, section 7.1) with a JSON object payload, as ID
// tokens are: header.payload.signature, each base64url without padding.
struct CompactJws {
  boost::json::object header;
  boost::json::object payload;
  std::string alg;            // from the header
  std::string kid;            // from the header; may be empty
  std::string signing_input;  // "<header>.<payload>" as received
  std::string signature;      // decoded bytes
};

// nullopt unless there are exactly three parts, each decodes, and header and payload are JSON
// objects with a string "alg".
std::optional<CompactJws> parse_compact_jws(std::string_view token);

// True when `jws` is signed by `key` with RS256 (RSASSA-PKCS1-v1_5, SHA-256) or ES256 (ECDSA
// P-256, SHA-256, r||s). Every other algorithm — "none" above all — is refused.
bool verify_signature(const CompactJws& jws, const Jwk& key);

// The keys that may have signed `jws`: the one with its kid when it names one, else every key
// of the algorithm's type.
std::vector<const Jwk*> candidate_keys(const CompactJws& jws, const std::vector<Jwk>& keys);

}  // namespace myelin::services::jose
