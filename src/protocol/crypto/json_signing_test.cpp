#include "protocol/crypto/json_signing.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "base/base64.hpp"
#include "protocol/json/access.hpp"
#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::crypto {
namespace {

namespace bj = boost::json;

// Spec appendix "Cryptographic Test Vectors": seed, server name and key ID.
constexpr std::string_view kSpecSeed = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
constexpr std::string_view kServer = "domain";
constexpr std::string_view kKeyId = "ed25519:1";

SigningKey spec_key() {
  auto key = SigningKey::from_seed(base64::decode(kSpecSeed).value_or(""), "1");
  EXPECT_TRUE(key);
  return std::move(key).value();
}

bj::object object_of(std::string_view text) {
  auto parsed = json::parse_object(text);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error());
  return parsed ? std::move(parsed).value() : bj::object();
}

bool same_json(const bj::object& a, const bj::object& b) {
  return json::encode_canonical(a) == json::encode_canonical(b);
}

// Spec "JSON Signing", first vector: the empty object.
TEST(JsonSigning, SpecEmptyObject) {
  bj::object object;
  sign_json(object, kServer, spec_key());
  EXPECT_TRUE(same_json(object, object_of(R"({
    "signatures": {
        "domain": {
            "ed25519:1": "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"
        }
    }
})"))) << bj::serialize(object);
}

// Spec "JSON Signing", second vector: an object with data values.
TEST(JsonSigning, SpecObjectWithValues) {
  bj::object object = object_of(R"({
    "one": 1,
    "two": "Two"
})");
  sign_json(object, kServer, spec_key());
  EXPECT_TRUE(same_json(object, object_of(R"({
    "one": 1,
    "signatures": {
        "domain": {
            "ed25519:1": "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"
        }
    },
    "two": "Two"
})"))) << bj::serialize(object);
}

TEST(JsonSigning, SpecVectorsVerify) {
  SigningKey key = spec_key();
  bj::object empty = object_of(R"({"signatures": {"domain": {"ed25519:1":
      "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"}}})");
  auto result = verify_json(empty, kServer, kKeyId, key.public_key());
  EXPECT_TRUE(result) << result.error();

  bj::object values = object_of(R"({"one": 1, "two": "Two", "signatures": {"domain": {"ed25519:1":
      "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"}}})");
  result = verify_json(values, kServer, kKeyId, key.public_key());
  EXPECT_TRUE(result) << result.error();
}

// Spec "Event Signing", first vector: the signed minimal event. Redacting it (room versions 1-10)
// removes nothing but "unsigned", so its event signature is a JSON signature of the event itself.
TEST(JsonSigning, SpecSignedMinimalEventVerifies) {
  bj::object event = object_of(R"({
    "auth_events": [],
    "content": {},
    "depth": 3,
    "hashes": {
        "sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"
    },
    "origin": "domain",
    "origin_server_ts": 1000000,
    "prev_events": [],
    "room_id": "!x:domain",
    "sender": "@a:domain",
    "signatures": {
        "domain": {
            "ed25519:1": "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"
        }
    },
    "type": "X",
    "unsigned": {
        "age_ts": 1000000
    }
})");
  auto result = verify_json(event, kServer, kKeyId, spec_key().public_key());
  EXPECT_TRUE(result) << result.error();
  event["depth"] = 4;
  EXPECT_FALSE(verify_json(event, kServer, kKeyId, spec_key().public_key()));
}

TEST(JsonSigning, SignableJsonDropsOnlyTopLevelSignaturesAndUnsigned) {
  bj::object object = object_of(R"({"b": {"unsigned": 1, "signatures": 2}, "a": [1, "x"],
      "signatures": {"x": {}}, "unsigned": {"age": 5}, "c": null})");
  EXPECT_EQ(signable_json(object), R"({"a":[1,"x"],"b":{"signatures":2,"unsigned":1},"c":null})");
  std::string appended = "prefix";
  append_signable_json(appended, object);
  EXPECT_EQ(appended, "prefix" + signable_json(object));
}

// Keys that need escaping, non-ASCII keys and more members than fit the inline sort buffer must
// give exactly the canonical JSON of the object with the two members removed.
TEST(JsonSigning, SignableJsonMatchesCanonicalOfCopy) {
  bj::object object = object_of(R"({"q\"uote": 1, "back\\slash": 2, "tab\t": 3, "ctl\u0001": 4,
      "日": 5, "本": 6, "é": 7, "z": 8, "signatures": {}, "unsigned": {}})");
  for (int i = 0; i < 40; ++i) object["k" + std::to_string(i * 7 % 40)] = i;
  bj::object copy = object;
  copy.erase("signatures");
  copy.erase("unsigned");
  EXPECT_EQ(signable_json(object), json::encode_canonical(copy));
}

TEST(JsonSigning, KeepsExistingSignaturesAndUnsigned) {
  bj::object object = object_of(R"({"one": 1, "unsigned": {"age_ts": 922834800000},
      "signatures": {"other.org": {"ed25519:x": "abc"}, "domain": {"ed25519:0": "def"}}})");
  SigningKey key = spec_key();
  sign_json(object, kServer, key);
  EXPECT_EQ(json::encode_canonical(object["unsigned"]), R"({"age_ts":922834800000})");
  const bj::object& signatures = object["signatures"].as_object();
  EXPECT_EQ(signatures.at("other.org").as_object().at("ed25519:x").as_string(), "abc");
  EXPECT_EQ(signatures.at("domain").as_object().at("ed25519:0").as_string(), "def");
  ASSERT_TRUE(signatures.at("domain").as_object().contains("ed25519:1"));
  // The signature covers only {"one":1}, as the spec's vector for {"one":1,"two":"Two"} shows.
  EXPECT_TRUE(verify_ed25519(
      key.public_key(), R"({"one":1})",
      *base64::decode(
          json::view(signatures.at("domain").as_object().at("ed25519:1").as_string()))));
  EXPECT_TRUE(verify_json(object, kServer, kKeyId, key.public_key()));
}

