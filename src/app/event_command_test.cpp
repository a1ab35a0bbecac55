#include "app/event_command.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace myelin::app {
namespace {

// The signed minimal event of the spec appendix "Cryptographic Test Vectors" → "Event Signing",
// and the public key of its seed (YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1).
constexpr std::string_view kSignedEvent = R"({
    "auth_events": [], "content": {}, "depth": 3,
    "hashes": {"sha256": "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos"},
    "origin": "domain", "origin_server_ts": 1000000, "prev_events": [],
    "room_id": "!x:domain", "sender": "@a:domain",
    "signatures": {"domain": {"ed25519:1":
        "KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg"}},
    "type": "X", "unsigned": {"age_ts": 1000000}})";
constexpr std::string_view kDomainKey =
    "domain:ed25519:1=XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI";

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome check(std::string_view event, std::string room_version, std::vector<std::string> keys) {
  std::istringstream in{std::string(event)};
  std::ostringstream out, err;
  int code =
      event_check({.file = "-", .room_version = std::move(room_version), .keys = std::move(keys)},
                  in, out, err);
  return {code, out.str(), err.str()};
}

TEST(EventCheckCommand, SpecVectorVerifies) {
  Outcome result = check(kSignedEvent, "10", {std::string(kDomainKey)});
  EXPECT_EQ(result.code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("event_id: $"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("content_hash: valid"), std::string::npos);
  EXPECT_NE(result.out.find("signature domain ed25519:1: valid"), std::string::npos);
  EXPECT_NE(result.out.find("redacted: {\"auth_events\":[],\"content\":{},\"depth\":3,"),
            std::string::npos)
      << result.out;
  EXPECT_EQ(result.out.find("age_ts"), std::string::npos);  // unsigned is not kept by redaction
}

TEST(EventCheckCommand, TamperingIsReported) {
  std::string tampered(kSignedEvent);
  tampered.replace(tampered.find("\"type\": \"X\""), 11, "\"type\": \"Y\"");
  Outcome result = check(tampered, "10", {std::string(kDomainKey)});
  EXPECT_EQ(result.code, 1);
  EXPECT_NE(result.out.find("content_hash: INVALID"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("signature domain ed25519:1: INVALID"), std::string::npos);
}

TEST(EventCheckCommand, SignaturesWithoutKeysAreUnchecked) {
  Outcome result = check(kSignedEvent, "10", {});
  EXPECT_EQ(result.code, 0);
  EXPECT_NE(result.out.find("signature domain: unchecked"), std::string::npos) << result.out;
}

TEST(EventCheckCommand, BadArgumentsAndInput) {
  EXPECT_EQ(check(kSignedEvent, "99", {}).code, 2);
  EXPECT_EQ(check(kSignedEvent, "10", {"domain=abc"}).code, 2);
  EXPECT_EQ(check(kSignedEvent, "10", {"domain:ed25519:1=AAAA"}).code, 2);
  Outcome not_json = check("{\"type\":", "10", {});
  EXPECT_EQ(not_json.code, 1);
  EXPECT_NE(not_json.err.find("invalid JSON"), std::string::npos);
  // Room version 1 events carry their event ID; this one has none.
  Outcome v1 = check(kSignedEvent, "1", {});
  EXPECT_EQ(v1.code, 1);
  EXPECT_NE(v1.out.find("valid: no"), std::string::npos) << v1.out;
}

}  // namespace
}  // namespace myelin::app
