#include "protocol/auth/power_levels_rules.hpp"

#include <gtest/gtest.h>

#include "protocol/auth/auth_test_room.hpp"

namespace myelin::auth {
namespace {

using testing::all_versions;
using testing::kAlice;
using testing::kBob;
using testing::kCarol;
using testing::kDave;
using testing::TestRoom;

std::string a(std::string_view s) { return std::string(s); }

// A room of the version where alice is 100 (a creator in v12), bob 50, carol 50, dave 10, and
// `extra` members are added to the current power levels.
TestRoom room_with_levels(std::string_view id, std::string extra = "") {
  TestRoom room = TestRoom::standard(id);
  for (std::string_view user : {kBob, kCarol, kDave}) room.force_member(user, "join");
  std::string alice = room.version().privileged_creators ? "" : R"("@alice:a.org":100,)";
  room.force_power_levels(
      R"({"users":{)" + alice + R"("@bob:b.org":50,"@carol:c.org":50,"@dave:a.org":10},)" +
      R"("events":{"m.room.power_levels":50,"m.room.name":40},)" +
      R"("notifications":{"room":50})" + (extra.empty() ? "" : "," + extra) + "}");
  return room;
}

// Bob (50) proposes the power levels content.
Expected<Ok> propose(TestRoom& room, std::string_view sender, const std::string& content) {
  return room.check(
      {.type = "m.room.power_levels", .sender = a(sender), .state_key = "", .content = content});
}

// Power levels content: alice at 100 (omitted in v12), then `users`, then `rest` (by default the
// events and notifications room_with_levels sets).
std::string content(const TestRoom& room, std::string users, std::string rest = "") {
  std::string alice = room.version().privileged_creators ? "" : R"("@alice:a.org":100,)";
  if (rest.empty()) {
    rest = R"("events":{"m.room.power_levels":50,"m.room.name":40},"notifications":{"room":50})";
  }
  return R"({"users":{)" + alice + users + "}," + rest + "}";
}

constexpr std::string_view kUsers = R"("@bob:b.org":50,"@carol:c.org":50,"@dave:a.org":10)";

TEST(PowerLevelsRules, UnchangedContentIsAllowed) {
  for (const std::string& id : all_versions()) {
    TestRoom room = room_with_levels(id);
    EXPECT_TRUE(propose(room, kBob, content(room, a(kUsers)))) << id;
  }
}

TEST(PowerLevelsRules, FirstPowerLevelsEventIsOnlyValidated) {
  for (const std::string& id : all_versions()) {
    TestRoom room = TestRoom::standard(id);
    room.state().erase(StateKey("m.room.power_levels", ""));
    // Alice (the creator, 100 by default) may set anything; nothing to compare against.
    EXPECT_TRUE(propose(room, kAlice, R"({"users":{"@bob:b.org":1000},"ban":9000})")) << id;
    EXPECT_FALSE(propose(room, kAlice, R"({"users":{"not-a-user":10}})")) << id;
    EXPECT_FALSE(propose(room, kAlice, R"({"users":[]})")) << id;
    EXPECT_FALSE(propose(room, kAlice, R"({"users":{"@bob:b.org":"ten"}})")) << id;
  }
}

TEST(PowerLevelsRules, CannotRaiseAnyoneAboveOwnLevel) {
  for (const std::string& id : all_versions()) {
    TestRoom room = room_with_levels(id);
    EXPECT_FALSE(
        propose(room, kBob, content(room, R"("@bob:b.org":51,"@carol:c.org":50,"@dave:a.org":10)")))
        << id;
    EXPECT_FALSE(
        propose(room, kBob, content(room, R"("@bob:b.org":50,"@carol:c.org":50,"@dave:a.org":51)")))
        << id;
    // Up to one's own level is fine (dave 10 → 50, a new user at 50).
    EXPECT_TRUE(
        propose(room, kBob, content(room, R"("@bob:b.org":50,"@carol:c.org":50,"@dave:a.org":50)")))
        << id;
    EXPECT_TRUE(propose(room, kBob, content(room, a(kUsers) + R"(,"@zed:z.org":50)"))) << id;
    EXPECT_FALSE(propose(room, kBob, content(room, a(kUsers) + R"(,"@zed:z.org":51)"))) << id;
  }
}

TEST(PowerLevelsRules, CannotChangeOthersAtOrAboveOwnLevel) {
  for (const std::string& id : all_versions()) {
    TestRoom room = room_with_levels(id);
    // Carol has bob's level: bob cannot lower or remove her.
    EXPECT_FALSE(
        propose(room, kBob, content(room, R"("@bob:b.org":50,"@carol:c.org":0,"@dave:a.org":10)")))
        << id;
    EXPECT_FALSE(propose(room, kBob, content(room, R"("@bob:b.org":50,"@dave:a.org":10)"))) << id;
    // Dave is below: bob can lower or remove him.
    EXPECT_TRUE(
        propose(room, kBob, content(room, R"("@bob:b.org":50,"@carol:c.org":50,"@dave:a.org":0)")))
        << id;
    EXPECT_TRUE(propose(room, kBob, content(room, R"("@bob:b.org":50,"@carol:c.org":50)"))) << id;
    // One's own entry may be lowered or removed.
    EXPECT_TRUE(
        propose(room, kBob, content(room, R"("@bob:b.org":20,"@carol:c.org":50,"@dave:a.org":10)")))
        << id;
    EXPECT_TRUE(propose(room, kBob, content(room, R"("@carol:c.org":50,"@dave:a.org":10)"))) << id;
  }
}

TEST(PowerLevelsRules, NamedLevelsNeedTheSendersLevelBeforeAndAfter) {
  for (const std::string& id : all_versions()) {
    TestRoom room = room_with_levels(id, R"("ban":60,"kick":40)");
    std::string events =
        R"("events":{"m.room.power_levels":50,"m.room.name":40},"notifications":{"room":50})";
    auto with = [&](std::string named) {
      return propose(room, kBob, content(room, a(kUsers), events + "," + named));
    };
    EXPECT_TRUE(with(R"("ban":60,"kick":40)")) << id;
    EXPECT_TRUE(with(R"("ban":60,"kick":50)")) << id;              // 40 → 50
    EXPECT_FALSE(with(R"("ban":60,"kick":51)")) << id;             // new value above bob
    EXPECT_FALSE(with(R"("ban":50,"kick":40)")) << id;             // old value above bob
    EXPECT_FALSE(with(R"("kick":40)")) << id;                      // removing ban (60)
    EXPECT_TRUE(with(R"("ban":60)")) << id;                        // removing kick (40)
    EXPECT_TRUE(with(R"("ban":60,"kick":40,"invite":50)")) << id;  // adding invite at 50
    EXPECT_FALSE(with(R"("ban":60,"kick":40,"state_default":51)")) << id;
    EXPECT_FALSE(with(R"("ban":60,"kick":40,"users_default":51)")) << id;
    EXPECT_FALSE(with(R"("ban":60,"kick":40,"redact":100)")) << id;
  }
}

TEST(PowerLevelsRules, EventLevels) {
  for (const std::string& id : all_versions()) {
    TestRoom room = room_with_levels(id);
    std::string notifications = R"("notifications":{"room":50})";
    auto with_events = [&](std::string events) {
      return propose(room, kBob,
                     content(room, a(kUsers), R"("events":)" + events + "," + notifications));
    };
    EXPECT_TRUE(with_events(R"({"m.room.power_levels":50,"m.room.name":50})")) << id;
    EXPECT_FALSE(with_events(R"({"m.room.power_levels":50,"m.room.name":51})")) << id;
    EXPECT_TRUE(with_events(R"({"m.room.power_levels":50,"m.room.name":40,"m.x":50})")) << id;
    EXPECT_FALSE(with_events(R"({"m.room.power_levels":50,"m.room.name":40,"m.x":60})")) << id;
    EXPECT_TRUE(with_events(R"({"m.room.power_levels":50})")) << id;  // removing m.room.name (40)
  }
  // Entries above the sender cannot be changed or removed.
  TestRoom room = room_with_levels("10");
  room.force_power_levels(
      content(room, a(kUsers), R"("events":{"m.room.power_levels":50,"m.room.tombstone":100})"));
  EXPECT_FALSE(
      propose(room, kBob, content(room, a(kUsers), R"("events":{"m.room.power_levels":50})")));
  EXPECT_FALSE(propose(
      room, kBob,
      content(room, a(kUsers), R"("events":{"m.room.power_levels":50,"m.room.tombstone":50})")));
}

// v6 (limit_notifications_power_levels): notifications are guarded like events.
TEST(PowerLevelsRules, NotificationsCheckedFromV6) {
  for (const std::string& id : all_versions()) {
    TestRoom room = room_with_levels(id);
    bool limited = room.version().limit_notifications_power_levels;
    std::string events = R"("events":{"m.room.power_levels":50,"m.room.name":40},)";
    EXPECT_EQ(
        propose(room, kBob, content(room, a(kUsers), events + R"("notifications":{"room":80})"))
            .has_value(),
        !limited)
        << id;
    EXPECT_TRUE(
        propose(room, kBob, content(room, a(kUsers), events + R"("notifications":{"room":20})")))
        << id;
    // Carol at 40 cannot change the room notification level (50) in v6+.
    room.force_power_levels(content(room, R"("@bob:b.org":50,"@carol:c.org":40,"@dave:a.org":10)"));
    EXPECT_EQ(propose(room, kCarol,
                      content(room, R"("@bob:b.org":50,"@carol:c.org":40,"@dave:a.org":10)",
                              events + R"("notifications":{"room":0})"))
                  .has_value(),
              false)  // carol is also below the m.room.power_levels event level (50)
        << id;
  }
  // With the event level lowered, only the notifications rule stands in the way.
  for (std::string_view id : {"5", "6"}) {
    TestRoom room = room_with_levels(id);
    std::string users = R"("@bob:b.org":50,"@carol:c.org":40,"@dave:a.org":10)";
    std::string events = R"("events":{"m.room.power_levels":0,"m.room.name":40},)";
    room.force_power_levels(content(room, users, events + R"("notifications":{"room":50})"));
    bool ok = propose(room, kCarol, content(room, users, events + R"("notifications":{"room":0})"))
                  .has_value();
    EXPECT_EQ(ok, !room.version().limit_notifications_power_levels) << id;
  }
}

// v10 (enforce_int_power_levels): strings are rejected; before, integer strings are accepted.
TEST(PowerLevelsRules, StringLevelsRejectedFromV10) {
  for (const std::string& id : all_versions()) {
    TestRoom room = room_with_levels(id);
    bool strict = room.version().enforce_int_power_levels;
    std::string events = R"("events":{"m.room.power_levels":50,"m.room.name":40},)" +
                         std::string(R"("notifications":{"room":50})");
    auto accepted = [&](std::string users, std::string rest) {
      return propose(room, kBob, content(room, std::move(users), std::move(rest))).has_value();
    };
    EXPECT_EQ(accepted(R"("@bob:b.org":"50","@carol:c.org":"+050","@dave:a.org":" 10 ")", events),
              !strict)
        << id;
    EXPECT_EQ(accepted(a(kUsers), events + R"(,"ban":"50")"), !strict) << id;
    EXPECT_EQ(
        accepted(
            a(kUsers),
            R"("events":{"m.room.power_levels":"50","m.room.name":40},"notifications":{"room":50})"),
        !strict)
        << id;
    EXPECT_EQ(
        accepted(
            a(kUsers),
            R"("events":{"m.room.power_levels":50,"m.room.name":40},"notifications":{"room":"50"})"),
        !strict)
        << id;
    // v10: events and notifications must be objects of integers.
    EXPECT_EQ(accepted(a(kUsers), R"("events":[],"notifications":{"room":50})"), !strict) << id;
    // Strings that are not integers are never power levels.
    EXPECT_FALSE(accepted(R"("@bob:b.org":50,"@carol:c.org":"fifty","@dave:a.org":10)", events))
        << id;
    EXPECT_FALSE(accepted(R"("@bob:b.org":50,"@carol:c.org":"50.0","@dave:a.org":10)", events))
        << id;
    // A string value still counts at its integer value: raising dave to "60" is above bob.
    EXPECT_FALSE(accepted(R"("@bob:b.org":50,"@carol:c.org":50,"@dave:a.org":"60")", events)) << id;
  }
}

// v1–v5 accept floats, truncated (spec fragment "v1-floaty-power-levels").
TEST(PowerLevelsRules, FloatLevelsBeforeV6) {
  TestRoom room = room_with_levels("5");
  EXPECT_TRUE(propose(room, kBob,
                      content(room, R"("@bob:b.org":50,"@carol:c.org":50,"@dave:a.org":50.9)")));
  EXPECT_FALSE(propose(room, kBob,
                       content(room, R"("@bob:b.org":50,"@carol:c.org":50,"@dave:a.org":51.2)")));
}

// v12 rule 10.4: the creators cannot appear in users; they outrank everyone.
TEST(PowerLevelsRules, V12CreatorsCannotBeListed) {
  TestRoom room("12", a(kAlice), R"({"additional_creators":["@bob:b.org"]})");
  room.add({.type = "m.room.member",
            .sender = a(kAlice),
            .state_key = a(kAlice),
            .content = R"({"membership":"join"})"});
  room.force_member(kBob, "join");
  room.force_member(kCarol, "join");
  EXPECT_FALSE(propose(room, kAlice, R"({"users":{"@alice:a.org":100}})"));
  EXPECT_FALSE(propose(room, kAlice, R"({"users":{"@bob:b.org":100}})"));
  EXPECT_TRUE(propose(room, kAlice, R"({"users":{"@carol:c.org":9007199254740991}})"));
  room.force_power_levels(R"({"users":{"@carol:c.org":9007199254740991},
                              "events":{"m.room.power_levels":100}})");
  // A creator changes anyone's level, including the highest finite one.
  EXPECT_TRUE(propose(room, kBob, R"({"users":{"@carol:c.org":0}})"));
  // Carol cannot touch anything above... nor list the creators.
  EXPECT_FALSE(propose(room, kCarol, R"({"users":{"@carol:c.org":9007199254740991,"@bob:b.org":0},
                                         "events":{"m.room.power_levels":100}})"));
  // In v11 the same listing is ordinary.
  TestRoom v11("11", a(kAlice), R"({"additional_creators":["@bob:b.org"]})");
  v11.force_member(kAlice, "join");
  EXPECT_TRUE(propose(v11, kAlice, R"({"users":{"@alice:a.org":100,"@bob:b.org":100}})"));
}

}  // namespace
}  // namespace myelin::auth
