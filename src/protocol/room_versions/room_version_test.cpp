#include "protocol/room_versions/room_version.hpp"

#include <gtest/gtest.h>

namespace myelin {
namespace {

TEST(RoomVersion, KnowsOneToTwelve) {
  ASSERT_EQ(known_room_versions().size(), 12u);
  for (int i = 1; i <= 12; ++i) {
    const RoomVersion* v = find_room_version(std::to_string(i));
    ASSERT_NE(v, nullptr) << i;
    EXPECT_EQ(v->id, std::to_string(i));
    EXPECT_TRUE(v->stable);
  }
  EXPECT_EQ(find_room_version("13"), nullptr);
  EXPECT_EQ(find_room_version("org.matrix.msc2176"), nullptr);
  EXPECT_EQ(find_room_version(""), nullptr);
}

TEST(RoomVersion, FlagsChangeWhereTheSpecSays) {
  auto v = [](const char* id) { return *find_room_version(id); };
  EXPECT_EQ(v("1").state_res, StateResAlgorithm::kV1);
  EXPECT_EQ(v("2").state_res, StateResAlgorithm::kV2);
  EXPECT_EQ(v("11").state_res, StateResAlgorithm::kV2);
  EXPECT_EQ(v("12").state_res, StateResAlgorithm::kV21);
  EXPECT_EQ(v("2").event_format, EventFormat::kV1);
  EXPECT_EQ(v("3").event_format, EventFormat::kV2);
  EXPECT_EQ(v("4").event_format, EventFormat::kV3);
  EXPECT_EQ(v("11").event_format, EventFormat::kV3);
  EXPECT_EQ(v("12").event_format, EventFormat::kV4);
  EXPECT_FALSE(v("4").enforce_key_validity);
  EXPECT_TRUE(v("5").enforce_key_validity);
  EXPECT_TRUE(v("5").special_case_aliases_auth);
  EXPECT_FALSE(v("6").special_case_aliases_auth);
  EXPECT_TRUE(v("6").strict_canonical_json);
  EXPECT_FALSE(v("6").knock_join_rule);
  EXPECT_TRUE(v("7").knock_join_rule);
  EXPECT_TRUE(v("8").restricted_join_rule);
  EXPECT_FALSE(v("8").restricted_join_rule_fix);
  EXPECT_TRUE(v("9").restricted_join_rule_fix);
  EXPECT_FALSE(v("9").enforce_int_power_levels);
  EXPECT_TRUE(v("10").enforce_int_power_levels);
  EXPECT_TRUE(v("10").knock_restricted_join_rule);
  EXPECT_FALSE(v("10").updated_redaction_rules);
  EXPECT_TRUE(v("11").updated_redaction_rules);
  EXPECT_TRUE(v("11").implicit_room_creator);
  EXPECT_FALSE(v("11").privileged_creators);
  EXPECT_TRUE(v("12").privileged_creators);
  EXPECT_TRUE(v("12").room_id_is_create_event_hash);
  EXPECT_EQ(default_room_version().id, "10");
}

}  // namespace
}  // namespace myelin
