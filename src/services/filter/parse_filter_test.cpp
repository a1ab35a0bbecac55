#include "services/filter/parse_filter.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace myelin::filter {
namespace {

boost::json::value js(std::string_view text) { return boost::json::parse(text); }

// The request example of POST /user/{userId}/filter, verbatim from the spec
// (data/api/client-server/filter.yaml); GET's response example is the same document.
constexpr std::string_view kSpecExample = R"({
  "room": {
    "state": {
      "types": ["m.room.*"],
      "not_rooms": ["!726s6s6q:example.com"]
    },
    "timeline": {
      "limit": 10,
      "types": ["m.room.message"],
      "not_rooms": ["!726s6s6q:example.com"],
      "not_senders": ["@spam:example.com"]
    },
    "ephemeral": {
      "types": ["m.receipt", "m.typing"],
      "not_rooms": ["!726s6s6q:example.com"],
      "not_senders": ["@spam:example.com"]
    }
  },
  "presence": {
    "types": ["m.presence"],
    "not_senders": ["@alice:example.com"]
  },
  "event_format": "client",
  "event_fields": ["type", "content", "sender"]
})";

using List = std::vector<std::string>;

TEST(ParseFilter, SpecExample) {
  auto parsed = parse_filter(js(kSpecExample));
  ASSERT_TRUE(parsed) << parsed.error();
  const Filter& f = *parsed;
  EXPECT_EQ(f.event_fields, (List{"type", "content", "sender"}));
  EXPECT_EQ(f.event_format, EventFormat::kClient);
  EXPECT_EQ(f.presence.types, (List{"m.presence"}));
  EXPECT_EQ(f.presence.not_senders, (List{"@alice:example.com"}));
  EXPECT_FALSE(f.presence.senders);
  EXPECT_FALSE(f.presence.limit);
  EXPECT_EQ(f.room.state.types, (List{"m.room.*"}));
  EXPECT_EQ(f.room.state.not_rooms, (List{"!726s6s6q:example.com"}));
  EXPECT_EQ(f.room.timeline.limit, 10);
  EXPECT_EQ(f.room.timeline.types, (List{"m.room.message"}));
  EXPECT_EQ(f.room.timeline.not_senders, (List{"@spam:example.com"}));
  EXPECT_EQ(f.room.ephemeral.types, (List{"m.receipt", "m.typing"}));
  EXPECT_FALSE(f.room.rooms);
  EXPECT_FALSE(f.room.include_leave);
  EXPECT_EQ(f.room.account_data, RoomEventFilter{});
  EXPECT_EQ(f.account_data, EventFilter{});
}

// GET returns what was uploaded: the spec's response example is its request example.
TEST(ParseFilter, ToJsonRoundTripsTheSpecExample) {
  auto parsed = parse_filter(js(kSpecExample));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(boost::json::value(to_json(*parsed)), js(kSpecExample));
  auto again = parse_filter(to_json(*parsed));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *parsed);
}

