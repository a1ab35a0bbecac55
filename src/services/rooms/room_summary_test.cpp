#include "services/rooms/room_summary.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace myelin::services {
namespace {

using ::testing::ElementsAre;

RoomSummary room(std::string id, std::optional<std::string> name, std::string version,
                 std::int64_t joined, bool is_public = false) {
  RoomSummary summary;
  summary.room_id = std::move(id);
  summary.name = std::move(name);
  summary.version = std::move(version);
  summary.joined_members = joined;
  summary.is_public = is_public;
  return summary;
}

std::vector<std::string> ids(const std::vector<RoomSummary>& rooms) {
  std::vector<std::string> out;
  for (const RoomSummary& r : rooms) out.push_back(r.room_id);
  return out;
}

std::vector<RoomSummary> sample() {
  std::vector<RoomSummary> rooms = {room("!c:x", "beta", "9", 2, true),
                                    room("!a:x", std::nullopt, "10", 0),
                                    room("!b:x", "Alpha", "10", 5)};
  rooms[2].canonical_alias = "#lounge:x";
  return rooms;
}

TEST(RoomSummaryTest, NamesAscendWithAbsentFirstAndReverseExactly) {
  RoomListQuery query;
  // Byte order, as SQL compares: "Alpha" < "beta".
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!a:x", "!b:x", "!c:x"));
  query.backwards = true;
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!c:x", "!b:x", "!a:x"));
}

TEST(RoomSummaryTest, CountsAndVersionsDescendTiesByRoomId) {
  RoomListQuery query;
  query.order_by = "size";
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!b:x", "!c:x", "!a:x"));
  query.order_by = "version";  // "10" > "9" as numbers; the tie by room ID
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!b:x", "!a:x", "!c:x"));
  query.backwards = true;
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!c:x", "!a:x", "!b:x"));
}

TEST(RoomSummaryTest, SearchAndFilters) {
  RoomListQuery query;
  query.search_term = "ALP";
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!b:x"));
  query.search_term = "loun";  // the alias's local part
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!b:x"));
  query.search_term = "x";  // not the alias's server, not part of a room ID
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre());
  query.search_term = "!a:x";  // a whole room ID
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!a:x"));
  query.search_term.reset();
  query.public_rooms = true;
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!c:x"));
  query.public_rooms.reset();
  query.empty_rooms = true;
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!a:x"));
  query.empty_rooms = false;
  EXPECT_THAT(ids(select_rooms(sample(), query)), ElementsAre("!b:x", "!c:x"));
}

TEST(RoomSummaryTest, KnowsSynapseOrders) {
  EXPECT_TRUE(is_room_order("alphabetical"));
  EXPECT_TRUE(is_room_order("state_events"));
  EXPECT_FALSE(is_room_order("bogus"));
  EXPECT_FALSE(is_room_order(""));
}

}  // namespace
}  // namespace myelin::services
