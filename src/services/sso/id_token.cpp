#include "services/sso/id_token.hpp"

#include "services/sso/jws.hpp"

namespace myelin::services::jose {

namespace bj = boost::json;

namespace {

std::string string_claim(const bj::object& claims, const char* name) {
  const bj::value* value = claims.if_contains(name);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

// NumericDate: seconds, possibly fractional (RFC 7519, section 2).
std::optional<std::int64_t> time_claim(const bj::object& claims, const char* name) {
  const bj::value* value = claims.if_contains(name);
  if (!value) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) return static_cast<std::int64_t>(value->get_uint64());
  if (value->is_double()) return static_cast<std::int64_t>(value->get_double());
  throw IdTokenError(std::string("the ID token's ") + name + " is not a number");
}

void check_audience(const bj::object& claims, const std::string& client_id) {
  const bj::value* aud = claims.if_contains("aud");
  if (!aud) throw IdTokenError("the ID token has no audience");
  bool found = false;
  std::size_t count = 0;
  if (aud->is_string()) {
    found = aud->get_string() == client_id;
    count = 1;
  } else if (aud->is_array()) {
    for (const bj::value& entry : aud->get_array()) {
      ++count;
      if (entry.is_string() && entry.get_string() == client_id) found = true;
    }
  }
  if (!found) throw IdTokenError("the ID token is not meant for this client");
  // With several audiences, the authorized party must be us (Core 1.0, 3.1.3.7 items 4-5).
  const std::string azp = string_claim(claims, "azp");
  if ((count > 1 || !azp.empty()) && azp != client_id) {
    throw IdTokenError("the ID token was issued to another party");
  }
}

}  // namespace

void check_id_token_claims(const bj::object& claims, const IdTokenExpectations& expected) {
  if (string_claim(claims, "iss") != expected.issuer) {
    throw IdTokenError("the ID token comes from another issuer");
  }
  check_audience(claims, expected.client_id);
  if (string_claim(claims, "sub").empty()) throw IdTokenError("the ID token has no subject");
  std::optional<std::int64_t> exp = time_claim(claims, "exp");
  if (!exp) throw IdTokenError("the ID token has no expiry");
  if (expected.now_s > *exp + expected.leeway_s) throw IdTokenError("the ID token has expired");
  std::optional<std::int64_t> nbf = time_claim(claims, "nbf");
  if (nbf && expected.now_s + expected.leeway_s < *nbf) {
    throw IdTokenError("the ID token is not valid yet");
  }
  std::optional<std::int64_t> iat = time_claim(claims, "iat");
  if (!iat) throw IdTokenError("the ID token has no issue time");
  if (expected.now_s + expected.leeway_s < *iat) {
    throw IdTokenError("the ID token was issued in the future");
  }
  if (string_claim(claims, "nonce") != expected.nonce) {
    throw IdTokenError("the ID token's nonce does not match the request");
  }
}

bj::object validate_id_token(const std::string& token, const std::vector<Jwk>& keys,
                             const IdTokenExpectations& expected) {
  std::optional<CompactJws> jws = parse_compact_jws(token);
  if (!jws) throw IdTokenError("the ID token is malformed");
  if (jws->alg != "RS256" && jws->alg != "ES256") {
    throw IdTokenError("the ID token's algorithm " + jws->alg + " is not accepted");
  }
  std::vector<const Jwk*> candidates = candidate_keys(*jws, keys);
  if (candidates.empty()) throw UnknownKeyError("no key of the provider matches the ID token");
  bool verified = false;
  for (const Jwk* key : candidates) {
    if (verify_signature(*jws, *key)) {
      verified = true;
      break;
    }
  }
  if (!verified) throw IdTokenError("the ID token's signature is invalid");
  check_id_token_claims(jws->payload, expected);
  return std::move(jws->payload);
}

}  // namespace myelin::services::jose
