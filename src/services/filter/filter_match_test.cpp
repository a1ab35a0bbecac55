#include "services/filter/filter_match.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "services/filter/parse_filter.hpp"

namespace myelin::filter {
namespace {

using List = std::vector<std::string>;

TEST(TypeMatches, Globs) {
  EXPECT_TRUE(type_matches("m.room.message", "m.room.message"));
  EXPECT_FALSE(type_matches("m.room.message", "m.room.messages"));
  EXPECT_FALSE(type_matches("m.room.message", "m.room.messag"));
  EXPECT_TRUE(type_matches("m.*", "m.room.message"));
  EXPECT_TRUE(type_matches("m.*", "m."));  // '*' may match nothing
  EXPECT_FALSE(type_matches("m.*", "m"));
  EXPECT_FALSE(type_matches("m.*", "org.m.x"));
  EXPECT_TRUE(type_matches("*", ""));
  EXPECT_TRUE(type_matches("*", "anything"));
  EXPECT_TRUE(type_matches("**", "anything"));
  EXPECT_TRUE(type_matches("", ""));
  EXPECT_FALSE(type_matches("", "m.room"));
  // '*' anywhere, as the spec words it (Synapse honours only a trailing one).
  EXPECT_TRUE(type_matches("*.message", "m.room.message"));
  EXPECT_FALSE(type_matches("*.message", "m.room.message.x"));
  EXPECT_TRUE(type_matches("m.*.member", "m.room.member"));
  EXPECT_TRUE(type_matches("m.*.member", "m.a.member.b.member"));  // needs backtracking
  EXPECT_FALSE(type_matches("m.*.member", "m.room.members"));
  EXPECT_TRUE(type_matches("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(type_matches("a*b*c", "aXbYbZ"));
  // Other glob characters are literal.
  EXPECT_FALSE(type_matches("m.room.?", "m.room.x"));
  EXPECT_TRUE(type_matches("m.room.?", "m.room.?"));
  EXPECT_FALSE(type_matches("m.[a]", "m.a"));
}

TEST(MatchesEventFilter, EmptyFilterMatchesEverything) {
  EventFilter f;
  EXPECT_TRUE(matches(f, "m.presence", "@a:x.org"));
  EXPECT_TRUE(matches(f, "", ""));
  EXPECT_FALSE(blocks_everything(f));
}

TEST(MatchesEventFilter, AbsentVersusEmptyLists) {
  EventFilter none_allowed;
  none_allowed.types = List{};
  EXPECT_FALSE(matches(none_allowed, "m.presence", "@a:x.org"));
  EXPECT_TRUE(blocks_everything(none_allowed));

  EventFilter no_senders;
  no_senders.senders = List{};
  EXPECT_FALSE(matches(no_senders, "m.presence", "@a:x.org"));
  EXPECT_TRUE(blocks_everything(no_senders));

  // Empty exclusion lists exclude nothing.
  EventFilter empty_not;
  empty_not.not_types = List{};
  empty_not.not_senders = List{};
  EXPECT_TRUE(matches(empty_not, "m.presence", "@a:x.org"));
  EXPECT_FALSE(blocks_everything(empty_not));
}

TEST(MatchesEventFilter, NotListsWinOverLists) {
  EventFilter f;
  f.types = List{"m.*"};
  f.not_types = List{"m.room.member"};
  EXPECT_TRUE(matches(f, "m.room.message", "@a:x.org"));
  EXPECT_FALSE(matches(f, "m.room.member", "@a:x.org"));
  EXPECT_FALSE(matches(f, "org.example", "@a:x.org"));

  EventFilter s;
  s.senders = List{"@a:x.org", "@b:x.org"};
  s.not_senders = List{"@b:x.org"};
  EXPECT_TRUE(matches(s, "m.x", "@a:x.org"));
  EXPECT_FALSE(matches(s, "m.x", "@b:x.org"));
  EXPECT_FALSE(matches(s, "m.x", "@c:x.org"));
  // Sender lists are exact: no globs.
  EventFilter glob_sender;
  glob_sender.senders = List{"@*"};
  EXPECT_FALSE(matches(glob_sender, "m.x", "@a:x.org"));
  // Account data has no sender: a senders list lets none of it through.
  EXPECT_FALSE(matches(s, "m.push_rules", ""));
}

TEST(MatchesEventFilter, NotTypesGlobOfStarsBlocksEverything) {
  EventFilter f;
  f.not_types = List{"m.x", "*"};
  EXPECT_TRUE(blocks_everything(f));
  EXPECT_FALSE(matches(f, "anything", "@a:x.org"));
  f.not_types = List{"m.*"};
  EXPECT_FALSE(blocks_everything(f));
}

// The spec's example filter (POST /user/{userId}/filter) applied to sample events.
TEST(MatchesSpecExample, AppliesEachPart) {
  auto parsed = parse_filter(boost::json::parse(R"({
    "room": {
      "state": {"types": ["m.room.*"], "not_rooms": ["!726s6s6q:example.com"]},
      "timeline": {"limit": 10, "types": ["m.room.message"],
                   "not_rooms": ["!726s6s6q:example.com"], "not_senders": ["@spam:example.com"]},
      "ephemeral": {"types": ["m.receipt", "m.typing"], "not_rooms": ["!726s6s6q:example.com"],
                    "not_senders": ["@spam:example.com"]}
    },
    "presence": {"types": ["m.presence"], "not_senders": ["@alice:example.com"]},
    "event_format": "client",
    "event_fields": ["type", "content", "sender"]
  })"));
  ASSERT_TRUE(parsed);
  const Filter& f = *parsed;
  const std::string room = "!room:example.com";
  const std::string excluded = "!726s6s6q:example.com";

  EXPECT_TRUE(matches(f.room.state, room, "m.room.name", "@bob:example.com", false));
  EXPECT_TRUE(matches(f.room.state, room, "m.room.member", "@bob:example.com", false));
  EXPECT_FALSE(matches(f.room.state, room, "org.example.state", "@bob:example.com", false));
  EXPECT_FALSE(matches(f.room.state, excluded, "m.room.name", "@bob:example.com", false));

  EXPECT_TRUE(matches(f.room.timeline, room, "m.room.message", "@bob:example.com", true));
  EXPECT_FALSE(matches(f.room.timeline, room, "m.room.message", "@spam:example.com", false));
  EXPECT_FALSE(matches(f.room.timeline, room, "m.room.name", "@bob:example.com", false));
  EXPECT_FALSE(matches(f.room.timeline, excluded, "m.room.message", "@bob:example.com", false));

  EXPECT_TRUE(matches(f.room.ephemeral, room, "m.typing", "", false));
  EXPECT_FALSE(matches(f.room.ephemeral, room, "m.fully_read", "", false));

  EXPECT_TRUE(matches(f.presence, "m.presence", "@bob:example.com"));
  EXPECT_FALSE(matches(f.presence, "m.presence", "@alice:example.com"));

  EXPECT_TRUE(includes_room(f.room, excluded));  // the exclusion is per sub-filter here
  EXPECT_FALSE(includes_room(f.room.timeline, excluded));
}

TEST(MatchesRoomEventFilter, Rooms) {
  RoomEventFilter f;
  EXPECT_TRUE(includes_room(f, "!a:x.org"));
  f.rooms = List{"!a:x.org", "!b:x.org"};
  f.not_rooms = List{"!b:x.org"};
  EXPECT_TRUE(includes_room(f, "!a:x.org"));
  EXPECT_FALSE(includes_room(f, "!b:x.org"));  // not_rooms wins
  EXPECT_FALSE(includes_room(f, "!c:x.org"));
  EXPECT_TRUE(matches(f, "!a:x.org", "m.room.message", "@u:x.org", false));
  EXPECT_FALSE(matches(f, "!b:x.org", "m.room.message", "@u:x.org", false));
  EXPECT_FALSE(blocks_everything(f));
  f.rooms = List{};
  EXPECT_TRUE(blocks_everything(f));
  EXPECT_FALSE(matches(f, "!a:x.org", "m.room.message", "@u:x.org", false));
}

TEST(MatchesRoomEventFilter, EventFilterPartApplies) {
  RoomEventFilter f;
  f.types = List{"m.room.message"};
  f.not_senders = List{"@spam:x.org"};
  EXPECT_TRUE(matches(f, "!a:x.org", "m.room.message", "@u:x.org", false));
  EXPECT_FALSE(matches(f, "!a:x.org", "m.room.name", "@u:x.org", false));
  EXPECT_FALSE(matches(f, "!a:x.org", "m.room.message", "@spam:x.org", false));
  f.types = List{};
  EXPECT_TRUE(blocks_everything(f));
}

TEST(MatchesRoomEventFilter, ContainsUrl) {
  RoomEventFilter f;
  EXPECT_TRUE(matches(f, "!a:x.org", "m.room.message", "@u:x.org", true));
  EXPECT_TRUE(matches(f, "!a:x.org", "m.room.message", "@u:x.org", false));
  f.contains_url = true;
  EXPECT_TRUE(matches(f, "!a:x.org", "m.room.message", "@u:x.org", true));
  EXPECT_FALSE(matches(f, "!a:x.org", "m.room.message", "@u:x.org", false));
  f.contains_url = false;
  EXPECT_FALSE(matches(f, "!a:x.org", "m.room.message", "@u:x.org", true));
  EXPECT_TRUE(matches(f, "!a:x.org", "m.room.message", "@u:x.org", false));
}

TEST(HasStringUrl, OnlyAStringUrlInObjectContent) {
  auto has = [](std::string_view json) {
    return has_string_url(boost::json::parse(json).as_object());
  };
  EXPECT_TRUE(has(R"({"content": {"msgtype": "m.image", "url": "mxc://x.org/abc"}})"));
  EXPECT_TRUE(has(R"({"content": {"url": ""}})"));
  EXPECT_FALSE(has(R"({"content": {"url": 1}})"));
  EXPECT_FALSE(has(R"({"content": {"url": null}})"));
  EXPECT_FALSE(has(R"({"content": {"file": {"url": "mxc://x.org/abc"}}})"));
  EXPECT_FALSE(has(R"({"content": "url"})"));
  EXPECT_FALSE(has(R"({"url": "mxc://x.org/abc"})"));
  EXPECT_FALSE(has(R"({})"));
}

TEST(MatchesRoomFilter, RoomLists) {
  RoomFilter f;
  EXPECT_TRUE(includes_room(f, "!a:x.org"));
  EXPECT_FALSE(blocks_all_rooms(f));
  f.not_rooms = List{"!a:x.org"};
  EXPECT_FALSE(includes_room(f, "!a:x.org"));
  EXPECT_TRUE(includes_room(f, "!b:x.org"));
  f.rooms = List{"!a:x.org"};
  EXPECT_FALSE(includes_room(f, "!a:x.org"));  // not_rooms wins even when listed
  EXPECT_FALSE(includes_room(f, "!b:x.org"));
  f.rooms = List{};
  EXPECT_TRUE(blocks_all_rooms(f));
}

}  // namespace
}  // namespace myelin::filter
