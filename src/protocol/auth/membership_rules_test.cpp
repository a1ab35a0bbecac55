#include "protocol/auth/membership_rules.hpp"

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

// Power levels content naming alice 100 where she may be listed (not v12, where she is a creator).
std::string levels(const TestRoom& room, std::string others, std::string extra = "") {
  std::string users = room.version().privileged_creators ? "" : R"("@alice:a.org":100)";
  if (!others.empty()) users += (users.empty() ? "" : ",") + others;
  return R"({"users":{)" + users + "}" + (extra.empty() ? "" : "," + extra) + "}";
}

TEST(MembershipRules, MissingStateKeyOrMembershipIsRejected) {
  TestRoom room = TestRoom::standard("10");
  EXPECT_FALSE(
      room.check({.type = "m.room.member", .sender = a(kBob), .content = member_content("join")}));
  EXPECT_FALSE(room.check(
      {.type = "m.room.member", .sender = a(kBob), .state_key = a(kBob), .content = "{}"}));
  EXPECT_FALSE(room.check({.type = "m.room.member",
                           .sender = a(kBob),
                           .state_key = a(kBob),
                           .content = R"({"membership":5})"}));
  EXPECT_FALSE(room.member(kBob, kBob, "dance"));
}

// Rule "If the only previous event is an m.room.create and the state_key is the creator".
TEST(MembershipRules, CreatorsFirstJoin) {
  for (const std::string& id : all_versions()) {
    TestRoom room(id);
    EXPECT_TRUE(room.member(kAlice, kAlice, "join")) << id;
    // Not the creator, and no join rule (closed room): rejected.
    TestRoom other(id);
    EXPECT_FALSE(other.member(kBob, kBob, "join")) << id;
    // Not directly after the create event: the ordinary rules apply (no join rules: invite).
    TestRoom late(id);
    auto late_join = late.check({.type = "m.room.member",
                                 .sender = a(kAlice),
                                 .state_key = a(kAlice),
                                 .content = member_content("join"),
                                 .prev_events = std::vector<std::string>{"$unrelated"}});
    EXPECT_FALSE(late_join) << id;
  }
}

// v1–v10 take the creator from content.creator; v11 from the create event's sender.
TEST(MembershipRules, CreatorJoinV11UsesTheSender) {
  // Each join is checked in a fresh room, so that its only prev event is the create event.
  auto first_join = [](std::string_view version_id, std::string_view user) {
    TestRoom room(version_id, a(kAlice), R"({"creator":"@bob:b.org"})");
    return room.member(user, user, "join").has_value();
  };
  EXPECT_TRUE(first_join("10", kBob));
  EXPECT_FALSE(first_join("10", kAlice));
  EXPECT_FALSE(first_join("11", kBob));
  EXPECT_TRUE(first_join("11", kAlice));
  EXPECT_TRUE(first_join("12", kAlice));
}

TEST(MembershipRules, PublicJoin) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id, "public");
    EXPECT_TRUE(room.member(kBob, kBob, "join")) << id;
    EXPECT_FALSE(room.member(kAlice, kBob, "join")) << id;  // only for oneself
    room.force({.type = "m.room.member",
                .sender = a(kAlice),
                .state_key = a(kBob),
                .content = member_content("ban")});
    EXPECT_FALSE(room.member(kBob, kBob, "join")) << id;
  }
}

TEST(MembershipRules, InviteOnlyJoin) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id, "invite");
    EXPECT_FALSE(room.member(kBob, kBob, "join")) << id;
    room.add({.type = "m.room.member",
              .sender = a(kAlice),
              .state_key = a(kBob),
              .content = member_content("invite")});
    EXPECT_TRUE(room.member(kBob, kBob, "join")) << id;
    room.force_member(kBob, "join");
    EXPECT_TRUE(room.member(kBob, kBob, "join")) << id;  // a no-op join (profile change)
    room.force_member(kBob, "leave");
    EXPECT_FALSE(room.member(kBob, kBob, "join")) << id;
  }
}

// v7: join_rule "knock" behaves like "invite" for joins; earlier it is unknown (closed).
TEST(MembershipRules, KnockJoinRuleJoinsNeedAnInviteFromV7) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id, "knock");
    EXPECT_FALSE(room.member(kBob, kBob, "join")) << id;
    room.force({.type = "m.room.member",
                .sender = a(kAlice),
                .state_key = a(kBob),
                .content = member_content("invite")});
    EXPECT_EQ(room.member(kBob, kBob, "join").has_value(), room.version().knock_join_rule) << id;
  }
}

