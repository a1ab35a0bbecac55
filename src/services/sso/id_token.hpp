#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "services/sso/jwk.hpp"

namespace myelin::services::jose {

// Why an ID token was refused; the text is for logs and the error page, never a secret.
class IdTokenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What the relying party expects of an ID token (OpenID Connect Core 1.0, section 3.1.3.7).
struct IdTokenExpectations {
  std::string issuer;
  std::string client_id;
  std::string nonce;  // the one sent in the authorization request
  std::int64_t now_s = 0;
  // Clocks drift: exp/nbf/iat are allowed this much slack.
  std::int64_t leeway_s = 60;
};

// Checks iss, aud (a string or an array containing client_id; azp when there are several),
// exp, nbf, iat (not in the future) and nonce. Throws IdTokenError.
void check_id_token_claims(const boost::json::object& claims, const IdTokenExpectations& expected);

// Parses `token`, verifies its signature with one of `keys` (RS256 or ES256) and checks its
// claims; returns the claims. Throws IdTokenError. UnknownKeyError (a kind of IdTokenError)
// when no key matches its kid or algorithm, so the caller may refetch the key set once.
class UnknownKeyError : public IdTokenError {
 public:
  using IdTokenError::IdTokenError;
};
boost::json::object validate_id_token(const std::string& token, const std::vector<Jwk>& keys,
                                      const IdTokenExpectations& expected);

}  // namespace myelin::services::jose
