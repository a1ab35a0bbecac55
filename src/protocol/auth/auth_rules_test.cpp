#include "protocol/auth/auth_rules.hpp"

#include <gtest/gtest.h>

#include "protocol/auth/auth_test_room.hpp"

namespace myelin::auth {
namespace {

using testing::all_versions;
using testing::kAlice;
using testing::kBob;
using testing::kCarol;
using testing::kDave;
using testing::member_content;
using testing::TestRoom;

std::string a(std::string_view s) { return std::string(s); }

// Checks a create event in a fresh room of the version (built by the test room's builder).
Expected<Ok> check_create(std::string_view version_id, testing::EventSpec spec) {
  TestRoom room(version_id);
  if (!spec.prev_events) spec.prev_events = std::vector<std::string>{};
  return check_auth(room.build(std::move(spec)), {});
}

TEST(CreateRules, ValidCreateEventsPassInEveryVersion) {
  for (const std::string& id : all_versions()) {
    TestRoom room(id);
    EXPECT_TRUE(check_auth(room.create(), {})) << id;
  }
}

TEST(CreateRules, PrevEventsAreRejected) {
  for (const std::string& id : all_versions()) {
    TestRoom room(id);
    std::string content =
        room.version().implicit_room_creator ? "{}" : R"({"creator":"@alice:a.org"})";
    auto result = check_auth(room.build({.type = "m.room.create",
                                         .sender = a(kAlice),
                                         .state_key = "",
                                         .content = content,
                                         .prev_events = std::vector<std::string>{"$x"}}),
                             {});
    EXPECT_FALSE(result) << id;
  }
}

TEST(CreateRules, RoomIdDomainMustBeTheSendersBeforeV12) {
  for (std::string_view id : {"1", "6", "11"}) {
    auto wrong = check_create(id, {.type = "m.room.create",
                                   .sender = a(kAlice),
                                   .state_key = "",
                                   .content = R"({"creator":"@alice:a.org"})",
                                   .room_id = "!room:b.org"});
    EXPECT_FALSE(wrong) << id;
    auto right = check_create(id, {.type = "m.room.create",
                                   .sender = a(kAlice),
                                   .state_key = "",
                                   .content = R"({"creator":"@alice:a.org"})",
                                   .room_id = "!other:a.org"});
    EXPECT_TRUE(right) << id;
  }
}

// v12 rule 1.2: the create event has no room_id at all.
TEST(CreateRules, V12CreateMustNotCarryARoomId) {
  auto with_room = check_create("12", {.type = "m.room.create",
                                       .sender = a(kAlice),
                                       .state_key = "",
                                       .content = "{}",
                                       .room_id = "!createhash"});
  ASSERT_FALSE(with_room);
  EXPECT_NE(with_room.error().find("room_id"), std::string::npos);
}

TEST(CreateRules, UnknownRoomVersionIsRejected) {
  for (std::string_view id : {"1", "11", "12"}) {
    std::string creator =
        find_room_version(id)->implicit_room_creator ? "" : R"("creator":"@alice:a.org",)";
    EXPECT_FALSE(check_create(id, {.type = "m.room.create",
                                   .sender = a(kAlice),
                                   .state_key = "",
                                   .content = "{" + creator + R"("room_version":"99"})"}))
        << id;
    EXPECT_FALSE(check_create(id, {.type = "m.room.create",
                                   .sender = a(kAlice),
                                   .state_key = "",
                                   .content = "{" + creator + R"("room_version":10})"}))
        << id;
    // Absent: allowed (the room is v1 by convention).
    EXPECT_TRUE(check_create(id, {.type = "m.room.create",
                                  .sender = a(kAlice),
                                  .state_key = "",
                                  .content = "{" + creator.substr(0, creator.size() - 1) + "}"}))
        << id;
  }
}

// v1–v10 rule 1.4: content.creator is required; v11 removed it.
TEST(CreateRules, CreatorRequiredUntilV11) {
  for (const std::string& id : all_versions()) {
    auto result = check_create(
        id, {.type = "m.room.create", .sender = a(kAlice), .state_key = "", .content = "{}"});
    EXPECT_EQ(result.has_value(), find_room_version(id)->implicit_room_creator) << id;
  }
}

// v12 rule 1.4: additional_creators must be an array of valid user IDs.
TEST(CreateRules, V12AdditionalCreatorsMustBeUserIds) {
  auto create = [](std::string content) {
    return check_create("12", {.type = "m.room.create",
                               .sender = a(kAlice),
                               .state_key = "",
                               .content = std::move(content)});
  };
  EXPECT_TRUE(create(R"({"additional_creators":["@bob:b.org","@carol:c.org"]})"));
  EXPECT_TRUE(create(R"({"additional_creators":[]})"));
  EXPECT_FALSE(create(R"({"additional_creators":"@bob:b.org"})"));
  EXPECT_FALSE(create(R"({"additional_creators":["bob"]})"));
  EXPECT_FALSE(create(R"({"additional_creators":["@bob"]})"));
  EXPECT_FALSE(create(R"({"additional_creators":[1]})"));
  EXPECT_FALSE(create(R"({"additional_creators":["@bob:"]})"));
  // Before v12 the property means nothing to the auth rules.
  EXPECT_TRUE(check_create("11", {.type = "m.room.create",
                                  .sender = a(kAlice),
                                  .state_key = "",
                                  .content = R"({"additional_creators":"junk"})"}));
}

TEST(AuthRules, NoCreateEventInStateIsRejected) {
  TestRoom room = TestRoom::standard("10");
  room.state().erase(StateKey("m.room.create", ""));
  EXPECT_FALSE(room.check({.type = "m.room.message", .sender = a(kAlice), .content = "{}"}));
}

// v12 rule 2: the room ID must be the create event's ID with '!'.
TEST(AuthRules, V12RoomIdMustNameTheCreateEvent) {
  TestRoom room = TestRoom::standard("12");
  EXPECT_EQ(room.create().room_id(), "!createhash");
  EXPECT_TRUE(room.check({.type = "m.room.message", .sender = a(kAlice), .content = "{}"}));
  auto other = room.check(
      {.type = "m.room.message", .sender = a(kAlice), .content = "{}", .room_id = "!otherhash"});
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().find("room_id"), std::string::npos);
  // Older versions do not derive room IDs from the create event.
  TestRoom v11 = TestRoom::standard("11");
  EXPECT_TRUE(v11.check({.type = "m.room.message",
                         .sender = a(kAlice),
                         .content = "{}",
                         .room_id = "!whatever:a.org"}));
}

TEST(AuthRules, MFederateFalseKeepsOtherServersOut) {
  for (std::string_view id : {"1", "11", "12"}) {
    const RoomVersion& v = *find_room_version(id);
    std::string content = v.implicit_room_creator
                              ? R"({"m.federate":false})"
                              : R"({"creator":"@alice:a.org","m.federate":false})";
    TestRoom room(id, a(kAlice), content);
    room.add({.type = "m.room.member",
              .sender = a(kAlice),
              .state_key = a(kAlice),
              .content = member_content("join")});
    room.force({.type = "m.room.join_rules",
                .sender = a(kAlice),
                .state_key = "",
                .content = R"({"join_rule":"public"})"});
    EXPECT_FALSE(room.member(kBob, kBob, "join")) << id;
    // Same server as the creator: fine.
    EXPECT_TRUE(room.member(kDave, kDave, "join")) << id;
  }
  // m.federate true (or absent) lets everyone in.
  TestRoom open("10", a(kAlice), R"({"creator":"@alice:a.org","m.federate":true})");
  open.force_member(kAlice, "join");
  open.force({.type = "m.room.join_rules",
              .sender = a(kAlice),
              .state_key = "",
              .content = R"({"join_rule":"public"})"});
  EXPECT_TRUE(open.member(kBob, kBob, "join"));
}

TEST(AuthRules, SenderMustBeJoined) {
  TestRoom room = TestRoom::standard("10");
  EXPECT_TRUE(room.check({.type = "m.room.message", .sender = a(kAlice), .content = "{}"}));
  EXPECT_FALSE(room.check({.type = "m.room.message", .sender = a(kBob), .content = "{}"}));
  room.force_member(kBob, "invite");
  EXPECT_FALSE(room.check({.type = "m.room.message", .sender = a(kBob), .content = "{}"}));
  room.force_member(kBob, "join");
  EXPECT_TRUE(room.check({.type = "m.room.message", .sender = a(kBob), .content = "{}"}));
}

TEST(AuthRules, RequiredPowerLevelForEventTypes) {
  for (std::string_view id : {"1", "10", "12"}) {
    TestRoom room = TestRoom::standard(id);
    room.force_member(kBob, "join");
    // Bob (0) may send messages (events_default 0) but not state (state_default 50).
    EXPECT_TRUE(room.check({.type = "m.room.message", .sender = a(kBob), .content = "{}"}));
    EXPECT_FALSE(room.check(
        {.type = "m.room.name", .sender = a(kBob), .state_key = "", .content = R"({"name":"x"})"}))
        << id;
    EXPECT_TRUE(room.check({.type = "m.room.name",
                            .sender = a(kAlice),
                            .state_key = "",
                            .content = R"({"name":"x"})"}))
        << id;
    std::string users = room.version().privileged_creators
                            ? R"({"@bob:b.org":10})"
                            : R"({"@alice:a.org":100,"@bob:b.org":10})";
    room.force_power_levels(
        R"({"users":)" + users +
        R"(,"events":{"m.room.message":20,"m.room.topic":10},"events_default":5})");
    EXPECT_FALSE(room.check({.type = "m.room.message", .sender = a(kBob), .content = "{}"})) << id;
    EXPECT_TRUE(room.check({.type = "m.custom", .sender = a(kBob), .content = "{}"})) << id;
    EXPECT_TRUE(
        room.check({.type = "m.room.topic", .sender = a(kBob), .state_key = "", .content = "{}"}))
        << id;
  }
}

TEST(AuthRules, ThirdPartyInviteEventNeedsTheInviteLevel) {
  TestRoom room = TestRoom::standard("10");
  room.force_member(kBob, "join");
  testing::EventSpec invite{.type = "m.room.third_party_invite",
                            .sender = a(kBob),
                            .state_key = "token",
                            .content = R"({"public_key":"abc"})"};
  EXPECT_TRUE(room.check(invite));  // invite level defaults to 0
  room.force_power_levels(R"({"users":{"@alice:a.org":100},"invite":50,
                              "events":{"m.room.third_party_invite":0}})");
  EXPECT_FALSE(room.check(invite));
  EXPECT_TRUE(room.check({.type = "m.room.third_party_invite",
                          .sender = a(kAlice),
                          .state_key = "token",
                          .content = "{}"}));
}

