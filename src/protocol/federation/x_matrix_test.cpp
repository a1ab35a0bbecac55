#include "protocol/federation/x_matrix.hpp"

#include <gtest/gtest.h>

#include <boost/json/object.hpp>

#include "base/base64.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::federation {
namespace {

namespace bj = boost::json;

// Spec appendix "Cryptographic Test Vectors" seed, as key ed25519:1.
constexpr std::string_view kSpecSeed = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";

crypto::SigningKey spec_key() {
  auto key = crypto::SigningKey::from_seed(base64::decode(kSpecSeed).value_or(""), "1");
  EXPECT_TRUE(key);
  return std::move(key).value();
}

SignedRequest request_without_body() {
  return SignedRequest{"PUT", "/_matrix/federation/v1/send/1?x=%20y", "origin.hs.example.com",
                       "destination.hs.example.com", std::nullopt};
}

SignedRequest request_with_body() {
  SignedRequest request = request_without_body();
  auto content = json::parse_object(R"({"pdus":[{"a":"é"}],"n":1})");
  EXPECT_TRUE(content);
  request.content = bj::value(std::move(content).value());
  return request;
}

// Signatures made by python3-signedjson 1.1.4 (what Synapse signs with) over the same requests.
constexpr std::string_view kPythonSigWithoutBody =
    "i2rIGu0jJ36PHVnen8dYT77p57rxLq0wMwE6uwaSrKlm4qYoJkaS0ZgFzsLccSKY48SQp84hFdDS/9YQxp7jDQ";
constexpr std::string_view kPythonSigWithBody =
    "s92dwZAfcrVG2emsodVKZVLYX6uHRv0xn97aXVnyDQoyuAUYQNKnH4h8tpQr+R6sgJk4CPqCdE47t+mSMmmLBg";

TEST(XMatrix, HeaderMatchesSignedJsonAndSpecShape) {
  auto key = spec_key();
  EXPECT_EQ(authorization_header(request_without_body(), key),
            "X-Matrix origin=\"origin.hs.example.com\",destination=\"destination.hs.example.com\","
            "key=\"ed25519:1\",sig=\"" +
                std::string(kPythonSigWithoutBody) + "\"");
  EXPECT_EQ(authorization_header(request_with_body(), key),
            "X-Matrix origin=\"origin.hs.example.com\",destination=\"destination.hs.example.com\","
            "key=\"ed25519:1\",sig=\"" +
                std::string(kPythonSigWithBody) + "\"");
}

TEST(XMatrix, RoundTripVerifies) {
  auto key = spec_key();
  for (const auto& request : {request_without_body(), request_with_body()}) {
    auto credentials = parse_authorization(authorization_header(request, key));
    ASSERT_TRUE(credentials) << credentials.error();
    EXPECT_EQ(credentials->origin, "origin.hs.example.com");
    EXPECT_EQ(credentials->destination, "destination.hs.example.com");
    EXPECT_EQ(credentials->key_id, "ed25519:1");
    EXPECT_TRUE(verify_request(request, *credentials, key.public_key()));
  }
}

TEST(XMatrix, TamperingBreaksTheSignature) {
  auto key = spec_key();
  const SignedRequest original = request_with_body();
  auto credentials = parse_authorization(authorization_header(original, key));
  ASSERT_TRUE(credentials);

  SignedRequest changed = original;
  changed.method = "POST";
  EXPECT_FALSE(verify_request(changed, *credentials, key.public_key()));
  changed = original;
  changed.uri = "/_matrix/federation/v1/send/2?x=%20y";
  EXPECT_FALSE(verify_request(changed, *credentials, key.public_key()));
  changed = original;
  changed.content = std::nullopt;  // a body signed must be the body received
  EXPECT_FALSE(verify_request(changed, *credentials, key.public_key()));
  changed = original;
  changed.content = bj::value(bj::object{{"n", 2}});
  EXPECT_FALSE(verify_request(changed, *credentials, key.public_key()));

  // The request's origin/destination must be the header's.
  changed = original;
  changed.origin = "evil.example.com";
  EXPECT_FALSE(verify_request(changed, *credentials, key.public_key()));
  changed = original;
  changed.destination = "other.example.com";
  EXPECT_FALSE(verify_request(changed, *credentials, key.public_key()));

  // Another key does not verify.
  auto other = crypto::SigningKey::generate("1");
  EXPECT_FALSE(verify_request(original, *credentials, other.public_key()));

  XMatrixCredentials bad_sig = *credentials;
  bad_sig.signature = "!!!";
  EXPECT_FALSE(verify_request(original, bad_sig, key.public_key()));
}

// Older servers omit destination: the receiver verifies with itself as destination.
TEST(XMatrix, MissingDestinationVerifiesAgainstTheReceiver) {
  auto key = spec_key();
  auto credentials =
      parse_authorization("X-Matrix origin=origin.hs.example.com,key=\"ed25519:1\",sig=\"" +
                          std::string(kPythonSigWithoutBody) + "\"");
  ASSERT_TRUE(credentials) << credentials.error();
  EXPECT_FALSE(credentials->destination.has_value());
  EXPECT_TRUE(verify_request(request_without_body(), *credentials, key.public_key()));
}

TEST(XMatrix, ParsesTheSpecExample) {
  auto credentials = parse_authorization(
      "X-Matrix origin=\"origin.hs.example.com\",destination=\"destination.hs.example.com\","
      "key=\"ed25519:key1\",sig=\"ABCDEF...\"");
  ASSERT_TRUE(credentials) << credentials.error();
  EXPECT_EQ(credentials->origin, "origin.hs.example.com");
  EXPECT_EQ(credentials->destination, "destination.hs.example.com");
  EXPECT_EQ(credentials->key_id, "ed25519:key1");
  EXPECT_EQ(credentials->signature, "ABCDEF...");
}

TEST(XMatrix, ParsesLenientForms) {
  // Scheme in any case, several spaces, names in any case and order, OWS around commas, bare
  // values with colons, escaped characters in quoted values, unknown parameters ignored.
  auto credentials = parse_authorization(
      "x-matrix   SIG=abc+/def , Key=ed25519:k_1,\tfoo=\"x,y\" ,Destination=\"d\\\"e\\\\st:8448\","
      "origin=orig.example.com:8448");
  ASSERT_TRUE(credentials) << credentials.error();
  EXPECT_EQ(credentials->origin, "orig.example.com:8448");
  EXPECT_EQ(credentials->destination, "d\"e\\st:8448");
  EXPECT_EQ(credentials->key_id, "ed25519:k_1");
  EXPECT_EQ(credentials->signature, "abc+/def");

  auto quoted_comma = parse_authorization("X-Matrix origin=\"a,b\",key=\"ed25519:1\",sig=\"s\"");
  ASSERT_TRUE(quoted_comma);
  EXPECT_EQ(quoted_comma->origin, "a,b");

  // Empty list elements are allowed (RFC 9110 5.6.1; Synapse skips them too).
  EXPECT_TRUE(parse_authorization("X-Matrix origin=\"a\",key=\"ed25519:1\",sig=\"s\","));
}

TEST(XMatrix, RejectsMalformed) {
  for (std::string_view header : {
           "",
           "X-Matrix",
           "X-Matrix ",
           "Bearer abc",
           "X-Matrixorigin=\"a\",key=\"ed25519:1\",sig=\"s\"",
           "X-Matri origin=\"a\",key=\"ed25519:1\",sig=\"s\"",
           "X-Matrix key=\"ed25519:1\",sig=\"s\"",               // no origin
           "X-Matrix origin=\"a\",sig=\"s\"",                    // no key
           "X-Matrix origin=\"a\",key=\"ed25519:1\"",            // no sig
           "X-Matrix origin=\"\",key=\"ed25519:1\",sig=\"s\"",   // empty origin
           "X-Matrix origin=,key=\"ed25519:1\",sig=\"s\"",       // empty bare value
           "X-Matrix origin=\"a,key=\"ed25519:1\",sig=\"s",      // unterminated quote
           "X-Matrix origin=\"a\" key=\"ed25519:1\",sig=\"s\"",  // missing comma
           "X-Matrix origin=\"a\",key,sig=\"s\"",                // no '='
           "X-Matrix origin=a b,key=\"ed25519:1\",sig=\"s\"",    // space in a bare value
           "X-Matrix origin=\"a\",origin=\"b\",key=\"ed25519:1\",sig=\"s\"",  // twice
           "X-Matrix =\"a\",key=\"ed25519:1\",sig=\"s\"",                     // no name
           "X-Matrix origin=\"a\",destination=\"\",key=\"ed25519:1\",sig=\"s\"",
       }) {
    EXPECT_FALSE(parse_authorization(header)) << header;
  }
}

}  // namespace
}  // namespace myelin::federation
