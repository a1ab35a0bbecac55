#include "protocol/events/redaction.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::events {
namespace {

namespace bj = boost::json;

bj::object parse(std::string_view text) { return json::parse_object(text).value(); }

const RoomVersion& version(std::string_view id) { return *find_room_version(id); }

std::string redacted_content(std::string_view event, std::string_view room_version) {
  bj::object redacted = redact(parse(event), version(room_version));
  return json::encode_canonical(redacted.at("content"));
}

// Every top-level key an event can carry, protected or not.
constexpr std::string_view kFullEvent = R"({
  "event_id": "$e:x", "type": "m.room.message", "room_id": "!r:x", "sender": "@u:x",
  "state_key": "k", "content": {"body": "secret"}, "hashes": {"sha256": "h"},
  "signatures": {"x": {"ed25519:1": "s"}}, "depth": 3, "prev_events": [], "prev_state": [],
  "auth_events": [], "origin": "x", "origin_server_ts": 7, "membership": "join",
  "unsigned": {"age_ts": 1}, "redacts": "$other:x", "extra": true
})";

TEST(Redaction, V1KeepsTheProtectedTopLevelKeysOnly) {
  bj::object redacted = redact(parse(kFullEvent), version("1"));
  EXPECT_EQ(
      json::encode_canonical(redacted),
      R"({"auth_events":[],"content":{},"depth":3,"event_id":"$e:x","hashes":{"sha256":"h"},)"
      R"("membership":"join","origin":"x","origin_server_ts":7,"prev_events":[],)"
      R"("prev_state":[],"room_id":"!r:x","sender":"@u:x","signatures":{"x":{"ed25519:1":"s"}},)"
      R"("state_key":"k","type":"m.room.message"})");
}

TEST(Redaction, V11NoLongerProtectsOriginMembershipAndPrevState) {
  for (std::string_view id : {"11", "12"}) {
    bj::object redacted = redact(parse(kFullEvent), version(id));
    EXPECT_FALSE(redacted.contains("origin")) << id;
    EXPECT_FALSE(redacted.contains("membership")) << id;
    EXPECT_FALSE(redacted.contains("prev_state")) << id;
    EXPECT_FALSE(redacted.contains("unsigned")) << id;
    EXPECT_FALSE(redacted.contains("redacts")) << id;
    EXPECT_TRUE(redacted.contains("origin_server_ts")) << id;
    EXPECT_TRUE(redacted.contains("event_id")) << id;
  }
  EXPECT_TRUE(redact(parse(kFullEvent), version("10")).contains("origin"));
}

TEST(Redaction, AlwaysYieldsAContentObject) {
  bj::object redacted =
      redact(parse(R"({"type": "m.room.message", "sender": "@u:x"})"), version("1"));
  EXPECT_EQ(json::encode_canonical(redacted),
            R"({"content":{},"sender":"@u:x","type":"m.room.message"})");
}

TEST(Redaction, AliasesKeptUntilV6) {
  constexpr std::string_view kAliases =
      R"({"type": "m.room.aliases", "state_key": "x", "content": {"aliases": ["#a:x"], "other": 1}})";
  for (std::string_view id : {"1", "2", "3", "4", "5"}) {
    EXPECT_EQ(redacted_content(kAliases, id), R"({"aliases":["#a:x"]})") << id;
  }
  for (std::string_view id : {"6", "9", "11", "12"}) {
    EXPECT_EQ(redacted_content(kAliases, id), "{}") << id;
  }
}

TEST(Redaction, JoinRulesKeepAllowFromV8) {
  constexpr std::string_view kJoinRules = R"({"type": "m.room.join_rules", "state_key": "",
    "content": {"join_rule": "restricted", "allow": [{"type": "m.room_membership"}], "x": 1}})";
  EXPECT_EQ(redacted_content(kJoinRules, "7"), R"({"join_rule":"restricted"})");
  for (std::string_view id : {"8", "9", "10", "11", "12"}) {
    EXPECT_EQ(redacted_content(kJoinRules, id),
              R"({"allow":[{"type":"m.room_membership"}],"join_rule":"restricted"})")
        << id;
  }
}

TEST(Redaction, MemberKeepsJoinAuthorisedViaUsersServerFromV9) {
  constexpr std::string_view kMember = R"({"type": "m.room.member", "state_key": "@u:x",
    "content": {"membership": "join", "join_authorised_via_users_server": "@a:y",
                "displayname": "U"}})";
  EXPECT_EQ(redacted_content(kMember, "8"), R"({"membership":"join"})");
  for (std::string_view id : {"9", "10", "11", "12"}) {
    EXPECT_EQ(redacted_content(kMember, id),
              R"({"join_authorised_via_users_server":"@a:y","membership":"join"})")
        << id;
  }
}