TEST(JsonSigning, TwoEntitiesSignTheSameObject) {
  bj::object object = object_of(R"({"content": {"a": "b"}})");
  SigningKey first = spec_key();
  SigningKey second = SigningKey::generate("a_2nd");
  sign_json(object, "first.org", first);
  sign_json(object, "second.org", second);
  EXPECT_TRUE(verify_json(object, "first.org", "ed25519:1", first.public_key()));
  EXPECT_TRUE(verify_json(object, "second.org", "ed25519:a_2nd", second.public_key()));
  EXPECT_FALSE(verify_json(object, "second.org", "ed25519:a_2nd", first.public_key()));
}

TEST(JsonSigning, ReplacesMalformedSignaturesMember) {
  bj::object object = object_of(R"({"signatures": "nonsense", "x": 1})");
  sign_json(object, kServer, spec_key());
  EXPECT_TRUE(verify_json(object, kServer, kKeyId, spec_key().public_key()));
  object = object_of(R"({"signatures": {"domain": []}, "x": 1})");
  sign_json(object, kServer, spec_key());
  EXPECT_TRUE(verify_json(object, kServer, kKeyId, spec_key().public_key()));
}

TEST(JsonSigning, UnsignedAndOtherSignaturesDoNotAffectVerification) {
  SigningKey key = spec_key();
  bj::object object = object_of(R"({"one": 1, "two": "Two"})");
  sign_json(object, kServer, key);
  object["unsigned"] = object_of(R"({"age": 12345})");
  object["signatures"].as_object()["someone.else"] = object_of(R"({"ed25519:z": "AAAA"})");
  auto result = verify_json(object, kServer, kKeyId, key.public_key());
  EXPECT_TRUE(result) << result.error();
}

TEST(JsonSigning, TamperingIsDetected) {
  SigningKey key = spec_key();
  bj::object signed_object = object_of(R"({"one": 1, "two": "Two", "nested": {"n": [1, 2]}})");
  sign_json(signed_object, kServer, key);

  bj::object changed_value = signed_object;
  changed_value["two"] = "Tw0";
  EXPECT_FALSE(verify_json(changed_value, kServer, kKeyId, key.public_key()));

  bj::object changed_nested = signed_object;
  changed_nested["nested"].as_object()["n"].as_array()[1] = 3;
  EXPECT_FALSE(verify_json(changed_nested, kServer, kKeyId, key.public_key()));

  bj::object added_member = signed_object;
  added_member["three"] = 3;
  EXPECT_FALSE(verify_json(added_member, kServer, kKeyId, key.public_key()));

  bj::object renamed_key = signed_object;
  renamed_key.erase("one");
  renamed_key["onE"] = 1;
  EXPECT_FALSE(verify_json(renamed_key, kServer, kKeyId, key.public_key()));

  // One flipped bit in the signature itself.
  bj::object changed_signature = signed_object;
  bj::value& encoded =
      changed_signature["signatures"].as_object()["domain"].as_object()["ed25519:1"];
  std::string raw = *base64::decode(json::view(encoded.as_string()));
  raw[10] = static_cast<char>(raw[10] ^ 0x40);
  encoded = base64::encode(raw);
  auto result = verify_json(changed_signature, kServer, kKeyId, key.public_key());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("does not verify"), std::string::npos) << result.error();

  // The right signature checked against another key.
  SigningKey other = SigningKey::generate("1");
  EXPECT_FALSE(verify_json(signed_object, kServer, kKeyId, other.public_key()));
}

TEST(JsonSigning, ErrorsSayWhy) {
  SigningKey key = spec_key();
  bj::object object = object_of(R"({"one": 1})");
  sign_json(object, kServer, key);
  const std::string pk = key.public_key();

  auto expect_error = [&](const bj::object& o, std::string_view entity, std::string_view key_id,
                          std::string_view public_key, std::string_view expected) {
    auto result = verify_json(o, entity, key_id, public_key);
    ASSERT_FALSE(result) << "expected failure containing '" << expected << "'";
    EXPECT_NE(result.error().find(expected), std::string::npos) << result.error();
  };

  expect_error(object_of(R"({"one": 1})"), kServer, kKeyId, pk, "no signatures");
  expect_error(object_of(R"({"one": 1, "signatures": []})"), kServer, kKeyId, pk, "no signatures");
  expect_error(object, "other.org", kKeyId, pk, "no signatures from other.org");
  expect_error(object, kServer, "ed25519:2", pk, "no signature from domain with key ed25519:2");

  bj::object bad = object;
  bj::object& entry = bad["signatures"].as_object()["domain"].as_object();
  entry["ed25519:1"] = "not*base64";
  expect_error(bad, kServer, kKeyId, pk, "not valid base64");
  entry["ed25519:1"] = 17;
  expect_error(bad, kServer, kKeyId, pk, "not a string");
  entry["ed25519:1"] = "AAAA";
  expect_error(bad, kServer, kKeyId, pk, "3 bytes, expected 64");
  entry["curve25519:1"] = "AAAA";
  expect_error(bad, kServer, "curve25519:1", pk, "unsupported signing algorithm");
  expect_error(object, kServer, kKeyId, pk.substr(0, 16), "public key");
}

}  // namespace
}  // namespace myelin::crypto
