#include "services/filter/event_fields.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace myelin::filter {
namespace {

using List = std::vector<std::string>;

boost::json::object obj(std::string_view text) { return boost::json::parse(text).as_object(); }

// The spec appendix's examples ("Dot-separated property paths").
TEST(SplitFieldPath, SpecExamples) {
  EXPECT_EQ(split_field_path("content.body"), (List{"content", "body"}));
  EXPECT_EQ(split_field_path(R"(content.m\.relates_to)"), (List{"content", "m.relates_to"}));
  EXPECT_EQ(split_field_path(R"(content.m\\foo)"), (List{"content", R"(m\foo)"}));
  // "Other escape sequences are left as-is": a literal backslash followed by 'x'.
  EXPECT_EQ(split_field_path(R"(content.\x)"), (List{"content", R"(\x)"}));
}

TEST(SplitFieldPath, EdgeCases) {
  EXPECT_EQ(split_field_path("type"), (List{"type"}));
  EXPECT_EQ(split_field_path(""), (List{""}));
  EXPECT_EQ(split_field_path("a..b"), (List{"a", "", "b"}));
  EXPECT_EQ(split_field_path("a."), (List{"a", ""}));
  EXPECT_EQ(split_field_path(R"(a\)"), (List{R"(a\)"}));  // trailing backslash is itself
  // "\\." is an escaped backslash, then a separator.
  EXPECT_EQ(split_field_path(R"(a\\.b)"), (List{R"(a\)", "b"}));
  EXPECT_EQ(split_field_path(R"(a\\\.b)"), (List{R"(a\.b)"}));
}

const char* kEvent = R"({
  "type": "m.room.message",
  "sender": "@alice:example.com",
  "event_id": "$abc",
  "origin_server_ts": 1432735824653,
  "content": {
    "body": "hello",
    "msgtype": "m.text",
    "m.relates_to": {"rel_type": "m.thread", "event_id": "$root"},
    "m\\foo": 1,
    "list": [1, 2]
  },
  "unsigned": {"age": 1234}
})";

// The spec's example filter: "event_fields": ["type", "content", "sender"].
TEST(ProjectEventFields, SpecExampleFields) {
  List fields{"type", "content", "sender"};
  boost::json::object out = project_event_fields(obj(kEvent), fields);
  boost::json::object expected = obj(kEvent);
  expected.erase("event_id");
  expected.erase("origin_server_ts");
  expected.erase("unsigned");
  EXPECT_EQ(out, expected);
}

TEST(ProjectEventFields, NestedAndEscaped) {
  List fields{"content.body", R"(content.m\.relates_to.rel_type)", R"(content.m\\foo)"};
  EXPECT_EQ(project_event_fields(obj(kEvent), fields),
            obj(R"({"content": {"body": "hello", "m.relates_to": {"rel_type": "m.thread"},
                                "m\\foo": 1}})"));
}

TEST(ProjectEventFields, MissingAndNonObjectPathsSelectNothing) {
  List fields{"content.missing", "type.length", "content.list.0", "nope", "unsigned.age"};
  EXPECT_EQ(project_event_fields(obj(kEvent), fields), obj(R"({"unsigned": {"age": 1234}})"));
  // An unescaped dot does not reach a dotted key.
  List dotted{"content.m.relates_to"};
  EXPECT_TRUE(project_event_fields(obj(kEvent), dotted).empty());
}

TEST(ProjectEventFields, OverlappingPathsGiveTheUnion) {
  const auto whole =
      obj(R"({"content": )" + boost::json::serialize(obj(kEvent).at("content")) + "}");
  List deeper_first{"content.body", "content"};
  List whole_first{"content", "content.body"};
  EXPECT_EQ(project_event_fields(obj(kEvent), deeper_first), whole);
  EXPECT_EQ(project_event_fields(obj(kEvent), whole_first), whole);
  List siblings{"content.body", "content.msgtype", "content.body"};
  EXPECT_EQ(project_event_fields(obj(kEvent), siblings),
            obj(R"({"content": {"body": "hello", "msgtype": "m.text"}})"));
}

TEST(ProjectEventFields, EmptyListKeepsEverything) {
  EXPECT_EQ(project_event_fields(obj(kEvent), {}), obj(kEvent));
}

}  // namespace
}  // namespace myelin::filter
