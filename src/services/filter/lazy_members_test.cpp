#include "services/filter/lazy_members.hpp"

#include <gtest/gtest.h>

namespace myelin::filter {
namespace {

using List = std::vector<std::string>;

TimelineEventRef message(std::string_view id, std::string_view sender) {
  return {id, sender, "m.room.message", std::nullopt};
}

TimelineEventRef member(std::string_view id, std::string_view sender, std::string_view target) {
  return {id, sender, "m.room.member", target};
}

TEST(LazyMemberStateKeys, SendersInOrderWithoutDuplicates) {
  std::vector<TimelineEventRef> timeline{message("$1", "@b:x.org"), message("$2", "@a:x.org"),
                                         message("$3", "@b:x.org")};
  EXPECT_EQ(lazy_member_state_keys(timeline, ""), (List{"@b:x.org", "@a:x.org"}));
}

TEST(LazyMemberStateKeys, OwnUserAlwaysIncluded) {
  std::vector<TimelineEventRef> timeline{message("$1", "@b:x.org")};
  EXPECT_EQ(lazy_member_state_keys(timeline, "@me:x.org"), (List{"@b:x.org", "@me:x.org"}));
  std::vector<TimelineEventRef> mine{message("$1", "@me:x.org")};
  EXPECT_EQ(lazy_member_state_keys(mine, "@me:x.org"), (List{"@me:x.org"}));
  EXPECT_EQ(lazy_member_state_keys({}, "@me:x.org"), (List{"@me:x.org"}));
  EXPECT_EQ(lazy_member_state_keys({}, ""), List{});
}

// A sender whose membership event is earlier in the same timeline gets it from the timeline.
TEST(LazyMemberStateKeys, MembershipEarlierInTimelineCovers) {
  std::vector<TimelineEventRef> timeline{
      member("$1", "@c:x.org", "@c:x.org"),  // c joins: c's state before the join is loaded
      message("$2", "@c:x.org"),
      member("$3", "@a:x.org", "@d:x.org"),  // a invites d
      message("$4", "@d:x.org"),             // d is covered by the invite
      {"$5", "@e:x.org", "m.room.name", ""},
      {"$6", "@f:x.org", "m.room.member", std::nullopt},  // not state: covers nobody
      message("$7", "@f:x.org"),
  };
  EXPECT_EQ(lazy_member_state_keys(timeline, ""),
            (List{"@c:x.org", "@a:x.org", "@e:x.org", "@f:x.org"}));
}

TEST(DropRedundantMembers, OnlyWhenLazyAndNotAskedForRedundancy) {
  SentMembers sent{{"@a:x.org", "$a1"}, {"@b:x.org", "$b1"}};
  std::vector<MemberEventRef> loaded{
      {"@a:x.org", "$a1"},  // unchanged: redundant
      {"@b:x.org", "$b2"},  // changed since
      {"@c:x.org", "$c1"},  // never sent
  };
  RoomEventFilter lazy;
  lazy.lazy_load_members = true;
  EXPECT_EQ(drop_redundant_members(lazy, loaded, sent),
            (std::vector<MemberEventRef>{{"@b:x.org", "$b2"}, {"@c:x.org", "$c1"}}));

  RoomEventFilter redundant = lazy;
  redundant.include_redundant_members = true;
  EXPECT_EQ(drop_redundant_members(redundant, loaded, sent), loaded);

  // include_redundant_members does not apply unless lazy_load_members is true.
  RoomEventFilter not_lazy;
  EXPECT_EQ(drop_redundant_members(not_lazy, loaded, sent), loaded);
  not_lazy.include_redundant_members = true;
  EXPECT_EQ(drop_redundant_members(not_lazy, loaded, sent), loaded);

  // A fresh sync sequence: the caller cleared what it remembered, so nothing is redundant.
  EXPECT_EQ(drop_redundant_members(lazy, loaded, SentMembers{}), loaded);
}

TEST(RememberSentMembers, StateThenTimelineLaterWins) {
  SentMembers sent{{"@old:x.org", "$o1"}, {"@a:x.org", "$a0"}};
  std::vector<MemberEventRef> state{{"@a:x.org", "$a1"}, {"@b:x.org", "$b1"}};
  std::vector<TimelineEventRef> timeline{
      message("$m", "@a:x.org"),
      member("$b2", "@b:x.org", "@b:x.org"),
      member("$c1", "@a:x.org", "@c:x.org"),
      member("$b3", "@b:x.org", "@b:x.org"),
  };
  remember_sent_members(sent, state, timeline);
  EXPECT_EQ(
      sent,
      (SentMembers{
          {"@old:x.org", "$o1"}, {"@a:x.org", "$a1"}, {"@b:x.org", "$b3"}, {"@c:x.org", "$c1"}}));
}

// Two incremental syncs: the second skips a member the client already holds.
TEST(LazyMembers, SyncSequence) {
  RoomEventFilter filter;
  filter.lazy_load_members = true;
  SentMembers sent;
  // Member event IDs in the room's state, as the caller would load them.
  auto load = [](const List& keys) {
    std::vector<MemberEventRef> out;
    for (const std::string& k : keys) out.push_back({k, "$member-of-" + k});
    return out;
  };

  std::vector<TimelineEventRef> first{message("$1", "@a:x.org")};
  auto keys = lazy_member_state_keys(first, "@me:x.org");
  auto send = drop_redundant_members(filter, load(keys), sent);
  EXPECT_EQ(send.size(), 2u);
  remember_sent_members(sent, send, first);

  std::vector<TimelineEventRef> second{message("$2", "@a:x.org"), message("$3", "@b:x.org")};
  keys = lazy_member_state_keys(second, "@me:x.org");
  EXPECT_EQ(keys, (List{"@a:x.org", "@b:x.org", "@me:x.org"}));
  send = drop_redundant_members(filter, load(keys), sent);
  EXPECT_EQ(send, (std::vector<MemberEventRef>{{"@b:x.org", "$member-of-@b:x.org"}}));
}

}  // namespace
}  // namespace myelin::filter
