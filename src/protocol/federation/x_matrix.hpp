#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "protocol/crypto/signing_key.hpp"

namespace myelin::federation {

// What an X-Matrix signature covers (spec server-server API "Request Authentication"): the JSON
// object {method, uri, origin, destination, content?} signed by the origin.
struct SignedRequest {
  std::string method;  // "GET"
  std::string uri;     // path and query as sent, e.g. "/_matrix/federation/v1/send/1"
  std::string origin;
  std::string destination;
  std::optional<boost::json::value> content;
};

// The parameters of an `Authorization: X-Matrix ...` header.
struct XMatrixCredentials {
  std::string origin;
  // Absent from servers older than spec v1.3; the receiver then assumes itself.
  std::optional<std::string> destination;
  std::string key_id;     // "ed25519:abc"
  std::string signature;  // unpadded base64
};

// The Authorization header value for the request signed with the origin's key, written the way
// the spec asks senders to write it for older servers: one space after the scheme, lower-case
// names, every value quoted, no whitespace around the commas.
std::string authorization_header(const SignedRequest& request, const crypto::SigningKey& key);

// Parses an Authorization header value (RFC 9110 section 11.4 credentials): scheme X-Matrix in any
// case, parameters in any order with case-insensitive names, values quoted (backslash escapes
// undone) or bare (colons allowed, for older servers), spaces and tabs around commas. Unknown
// parameters are ignored. Fails on another scheme, a parameter given twice, an empty value, or a
// missing origin, key or sig.
Expected<XMatrixCredentials> parse_authorization(std::string_view header_value);

// Checks that credentials.signature is the origin's signature, by the key whose raw 32 bytes are
// given, over the request's JSON. The credentials' origin must be the request's, and their
// destination, when present, the request's.
Expected<Ok> verify_request(const SignedRequest& request, const XMatrixCredentials& credentials,
                            std::string_view public_key_raw);

}  // namespace myelin::federation