TEST(Redaction, MemberKeepsThirdPartyInviteSignedFromV11) {
  constexpr std::string_view kInvite = R"({"type": "m.room.member", "state_key": "@u:x",
    "content": {"membership": "invite", "third_party_invite": {"display_name": "d",
                "signed": {"mxid": "@u:x", "token": "t"}}}})";
  EXPECT_EQ(redacted_content(kInvite, "10"), R"({"membership":"invite"})");
  EXPECT_EQ(
      redacted_content(kInvite, "11"),
      R"({"membership":"invite","third_party_invite":{"signed":{"mxid":"@u:x","token":"t"}}})");
  // Without "signed" an empty object stays, as Synapse's pruning leaves it (this changes the
  // reference hash, so every server must agree).
  EXPECT_EQ(redacted_content(R"({"type": "m.room.member", "content": {"membership": "invite",
              "third_party_invite": {"display_name": "d"}}})",
                             "11"),
            R"({"membership":"invite","third_party_invite":{}})");
  // Not an object: nothing is kept.
  EXPECT_EQ(redacted_content(R"({"type": "m.room.member", "content": {"membership": "invite",
              "third_party_invite": "x"}})",
                             "11"),
            R"({"membership":"invite"})");
}

TEST(Redaction, CreateKeepsCreatorBeforeV11AndEverythingFromV11) {
  constexpr std::string_view kCreate = R"({"type": "m.room.create", "state_key": "",
    "content": {"creator": "@u:x", "room_version": "5", "m.federate": false}})";
  EXPECT_EQ(redacted_content(kCreate, "1"), R"({"creator":"@u:x"})");
  EXPECT_EQ(redacted_content(kCreate, "10"), R"({"creator":"@u:x"})");
  EXPECT_EQ(redacted_content(kCreate, "11"),
            R"({"creator":"@u:x","m.federate":false,"room_version":"5"})");
  EXPECT_EQ(redacted_content(kCreate, "12"),
            R"({"creator":"@u:x","m.federate":false,"room_version":"5"})");
}

TEST(Redaction, PowerLevelsKeepInviteFromV11AndNeverNotifications) {
  constexpr std::string_view kPowerLevels = R"({"type": "m.room.power_levels", "state_key": "",
    "content": {"ban": 50, "events": {"m.room.name": 100}, "events_default": 0, "invite": 0,
                "kick": 50, "redact": 50, "state_default": 50, "users": {"@u:x": 100},
                "users_default": 0, "notifications": {"room": 50}, "historical": 100}})";
  constexpr std::string_view kBase =
      R"("ban":50,"events":{"m.room.name":100},"events_default":0,)"
      R"("kick":50,"redact":50,"state_default":50,"users":{"@u:x":100},"users_default":0)";
  for (std::string_view id : {"1", "6", "10"}) {
    EXPECT_EQ(redacted_content(kPowerLevels, id), "{" + std::string(kBase) + "}") << id;
  }
  for (std::string_view id : {"11", "12"}) {
    EXPECT_EQ(redacted_content(kPowerLevels, id),
              R"({"ban":50,"events":{"m.room.name":100},"events_default":0,"invite":0,)"
              R"("kick":50,"redact":50,"state_default":50,"users":{"@u:x":100},"users_default":0})")
        << id;
  }
}

TEST(Redaction, HistoryVisibilityKeepsItsSetting) {
  EXPECT_EQ(redacted_content(R"({"type": "m.room.history_visibility",
              "content": {"history_visibility": "shared", "x": 1}})",
                             "1"),
            R"({"history_visibility":"shared"})");
}

TEST(Redaction, RedactionKeepsContentRedactsFromV11) {
  constexpr std::string_view kRedaction = R"({"type": "m.room.redaction", "redacts": "$old",
    "content": {"redacts": "$old", "reason": "spam"}})";
  EXPECT_EQ(redacted_content(kRedaction, "10"), "{}");
  EXPECT_EQ(redacted_content(kRedaction, "11"), R"({"redacts":"$old"})");
  // The top-level "redacts" is protected by no version.
  EXPECT_FALSE(redact(parse(kRedaction), version("1")).contains("redacts"));
}

TEST(Redaction, OtherEventTypesLoseAllContent) {
  EXPECT_EQ(redacted_content(R"({"type": "m.room.topic", "content": {"topic": "t"}})", "11"), "{}");
  // Keys that are special for one type are not kept on another.
  EXPECT_EQ(
      redacted_content(R"({"type": "m.room.message", "content": {"membership": "join"}})", "1"),
      "{}");
}

TEST(Redaction, IsIdempotent) {
  for (const RoomVersion* v : known_room_versions()) {
    bj::object once = redact(parse(kFullEvent), *v);
    EXPECT_EQ(json::encode_canonical(redact(once, *v)), json::encode_canonical(once)) << v->id;
  }
}

}  // namespace
}  // namespace myelin::events
