#include "storage/store/room_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class RoomStoreTest : public StoreTest {
 protected:
  RoomStore& rooms() { return store().rooms; }
};

TEST_F(RoomStoreTest, CreatesAndReadsRooms) {
  rooms().create_room({"!b:test.local", "10", "@alice:test.local", false, 100});
  rooms().create_room({"!a:test.local", "12", "@bob:test.local", true, 200});
  auto b = rooms().room("!b:test.local");
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->room_version, "10");
  EXPECT_EQ(b->creator, "@alice:test.local");
  EXPECT_FALSE(b->is_public);
  EXPECT_EQ(b->created_ts, 100);
  EXPECT_FALSE(rooms().room("!c:test.local").has_value());
  std::vector<std::string> all;
  for (const RoomRecord& r : rooms().all_rooms()) all.push_back(r.room_id);
  EXPECT_THAT(all, ElementsAre("!a:test.local", "!b:test.local"));
}

TEST_F(RoomStoreTest, PublicRoomIdsFollowVisibility) {
  rooms().create_room({"!a:test.local", "10", "@alice:test.local", false, 1});
  rooms().create_room({"!b:test.local", "10", "@alice:test.local", true, 1});
  rooms().create_room({"!c:test.local", "10", "@alice:test.local", false, 1});
  EXPECT_THAT(rooms().public_room_ids(), ElementsAre("!b:test.local"));
  rooms().set_public("!a:test.local", true);
  rooms().set_public("!b:test.local", false);
  EXPECT_THAT(rooms().public_room_ids(), ElementsAre("!a:test.local"));
  EXPECT_TRUE(rooms().room("!a:test.local")->is_public);
  rooms().set_public("!a:test.local", false);
  EXPECT_THAT(rooms().public_room_ids(), IsEmpty());
}

TEST_F(RoomStoreTest, AliasesAreUnique) {
  EXPECT_TRUE(rooms().create_alias({"#room:test.local", "!a:test.local", "@alice:test.local"}));
  EXPECT_FALSE(rooms().create_alias({"#room:test.local", "!b:test.local", "@bob:test.local"}));
  auto alias = rooms().alias("#room:test.local");
  ASSERT_TRUE(alias.has_value());
  EXPECT_EQ(alias->room_id, "!a:test.local");
  EXPECT_EQ(alias->creator, "@alice:test.local");

  EXPECT_TRUE(rooms().create_alias({"#other:test.local", "!a:test.local", "@bob:test.local"}));
  EXPECT_THAT(rooms().aliases_of_room("!a:test.local"),
              ElementsAre("#other:test.local", "#room:test.local"));
  EXPECT_THAT(rooms().aliases_of_room("!b:test.local"), IsEmpty());

  EXPECT_TRUE(rooms().delete_alias("#room:test.local"));
  EXPECT_FALSE(rooms().delete_alias("#room:test.local"));
  EXPECT_FALSE(rooms().alias("#room:test.local").has_value());
  // Once deleted, the alias may point somewhere else.
  EXPECT_TRUE(rooms().create_alias({"#room:test.local", "!b:test.local", "@bob:test.local"}));
  EXPECT_EQ(rooms().alias("#room:test.local")->room_id, "!b:test.local");
}

}  // namespace
}  // namespace myelin::storage
