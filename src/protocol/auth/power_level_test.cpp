#include "protocol/auth/power_level.hpp"

#include <gtest/gtest.h>

#include "protocol/auth/auth_test_room.hpp"
#include "protocol/auth/power_levels.hpp"

namespace myelin::auth {
namespace {

using testing::kAlice;
using testing::kBob;
using testing::kCarol;
using testing::parse_object;
using testing::TestRoom;
using testing::version;

boost::json::value value(std::string_view json_text) {
  return parse_object(R"({"v":)" + std::string(json_text) + "}").at("v");
}

TEST(PowerLevel, InfiniteIsAboveEveryFiniteLevel) {
  PowerLevel inf = PowerLevel::infinite();
  EXPECT_GT(inf, PowerLevel(INT64_MAX));
  EXPECT_EQ(inf, PowerLevel::infinite());
  EXPECT_FALSE(inf < PowerLevel::infinite());
  EXPECT_LT(PowerLevel(-5), PowerLevel(0));
  EXPECT_EQ(PowerLevel(50), PowerLevel(50));
  EXPECT_EQ(inf.to_string(), "infinite");
  EXPECT_EQ(PowerLevel(-3).to_string(), "-3");
}

// Spec fragment "v1-stringy-power-levels": the accepted string forms.
TEST(PowerLevel, StringyLevelsBeforeV10) {
  EXPECT_EQ(parse_power_level_string("100"), 100);
  EXPECT_EQ(parse_power_level_string("000100"), 100);
  EXPECT_EQ(parse_power_level_string("+100"), 100);
  EXPECT_EQ(parse_power_level_string("-100"), -100);
  EXPECT_EQ(parse_power_level_string(" 100 "), 100);
  EXPECT_EQ(parse_power_level_string(" 00100 "), 100);
  EXPECT_EQ(parse_power_level_string(" +100 "), 100);
  EXPECT_EQ(parse_power_level_string(" -100 "), -100);
  EXPECT_EQ(parse_power_level_string("-9223372036854775808"), INT64_MIN);
  for (std::string_view bad : {"", " ", "+", "1.5", "1e3", "--1", "+-1", "1 0", "0x10", "abc",
                               "9223372036854775808", "1_000"}) {
    EXPECT_EQ(parse_power_level_string(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(parse_power_level(value(R"("50")"), version("9")), 50);
  EXPECT_EQ(parse_power_level(value(R"(" -7 ")"), version("1")), -7);
  EXPECT_EQ(parse_power_level(value(R"("50")"), version("10")), std::nullopt);
  EXPECT_EQ(parse_power_level(value("50"), version("10")), 50);
  EXPECT_EQ(parse_power_level(value("true"), version("1")), std::nullopt);
  EXPECT_EQ(parse_power_level(value("null"), version("1")), std::nullopt);
}

// Spec fragment "v1-floaty-power-levels": floats truncate in v1–v5 only.
TEST(PowerLevel, FloatyLevelsBeforeV6) {
  EXPECT_EQ(parse_power_level(value("50.57"), version("1")), 50);
  EXPECT_EQ(parse_power_level(value("5.114698E4"), version("5")), 51146);
  EXPECT_EQ(parse_power_level(value("-1.9"), version("3")), -1);
  EXPECT_EQ(parse_power_level(value("1e300"), version("1")), std::nullopt);
  EXPECT_EQ(parse_power_level(value("50.57"), version("6")), std::nullopt);
  EXPECT_EQ(parse_power_level(value("50.0"), version("10")), std::nullopt);
}

TEST(PowerLevels, DefaultsWithoutAnEventGiveTheCreator100) {
  for (std::string_view id : {"1", "10", "11"}) {
    TestRoom room(id);
    PowerLevels levels = PowerLevels::from_state(room.version(), room.state());
    EXPECT_FALSE(levels.has_power_levels_event());
    EXPECT_EQ(levels.user_level(kAlice), PowerLevel(100)) << id;
    EXPECT_EQ(levels.user_level(kBob), PowerLevel(0));
    EXPECT_EQ(levels.event_level("m.room.name", true), PowerLevel(50));
    EXPECT_EQ(levels.event_level("m.room.message", false), PowerLevel(0));
    EXPECT_EQ(levels.invite_level(), PowerLevel(0));
    EXPECT_EQ(levels.kick_level(), PowerLevel(50));
    EXPECT_EQ(levels.ban_level(), PowerLevel(50));
    EXPECT_EQ(levels.redact_level(), PowerLevel(50));
    EXPECT_EQ(levels.notification_level("room"), PowerLevel(50));
    EXPECT_EQ(levels.notification_level("other"), std::nullopt);
    EXPECT_TRUE(levels.privileged_creators().empty());
  }
}

// v1–v10 read the creator from content.creator, v11 from the sender.
TEST(PowerLevels, CreatorComesFromContentBeforeV11AndSenderFromV11) {
  TestRoom v10("10", std::string(kAlice), R"({"creator":"@bob:b.org"})");
  PowerLevels levels10 = PowerLevels::from_state(v10.version(), v10.state());
  EXPECT_EQ(levels10.user_level(kBob), PowerLevel(100));
  EXPECT_EQ(levels10.user_level(kAlice), PowerLevel(0));

  TestRoom v11("11", std::string(kAlice), R"({"creator":"@bob:b.org"})");
  PowerLevels levels11 = PowerLevels::from_state(v11.version(), v11.state());
  EXPECT_EQ(levels11.user_level(kAlice), PowerLevel(100));
  EXPECT_EQ(levels11.user_level(kBob), PowerLevel(0));
}

TEST(PowerLevels, ReadsTheEventWithDefaultsForMissingValues) {
  TestRoom room("9");
  room.force_power_levels(R"({"users":{"@bob:b.org":"75","@carol:c.org":10},"users_default":5,
      "events":{"m.room.name":"60","m.room.message":20},"state_default":40,"ban":"70",
      "notifications":{"room":"20"}})");
  PowerLevels levels = PowerLevels::from_state(room.version(), room.state());
  EXPECT_TRUE(levels.has_power_levels_event());
  EXPECT_EQ(levels.user_level(kBob), PowerLevel(75));
  EXPECT_EQ(levels.user_level(kCarol), PowerLevel(10));
  // With an event, the creator is an ordinary user.
  EXPECT_EQ(levels.user_level(kAlice), PowerLevel(5));
  EXPECT_EQ(levels.event_level("m.room.name", true), PowerLevel(60));
  EXPECT_EQ(levels.event_level("m.room.message", false), PowerLevel(20));
  EXPECT_EQ(levels.event_level("m.room.topic", true), PowerLevel(40));
  EXPECT_EQ(levels.event_level("m.custom", false), PowerLevel(0));
  EXPECT_EQ(levels.ban_level(), PowerLevel(70));
  EXPECT_EQ(levels.kick_level(), PowerLevel(50));
  EXPECT_EQ(levels.notification_level("room"), PowerLevel(20));
}

TEST(PowerLevels, V10IgnoresStringLevels) {
  TestRoom room("10");
  room.force_power_levels(R"({"users":{"@bob:b.org":"75"},"ban":"70"})");
  PowerLevels levels = PowerLevels::from_state(room.version(), room.state());
  EXPECT_EQ(levels.user_level(kBob), PowerLevel(0));
  EXPECT_EQ(levels.ban_level(), PowerLevel(50));
}

TEST(PowerLevels, V12CreatorsAreInfinite) {
  TestRoom room("12", std::string(kAlice),
                R"({"room_version":"12","additional_creators":["@bob:b.org"]})");
  PowerLevels before = PowerLevels::from_state(room.version(), room.state());
  EXPECT_TRUE(before.user_level(kAlice).is_infinite());
  EXPECT_TRUE(before.user_level(kBob).is_infinite());
  EXPECT_EQ(before.user_level(kCarol), PowerLevel(0));
  EXPECT_EQ(before.privileged_creators(), (std::vector<std::string>{"@alice:a.org", "@bob:b.org"}));

  room.force_power_levels(R"({"users":{"@carol:c.org":100},"users_default":10})");
  PowerLevels after = PowerLevels::from_state(room.version(), room.state());
  EXPECT_TRUE(after.user_level(kAlice).is_infinite());
  EXPECT_GT(after.user_level(kBob), after.user_level(kCarol));
  EXPECT_EQ(after.user_level(kCarol), PowerLevel(100));
  EXPECT_EQ(after.user_level("@zed:z.org"), PowerLevel(10));
}

}  // namespace
}  // namespace myelin::auth