TEST(MembershipRules, Knocking) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id, "knock");
    bool knocks = room.version().knock_join_rule;
    // Before v7 "knock" is an unknown membership.
    EXPECT_EQ(room.member(kBob, kBob, "knock").has_value(), knocks) << id;
    EXPECT_FALSE(room.member(kAlice, kBob, "knock")) << id;
    if (!knocks) continue;
    room.force_member(kBob, "leave");
    EXPECT_TRUE(room.member(kBob, kBob, "knock")) << id;
    for (std::string_view blocked : {"ban", "invite", "join"}) {
      room.force_member(kBob, blocked);
      EXPECT_FALSE(room.member(kBob, kBob, "knock")) << id << " " << blocked;
    }
    // A knocker may withdraw the knock (leave), from v7.
    room.force_member(kCarol, "knock");
    EXPECT_TRUE(room.member(kCarol, kCarol, "leave")) << id;
  }
  for (std::string_view rule : {"public", "invite", "restricted"}) {
    TestRoom room = TestRoom::standard("10", rule);
    EXPECT_FALSE(room.member(kBob, kBob, "knock")) << rule;
  }
  // knock_restricted allows knocking from v10.
  EXPECT_FALSE(TestRoom::standard("9", "knock_restricted").member(kBob, kBob, "knock"));
  EXPECT_TRUE(TestRoom::standard("10", "knock_restricted").member(kBob, kBob, "knock"));
  // Leaving from "knock" before v7 has no meaning; from "leave" never.
  TestRoom v6 = TestRoom::standard("6", "knock");
  v6.force_member(kBob, "knock");
  EXPECT_FALSE(v6.member(kBob, kBob, "leave"));
}

std::string via(std::string_view user) {
  return R"("join_authorised_via_users_server":")" + std::string(user) + "\"";
}

TEST(MembershipRules, RestrictedJoins) {
  for (const std::string& id : all_versions()) {
    for (std::string_view rule : {"restricted", "knock_restricted"}) {
      TestRoom room = TestRoom::standard(id, rule);
      const RoomVersion& v = room.version();
      bool supported = rule == "restricted" ? v.restricted_join_rule : v.knock_restricted_join_rule;
      room.force_member(kCarol, "join");
      room.force_member(kDave, "join");
      room.force_power_levels(levels(room, R"("@carol:c.org":0)", R"("invite":0)"));
      // Authorised by a joined member at the invite level.
      EXPECT_EQ(room.member(kBob, kBob, "join", via(kCarol)).has_value(), supported)
          << id << " " << rule;
      // No authoriser.
      EXPECT_FALSE(room.member(kBob, kBob, "join")) << id << " " << rule;
      // Authoriser not in the room.
      EXPECT_FALSE(room.member(kBob, kBob, "join", via("@zed:z.org"))) << id << " " << rule;
      room.force_power_levels(levels(room, R"("@carol:c.org":10)", R"("invite":10)"));
      EXPECT_EQ(room.member(kBob, kBob, "join", via(kCarol)).has_value(), supported) << id;
      // Authoriser below the invite level (dave has users_default 0).
      EXPECT_FALSE(room.member(kBob, kBob, "join", via(kDave))) << id << " " << rule;
      // Invited users need no authoriser.
      room.force({.type = "m.room.member",
                  .sender = a(kAlice),
                  .state_key = a(kBob),
                  .content = member_content("invite")});
      EXPECT_EQ(room.member(kBob, kBob, "join").has_value(), supported) << id << " " << rule;
      // Banned users are not saved by an authoriser.
      room.force_member(kBob, "ban");
      EXPECT_FALSE(room.member(kBob, kBob, "join", via(kCarol))) << id << " " << rule;
    }
  }
}

TEST(MembershipRules, Invites) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id);
    EXPECT_TRUE(room.member(kAlice, kBob, "invite")) << id;
    // The sender must be joined.
    EXPECT_FALSE(room.member(kCarol, kBob, "invite")) << id;
    room.force_member(kCarol, "invite");
    EXPECT_FALSE(room.member(kCarol, kBob, "invite")) << id;
    // Joined or banned targets cannot be invited.
    room.force_member(kBob, "join");
    EXPECT_FALSE(room.member(kAlice, kBob, "invite")) << id;
    room.force_member(kBob, "ban");
    EXPECT_FALSE(room.member(kAlice, kBob, "invite")) << id;
    // Re-inviting an invited user or a user who left is fine.
    room.force_member(kBob, "leave");
    EXPECT_TRUE(room.member(kAlice, kBob, "invite")) << id;
    // The invite level.
    room.force_member(kDave, "join");
    EXPECT_TRUE(room.member(kDave, kBob, "invite")) << id;  // default 0
    room.force_power_levels(levels(room, R"("@dave:a.org":49)", R"("invite":50)"));
    EXPECT_FALSE(room.member(kDave, kBob, "invite")) << id;
    room.force_power_levels(levels(room, R"("@dave:a.org":50)", R"("invite":50)"));
    EXPECT_TRUE(room.member(kDave, kBob, "invite")) << id;
  }
}