// Rule "state_key starting with '@' must be the sender", in every version.
TEST(AuthRules, UserStateKeysBelongToTheirUser) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id);
    room.force_member(kBob, "join");
    std::string users = room.version().privileged_creators ? "{}" : R"({"@alice:a.org":100})";
    room.force_power_levels(R"({"users":)" + users + R"(,"state_default":0})");
    EXPECT_TRUE(room.check({.type = "m.custom", .sender = a(kBob), .state_key = a(kBob)})) << id;
    EXPECT_FALSE(room.check({.type = "m.custom", .sender = a(kBob), .state_key = a(kCarol)})) << id;
    EXPECT_FALSE(room.check({.type = "m.custom", .sender = a(kAlice), .state_key = a(kBob)})) << id;
    EXPECT_TRUE(room.check({.type = "m.custom", .sender = a(kBob), .state_key = "bob"})) << id;
  }
}

// v1–v5 rule 4: m.room.aliases is the sender's server's to set, whatever the power levels.
TEST(AuthRules, AliasesSpecialCaseUntilV6) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id);
    room.force_member(kBob, "join");
    bool special = room.version().special_case_aliases_auth;
    // Bob is below state_default: only the special case lets him through.
    EXPECT_EQ(room.check({.type = "m.room.aliases",
                          .sender = a(kBob),
                          .state_key = "b.org",
                          .content = R"({"aliases":["#x:b.org"]})"})
                  .has_value(),
              special)
        << id;
    // The special case does not even need membership.
    EXPECT_EQ(room.check({.type = "m.room.aliases",
                          .sender = a(kCarol),
                          .state_key = "c.org",
                          .content = "{}"})
                  .has_value(),
              special)
        << id;
    EXPECT_FALSE(room.check(
        {.type = "m.room.aliases", .sender = a(kBob), .state_key = "a.org", .content = "{}"}))
        << id;
    // Without a state_key: rejected by the special case; from v6 an ordinary message event.
    EXPECT_NE(
        room.check({.type = "m.room.aliases", .sender = a(kBob), .content = "{}"}).has_value(),
        special)
        << id;
    // From v6 it is an ordinary state event: alice (100) may send it.
    EXPECT_TRUE(room.check(
        {.type = "m.room.aliases", .sender = a(kAlice), .state_key = "a.org", .content = "{}"}))
        << id;
  }
}

