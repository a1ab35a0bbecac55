#include "services/sync/typing_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace myelin::services {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr const char* kRoom = "!r:test.local";
constexpr const char* kOther = "!o:test.local";
constexpr const char* kAlice = "@alice:test.local";
constexpr const char* kBob = "@bob:test.local";

// A sync response carries the serial it was built at; a change after it belongs to the next
// response only, or a long poll would wake at once to repeat what it already had.
TEST(TypingServiceTest, ChangedBetweenLeavesLaterChangesToTheNextSync) {
  TypingService typing;
  EXPECT_EQ(typing.changed_between(kRoom, 0, 0), std::nullopt);
  typing.set_typing(kRoom, kAlice, true, 30'000, 0);  // serial 1
  const std::uint64_t token = typing.serial();
  typing.set_typing(kRoom, kAlice, false, 0, 10);  // serial 2, after the token was taken

  // Built at serial 1: the stop is not shown, and nothing is shown as it was.
  EXPECT_EQ(typing.changed_between(kRoom, 0, token), std::nullopt);
  // The next sync, from the token, sees the stop.
  auto next = typing.changed_between(kRoom, token, typing.serial());
  ASSERT_TRUE(next.has_value());
  EXPECT_THAT(*next, IsEmpty());
  // And nothing after that.
  EXPECT_EQ(typing.changed_between(kRoom, typing.serial(), typing.serial()), std::nullopt);
  EXPECT_EQ(typing.changed_between(kOther, 0, typing.serial()), std::nullopt);
}

TEST(TypingServiceTest, StartAndStopBumpTheSerial) {
  TypingService typing;
  EXPECT_EQ(typing.serial(), 0u);
  EXPECT_THAT(typing.typing_users(kRoom), IsEmpty());
  EXPECT_FALSE(typing.changed_since(kRoom, 0));

  EXPECT_TRUE(typing.set_typing(kRoom, kAlice, true, 30'000, 0));
  EXPECT_EQ(typing.serial(), 1u);
  EXPECT_TRUE(typing.changed_since(kRoom, 0));
  EXPECT_FALSE(typing.changed_since(kRoom, 1));
  EXPECT_THAT(typing.typing_users(kRoom), ElementsAre(kAlice));

  EXPECT_TRUE(typing.set_typing(kRoom, kBob, true, 30'000, 0));
  EXPECT_EQ(typing.serial(), 2u);
  EXPECT_THAT(typing.typing_users(kRoom), ElementsAre(kAlice, kBob));

  EXPECT_TRUE(typing.set_typing(kRoom, kAlice, false, 0, 10));
  EXPECT_EQ(typing.serial(), 3u);
  EXPECT_TRUE(typing.changed_since(kRoom, 2));
  EXPECT_THAT(typing.typing_users(kRoom), ElementsAre(kBob));
}

TEST(TypingServiceTest, RepeatsThatChangeNothingKeepTheSerial) {
  TypingService typing;
  typing.set_typing(kRoom, kAlice, true, 30'000, 0);
  const auto serial = typing.serial();
  // Still typing (a longer timeout): the set is the same, so no sync is woken for it.
  EXPECT_FALSE(typing.set_typing(kRoom, kAlice, true, 60'000, 10));
  EXPECT_FALSE(typing.set_typing(kRoom, kBob, false, 0, 10));
  EXPECT_EQ(typing.serial(), serial);
  EXPECT_FALSE(typing.changed_since(kRoom, serial));
}

TEST(TypingServiceTest, RoomsChangeIndependently) {
  TypingService typing;
  typing.set_typing(kRoom, kAlice, true, 30'000, 0);
  const auto after_first = typing.serial();
  typing.set_typing(kOther, kBob, true, 30'000, 0);
  EXPECT_FALSE(typing.changed_since(kRoom, after_first));
  EXPECT_TRUE(typing.changed_since(kOther, after_first));
  EXPECT_THAT(typing.typing_users(kOther), ElementsAre(kBob));
  EXPECT_THAT(typing.typing_users(kRoom), ElementsAre(kAlice));
}

TEST(TypingServiceTest, ExpiryDropsUsersAtTheirDeadline) {
  TypingService typing;
  typing.set_typing(kRoom, kAlice, true, 1'000, 0);
  typing.set_typing(kRoom, kBob, true, 5'000, 0);
  typing.set_typing(kOther, kBob, true, 9'000, 0);
  const auto before = typing.serial();

  EXPECT_THAT(typing.expire(999), IsEmpty());
  EXPECT_EQ(typing.serial(), before);

  EXPECT_THAT(typing.expire(1'000), ElementsAre(kRoom));
  EXPECT_THAT(typing.typing_users(kRoom), ElementsAre(kBob));
  EXPECT_GT(typing.serial(), before);
  EXPECT_TRUE(typing.changed_since(kRoom, before));
  EXPECT_FALSE(typing.changed_since(kOther, before));

  const auto mid = typing.serial();
  auto changed = typing.expire(10'000);
  std::sort(changed.begin(), changed.end());
  EXPECT_THAT(changed, ElementsAre(kOther, kRoom));
  EXPECT_THAT(typing.typing_users(kRoom), IsEmpty());
  EXPECT_THAT(typing.typing_users(kOther), IsEmpty());
  EXPECT_TRUE(typing.changed_since(kRoom, mid));
  EXPECT_TRUE(typing.changed_since(kOther, mid));
  EXPECT_THAT(typing.expire(20'000), IsEmpty());
}

TEST(TypingServiceTest, RenewingPushesTheDeadline) {
  TypingService typing;
  typing.set_typing(kRoom, kAlice, true, 1'000, 0);
  typing.set_typing(kRoom, kAlice, true, 3'000, 900);
  EXPECT_THAT(typing.expire(2'000), IsEmpty());
  EXPECT_THAT(typing.typing_users(kRoom), ElementsAre(kAlice));
  EXPECT_THAT(typing.expire(3'000), ElementsAre(kRoom));
}

}  // namespace
}  // namespace myelin::services
