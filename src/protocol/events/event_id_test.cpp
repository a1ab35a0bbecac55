#include "protocol/events/event_id.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "protocol/json/parse.hpp"

namespace myelin::events {
namespace {

namespace bj = boost::json;

bj::object parse(std::string_view text) { return json::parse_object(text).value(); }

const RoomVersion& version(std::string_view id) { return *find_room_version(id); }

// Every key survives redaction in every version, so the expected IDs below were computed
// independently of our redaction code: Python's canonicaljson.encode_canonical_json of the event
// without "signatures" and "unsigned", hashlib.sha256, base64 (standard and URL-safe) unpadded.
constexpr std::string_view kMessage = R"({"auth_events": ["$auth1", "$auth2"], "content": {},
  "depth": 5, "hashes": {"sha256": "abcdefg"}, "origin_server_ts": 1500000000000,
  "prev_events": ["$prev"], "room_id": "!room:x.org", "sender": "@alice:x.org",
  "signatures": {"x.org": {"ed25519:1": "c2ln"}}, "type": "m.room.message",
  "unsigned": {"age_ts": 5}})";

TEST(EventId, V1AndV2TakeTheIdFromTheEvent) {
  bj::object event = parse(R"({"event_id": "$0:domain", "type": "m.room.message"})");
  EXPECT_EQ(compute_event_id(event, version("1")).value(), "$0:domain");
  EXPECT_EQ(compute_event_id(event, version("2")).value(), "$0:domain");
  EXPECT_FALSE(compute_event_id(parse(kMessage), version("1")));
  EXPECT_FALSE(compute_event_id(parse(R"({"event_id": 5})"), version("2")));
}

TEST(EventId, V3UsesStandardBase64) {
  EXPECT_EQ(compute_event_id(parse(kMessage), version("3")).value(),
            "$78N4BzZgb34ACtjDty7vPrkkgbVTBRdW0V+dvewG+Ws");
}

TEST(EventId, V4OnwardsUseUrlSafeBase64) {
  for (std::string_view id : {"4", "6", "10", "11", "12"}) {
    EXPECT_EQ(compute_event_id(parse(kMessage), version(id)).value(),
              "$78N4BzZgb34ACtjDty7vPrkkgbVTBRdW0V-dvewG-Ws")
        << id;
  }
}

TEST(EventId, CoversOnlyTheRedactedForm) {
  bj::object event = parse(kMessage);
  event["content"].as_object()["body"] = "redactable";
  event["unsigned"] = parse(R"({"age": 12345})");
  event["signatures"] = parse(R"({"y.org": {"ed25519:2": "b3RoZXI"}})");
  EXPECT_EQ(compute_event_id(event, version("4")).value(),
            "$78N4BzZgb34ACtjDty7vPrkkgbVTBRdW0V-dvewG-Ws");
  // The content hash is protected, so a different hash is a different event.
  event["hashes"].as_object()["sha256"] = "zzz";
  EXPECT_NE(compute_event_id(event, version("4")).value(),
            "$78N4BzZgb34ACtjDty7vPrkkgbVTBRdW0V-dvewG-Ws");
}

TEST(EventId, OriginCountsUntilV11) {
  // Same event plus "origin": x.org; Python gives the v4 ID below, and v11 drops "origin".
  bj::object event = parse(kMessage);
  event["origin"] = "x.org";
  EXPECT_EQ(compute_event_id(event, version("10")).value(),
            "$HEMxzN60WUMa4ThN426AikjgkUfCjGttBug93x4MmzQ");
  EXPECT_EQ(compute_event_id(event, version("11")).value(),
            "$78N4BzZgb34ACtjDty7vPrkkgbVTBRdW0V-dvewG-Ws");
}

// A v12 create event: no room_id; v11 redaction keeps its whole content.
constexpr std::string_view kCreate = R"({"auth_events": [], "content": {"room_version": "12",
  "additional_creators": ["@bob:y.org"], "m.federate": true}, "depth": 1,
  "hashes": {"sha256": "abcdefg"}, "origin_server_ts": 1500000000000, "prev_events": [],
  "sender": "@alice:x.org", "signatures": {"x.org": {"ed25519:1": "c2ln"}}, "state_key": "",
  "type": "m.room.create"})";

TEST(EventId, V12CreateEventAndRoomId) {
  EXPECT_EQ(compute_event_id(parse(kCreate), version("12")).value(),
            "$FhTsM0J8cfh5Cv3bsFNHz6d7W05G3PJ1rTs4JAMlyGo");
  EXPECT_EQ(compute_room_id_from_create(parse(kCreate), version("12")),
            "!FhTsM0J8cfh5Cv3bsFNHz6d7W05G3PJ1rTs4JAMlyGo");
  EXPECT_EQ(compute_room_id_from_create(parse(kCreate)).value(),
            "!FhTsM0J8cfh5Cv3bsFNHz6d7W05G3PJ1rTs4JAMlyGo");
}

TEST(EventId, RoomIdFromCreateNeedsAVersionThatDerivesIt) {
  bj::object create = parse(kCreate);
  create["content"].as_object()["room_version"] = "11";
  EXPECT_FALSE(compute_room_id_from_create(create));
  create["content"].as_object()["room_version"] = "999";
  EXPECT_FALSE(compute_room_id_from_create(create));
  create["content"].as_object().erase("room_version");  // means version 1
  EXPECT_FALSE(compute_room_id_from_create(create));
}

TEST(EventId, ReferenceHashIsSha256) {
  EXPECT_EQ(compute_reference_hash(parse(kMessage), version("4")).size(), 32u);
}

}  // namespace
}  // namespace myelin::events
