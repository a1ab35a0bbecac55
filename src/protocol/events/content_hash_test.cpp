#include "protocol/events/content_hash.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "base/base64.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::events {
namespace {

namespace bj = boost::json;

bj::object parse(std::string_view text) { return json::parse_object(text).value(); }

// The appendix "Event Signing" minimal event and the hashes.sha256 the spec gives for it.
constexpr std::string_view kMinimalEvent = R"({
    "room_id": "!x:domain",
    "sender": "@a:domain",
    "origin": "domain",
    "origin_server_ts": 1000000,
    "signatures": {},
    "hashes": {},
    "type": "X",
    "content": {},
    "prev_events": [],
    "auth_events": [],
    "depth": 3,
    "unsigned": {
        "age_ts": 1000000
    }
})";
constexpr std::string_view kMinimalEventHash = "5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos";

TEST(ContentHash, AppendixMinimalEvent) {
  EXPECT_EQ(base64::encode(compute_content_hash(parse(kMinimalEvent))), kMinimalEventHash);
  bj::object event = parse(kMinimalEvent);
  add_content_hash(event);
  EXPECT_EQ(event.at("hashes").as_object().at("sha256").as_string(), kMinimalEventHash.data());
  EXPECT_TRUE(check_content_hash(event));
}

TEST(ContentHash, IgnoresUnsignedSignaturesAndHashes) {
  bj::object event = parse(kMinimalEvent);
  event["unsigned"] = parse(R"({"age": 5, "redacted_because": {}})");
  event["signatures"] = parse(R"({"domain": {"ed25519:1": "x"}})");
  event["hashes"] = parse(R"({"sha256": "old", "sha512": "other"})");
  EXPECT_EQ(base64::encode(compute_content_hash(event)), kMinimalEventHash);
}

TEST(ContentHash, AddKeepsOtherAlgorithmsAndReplacesNonObjects) {
  bj::object event = parse(kMinimalEvent);
  event["hashes"] = parse(R"({"sha512": "other"})");
  add_content_hash(event);
  EXPECT_EQ(event.at("hashes").as_object().at("sha512"), "other");
  EXPECT_EQ(event.at("hashes").as_object().at("sha256").as_string(), kMinimalEventHash.data());
  event["hashes"] = "not an object";
  add_content_hash(event);
  EXPECT_TRUE(check_content_hash(event));
}

TEST(ContentHash, CheckFailsOnChangedContentOrMissingHash) {
  bj::object event = parse(kMinimalEvent);
  EXPECT_FALSE(check_content_hash(event));  // hashes is empty
  add_content_hash(event);
  event["content"].as_object()["body"] = "changed";
  Expected<Ok> result = check_content_hash(event);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), "content hash does not match");
  event.erase("hashes");
  EXPECT_FALSE(check_content_hash(event));
  event["hashes"] = parse(R"({"sha256": "!!!"})");
  EXPECT_FALSE(check_content_hash(event));
}

TEST(ContentHash, AcceptsPaddedBase64) {
  bj::object event = parse(kMinimalEvent);
  event["hashes"] = bj::object{{"sha256", std::string(kMinimalEventHash) + "="}};
  EXPECT_TRUE(check_content_hash(event));
}

}  // namespace
}  // namespace myelin::events