TEST(ParseFilter, EmptyFilterMeansDefaults) {
  auto parsed = parse_filter(js("{}"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, Filter{});
  EXPECT_EQ(parsed->format(), EventFormat::kClient);
  EXPECT_FALSE(parsed->lazy_load_members());
  EXPECT_TRUE(to_json(*parsed).empty());
}

TEST(ParseFilter, EveryField) {
  auto parsed = parse_filter(js(R"({
    "event_format": "federation",
    "account_data": {"limit": 3, "types": ["m.*"], "not_types": ["m.x"],
                     "senders": ["@a:x.org"]},
    "room": {
      "rooms": ["!a:x.org"], "not_rooms": ["!b:x.org"], "include_leave": true,
      "state": {"lazy_load_members": true, "include_redundant_members": true},
      "timeline": {"contains_url": false, "unread_thread_notifications": true,
                   "rooms": ["!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"]},
      "account_data": {"contains_url": true, "senders": []}
    },
    "x.unknown": {"ignored": true}
  })"));
  ASSERT_TRUE(parsed) << parsed.error();
  const Filter& f = *parsed;
  EXPECT_EQ(f.format(), EventFormat::kFederation);
  EXPECT_FALSE(f.event_fields);
  EXPECT_EQ(f.account_data.limit, 3);
  EXPECT_EQ(f.account_data.not_types, (List{"m.x"}));
  EXPECT_EQ(f.account_data.senders, (List{"@a:x.org"}));
  EXPECT_EQ(f.room.rooms, (List{"!a:x.org"}));
  EXPECT_EQ(f.room.not_rooms, (List{"!b:x.org"}));
  EXPECT_TRUE(f.room.include_leave);
  EXPECT_TRUE(f.lazy_load_members());
  EXPECT_TRUE(f.include_redundant_members());
  EXPECT_EQ(f.room.timeline.contains_url, false);
  EXPECT_TRUE(f.room.timeline.unread_thread_notifications);
  EXPECT_EQ(f.room.timeline.rooms, (List{"!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"}));
  EXPECT_EQ(f.room.account_data.contains_url, true);
  EXPECT_EQ(f.room.account_data.senders, List{});  // empty, not absent

  boost::json::object out = to_json(f);
  EXPECT_FALSE(out.contains("x.unknown"));
  EXPECT_EQ(out.at("event_format"), "federation");
  EXPECT_EQ(out.at("room").at("timeline").at("contains_url"), false);
  EXPECT_EQ(out.at("room").at("account_data").at("senders"), boost::json::array{});
  auto again = parse_filter(out);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, f);
}

// Booleans that are false are the defaults and render as absent.
TEST(ParseFilter, ToJsonOmitsFalseBooleans) {
  auto parsed = parse_filter(js(R"({"room": {"include_leave": false,
                                             "timeline": {"lazy_load_members": false}}})"));
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(to_json(*parsed).empty());
}

TEST(ParseFilter, Limits) {
  auto limit_of = [](std::string_view limit) -> Expected<std::int64_t> {
    auto f = parse_filter(
        js(std::string(R"({"room": {"timeline": {"limit": )") + std::string(limit) + "}}}"));
    if (!f) return fail(f.error());
    return *f->room.timeline.limit;
  };
  EXPECT_EQ(*limit_of("1"), 1);
  EXPECT_EQ(*limit_of("50000"), 50000);
  EXPECT_EQ(*limit_of("10.0"), 10);  // integral, though written as a double
  EXPECT_EQ(*limit_of("1e3"), 1000);
  EXPECT_EQ(*limit_of("18446744073709551615"), INT64_MAX);  // saturates
  EXPECT_EQ(*limit_of("1e300"), INT64_MAX);
  for (auto bad :
       {"0", "-1", "2.5", "-0.0", "-1e300", "0.5", "\"10\"", "true", "null", "[10]", "{}"}) {
    auto r = limit_of(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), "room.timeline.limit: must be a positive integer");
  }
}

TEST(ParseFilter, LimitOrCapsAndDefaults) {
  EventFilter f;
  EXPECT_EQ(f.limit_or(10, 1000), 10);
  f.limit = 5;
  EXPECT_EQ(f.limit_or(10, 1000), 5);
  f.limit = 50000;
  EXPECT_EQ(f.limit_or(10, 1000), 1000);
}