// v1–v2 rule 11: redactions below the redact level only for events from the same server.
TEST(AuthRules, RedactionDomainCheckInV1AndV2Only) {
  for (std::string_view id : {"1", "2"}) {
    TestRoom room = TestRoom::standard(id);
    room.force_member(kBob, "join");
    EXPECT_TRUE(room.check({.type = "m.room.redaction",
                            .sender = a(kBob),
                            .content = "{}",
                            .event_id = "$r1:b.org",
                            .redacts = "$target:b.org"}))
        << id;
    auto foreign = room.check({.type = "m.room.redaction",
                               .sender = a(kBob),
                               .content = "{}",
                               .event_id = "$r2:b.org",
                               .redacts = "$target:a.org"});
    EXPECT_FALSE(foreign) << id;
    EXPECT_FALSE(room.check(
        {.type = "m.room.redaction", .sender = a(kBob), .content = "{}", .event_id = "$r3:b.org"}))
        << id;
    // At the redact level (50 by default), any event.
    EXPECT_TRUE(room.check({.type = "m.room.redaction",
                            .sender = a(kAlice),
                            .content = "{}",
                            .event_id = "$r4:a.org",
                            .redacts = "$target:b.org"}))
        << id;
  }
  for (std::string_view id : {"3", "10"}) {
    TestRoom room = TestRoom::standard(id);
    room.force_member(kBob, "join");
    EXPECT_TRUE(room.check({.type = "m.room.redaction",
                            .sender = a(kBob),
                            .content = "{}",
                            .redacts = "$someoneelses"}))
        << id;
  }
  // v11: redacts lives in content; still only events/events_default govern it.
  TestRoom v11 = TestRoom::standard("11");
  v11.force_member(kBob, "join");
  EXPECT_TRUE(
      v11.check({.type = "m.room.redaction", .sender = a(kBob), .content = R"({"redacts":"$x"})"}));
  v11.force_power_levels(R"({"users":{"@alice:a.org":100},"events":{"m.room.redaction":50}})");
  EXPECT_FALSE(
      v11.check({.type = "m.room.redaction", .sender = a(kBob), .content = R"({"redacts":"$x"})"}));
}

}  // namespace
}  // namespace myelin::auth