TEST(MembershipRules, LeavingAndKicking) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id);
    room.force_member(kBob, "join");
    EXPECT_TRUE(room.member(kBob, kBob, "leave")) << id;
    room.force_member(kBob, "invite");
    EXPECT_TRUE(room.member(kBob, kBob, "leave")) << id;  // rejecting an invite
    room.force_member(kBob, "leave");
    EXPECT_FALSE(room.member(kBob, kBob, "leave")) << id;
    room.force_member(kBob, "ban");
    EXPECT_FALSE(room.member(kBob, kBob, "leave")) << id;

    // Kicks: the kick level (50) and a level above the target's.
    room.force_member(kBob, "join");
    room.force_member(kCarol, "join");
    room.force_member(kDave, "join");
    EXPECT_TRUE(room.member(kAlice, kBob, "leave")) << id;
    EXPECT_FALSE(room.member(kCarol, kBob, "leave")) << id;
    room.force_power_levels(levels(room, R"("@carol:c.org":50,"@bob:b.org":50,"@dave:a.org":10)"));
    EXPECT_FALSE(room.member(kCarol, kBob, "leave")) << id;  // equal levels
    EXPECT_TRUE(room.member(kCarol, kDave, "leave")) << id;
    EXPECT_FALSE(room.member(kDave, kCarol, "leave")) << id;
    // The sender must be joined.
    room.force_member(kCarol, "leave");
    EXPECT_FALSE(room.member(kCarol, kDave, "leave")) << id;
  }
}

// Unbanning (leave for a banned target) needs the ban level as well as the kick level.
TEST(MembershipRules, UnbanNeedsBanAndKickLevels) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id);
    room.force_member(kCarol, "join");
    room.force({.type = "m.room.member",
                .sender = a(kAlice),
                .state_key = a(kBob),
                .content = member_content("ban")});
    room.force_power_levels(levels(room, R"("@carol:c.org":60)", R"("ban":70,"kick":50)"));
    EXPECT_FALSE(room.member(kCarol, kBob, "leave")) << id;
    room.force_power_levels(levels(room, R"("@carol:c.org":60)", R"("ban":50,"kick":70)"));
    EXPECT_FALSE(room.member(kCarol, kBob, "leave")) << id;
    room.force_power_levels(levels(room, R"("@carol:c.org":60)", R"("ban":60,"kick":60)"));
    EXPECT_TRUE(room.member(kCarol, kBob, "leave")) << id;
  }
}

TEST(MembershipRules, Bans) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id);
    room.force_member(kCarol, "join");
    room.force_member(kDave, "join");
    // Anyone not in the room can be banned pre-emptively.
    EXPECT_TRUE(room.member(kAlice, kBob, "ban")) << id;
    EXPECT_FALSE(room.member(kCarol, kBob, "ban")) << id;  // 0 < ban level 50
    room.force_power_levels(levels(room, R"("@carol:c.org":50,"@dave:a.org":50)"));
    EXPECT_TRUE(room.member(kCarol, kBob, "ban")) << id;
    EXPECT_FALSE(room.member(kCarol, kDave, "ban")) << id;  // equal levels
    EXPECT_FALSE(room.member(kCarol, kAlice, "ban")) << id;
    room.force_member(kCarol, "leave");
    EXPECT_FALSE(room.member(kCarol, kBob, "ban")) << id;
  }
}

// v12: creators have infinite power: nobody can kick or ban them, and they can act on anyone.
TEST(MembershipRules, V12CreatorsCannotBeRemoved) {
  TestRoom room("12", a(kAlice), R"({"additional_creators":["@bob:b.org"]})");
  room.add({.type = "m.room.member",
            .sender = a(kAlice),
            .state_key = a(kAlice),
            .content = member_content("join")});
  room.force_member(kBob, "join");
  room.force_member(kCarol, "join");
  room.force_power_levels(R"({"users":{"@carol:c.org":9007199254740991},"ban":100,"kick":100})");
  EXPECT_FALSE(room.member(kCarol, kAlice, "ban"));
  EXPECT_FALSE(room.member(kCarol, kBob, "leave"));
  EXPECT_TRUE(room.member(kBob, kCarol, "ban"));
  EXPECT_TRUE(room.member(kAlice, kCarol, "leave"));
  // Creators are equal: infinite is not less than infinite.
  EXPECT_FALSE(room.member(kAlice, kBob, "ban"));
  EXPECT_FALSE(room.member(kBob, kAlice, "leave"));
  // Before v12, additional_creators means nothing and the levels decide.
  TestRoom v11("11", a(kAlice), R"({"additional_creators":["@bob:b.org"]})");
  v11.force_member(kAlice, "join");
  v11.force_member(kBob, "join");
  v11.force_power_levels(R"({"users":{"@alice:a.org":100}})");
  EXPECT_TRUE(v11.member(kAlice, kBob, "ban"));
  EXPECT_FALSE(v11.member(kBob, kAlice, "ban"));
}

}  // namespace
}  // namespace myelin::auth