// Each wrong type is refused with the field's path.
TEST(ParseFilter, WrongTypesNameTheField) {
  struct Case {
    const char* json;
    const char* error;
  };
  const Case cases[] = {
      {"[]", "filter: must be an object"},
      {"\"x\"", "filter: must be an object"},
      {"null", "filter: must be an object"},
      {R"({"event_fields": "type"})", "event_fields: must be an array"},
      {R"({"event_fields": ["type", 1]})", "event_fields[1]: must be a string"},
      {R"({"event_format": "raw"})", R"(event_format: must be "client" or "federation")"},
      {R"({"event_format": 1})", R"(event_format: must be "client" or "federation")"},
      {R"({"presence": []})", "presence: must be an object"},
      {R"({"presence": null})", "presence: must be an object"},
      {R"({"presence": {"types": "m.presence"}})", "presence.types: must be an array"},
      {R"({"presence": {"not_types": [null]}})", "presence.not_types[0]: must be a string"},
      {R"({"account_data": {"senders": ["alice"]}})", "account_data.senders[0]: must be a user ID"},
      {R"({"account_data": {"not_senders": ["@a:x.org", "@b"]}})",
       "account_data.not_senders[1]: must be a user ID"},
      {R"({"account_data": {"limit": 0}})", "account_data.limit: must be a positive integer"},
      {R"({"room": 1})", "room: must be an object"},
      {R"({"room": {"rooms": ["#alias:x.org"]}})", "room.rooms[0]: must be a room ID"},
      {R"({"room": {"not_rooms": {}}})", "room.not_rooms: must be an array"},
      {R"({"room": {"include_leave": "true"}})", "room.include_leave: must be a boolean"},
      {R"({"room": {"include_leave": null}})", "room.include_leave: must be a boolean"},
      {R"({"room": {"state": []}})", "room.state: must be an object"},
      {R"({"room": {"ephemeral": {"rooms": ["!a"]}}})",
       "room.ephemeral.rooms[0]: must be a room ID"},
      {R"({"room": {"timeline": {"not_rooms": [1]}}})",
       "room.timeline.not_rooms[0]: must be a room ID"},
      {R"({"room": {"timeline": {"contains_url": 1}}})",
       "room.timeline.contains_url: must be a boolean"},
      {R"({"room": {"state": {"lazy_load_members": "yes"}}})",
       "room.state.lazy_load_members: must be a boolean"},
      {R"({"room": {"state": {"include_redundant_members": 0}}})",
       "room.state.include_redundant_members: must be a boolean"},
      {R"({"room": {"timeline": {"unread_thread_notifications": []}}})",
       "room.timeline.unread_thread_notifications: must be a boolean"},
      {R"({"room": {"account_data": {"senders": [""]}}})",
       "room.account_data.senders[0]: must be a user ID"},
      {R"({"room": {"account_data": {"types": [["m.tag"]]}}})",
       "room.account_data.types[0]: must be a string"},
  };
  for (const Case& c : cases) {
    auto r = parse_filter(js(c.json));
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error(), c.error) << c.json;
  }
}

// Synapse checks user IDs with the historical grammar: any localpart, a valid server name.
TEST(ParseFilter, SendersUseTheHistoricalUserIdGrammar) {
  EXPECT_TRUE(parse_filter(js(R"({"presence": {"senders": ["@Alice Smith:x.org"]}})")));
  EXPECT_FALSE(parse_filter(js(R"({"presence": {"senders": ["@alice:bad host"]}})")));
  EXPECT_FALSE(parse_filter(js(R"({"presence": {"senders": ["@alice"]}})")));
}

TEST(ParseRoomEventFilter, MessagesFilter) {
  auto parsed = parse_room_event_filter(
      js(R"({"lazy_load_members": true, "limit": 20, "types": ["m.room.message"],
             "not_senders": ["@spam:example.com"], "contains_url": true})"));
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_TRUE(parsed->lazy_load_members);
  EXPECT_EQ(parsed->limit, 20);
  EXPECT_EQ(parsed->contains_url, true);
  EXPECT_EQ(parsed->not_senders, (List{"@spam:example.com"}));
  auto again = parse_room_event_filter(to_json(*parsed));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *parsed);

  auto bad = parse_room_event_filter(js(R"({"rooms": "!a:x.org"})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "rooms: must be an array");
  EXPECT_FALSE(parse_room_event_filter(js("[]")));
}

TEST(ParseFilter, InlineFilterParameter) {
  EXPECT_TRUE(is_inline_filter(R"({"room":{}})"));
  EXPECT_FALSE(is_inline_filter("66696p746572"));
  EXPECT_FALSE(is_inline_filter(""));
  EXPECT_FALSE(is_inline_filter(" {"));
}

}  // namespace
}  // namespace myelin::filter
