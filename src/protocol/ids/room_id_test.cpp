#include "protocol/ids/room_id.hpp"

#include <gtest/gtest.h>

#include "protocol/ids/event_id.hpp"
#include "protocol/ids/room_alias.hpp"

namespace myelin::ids {
namespace {

const std::string kHash43 = "31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM";

TEST(RoomId, DomainForm) {
  auto id = RoomId::parse("!abcDEF123:example.org");
  ASSERT_TRUE(id);
  ASSERT_TRUE(id->server_name());
  EXPECT_EQ(id->server_name()->to_string(), "example.org");
  EXPECT_FALSE(id->is_create_event_hash());
  EXPECT_TRUE(RoomId::parse("!any thing\xc3\xa4:1.2.3.4:80"));
  for (auto bad :
       {"abc:example.org", "!:example.org", "!abc:", "!abc:bad host", "#abc:x.org", "!abc"}) {
    EXPECT_FALSE(RoomId::parse(bad)) << bad;
  }
}

TEST(RoomId, CreateEventHashFormOfV12) {
  auto id = RoomId::parse("!" + kHash43);
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->is_create_event_hash());
  EXPECT_FALSE(id->server_name());
  EXPECT_FALSE(RoomId::parse("!" + kHash43.substr(1)));                         // 42 characters
  EXPECT_FALSE(RoomId::parse("!" + kHash43 + "A"));                             // 44 characters
  EXPECT_FALSE(RoomId::parse("!+1hneApxJ/1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"));  // not URL-safe
}

TEST(RoomId, FormMustMatchTheRoomVersion) {
  const RoomVersion& v11 = *find_room_version("11");
  const RoomVersion& v12 = *find_room_version("12");
  EXPECT_TRUE(RoomId::parse("!abc:example.org", v11));
  EXPECT_FALSE(RoomId::parse("!abc:example.org", v12));
  EXPECT_TRUE(RoomId::parse("!" + kHash43, v12));
  EXPECT_FALSE(RoomId::parse("!" + kHash43, v11));
}

TEST(RoomId, LengthLimit) {
  std::string opaque(255 - 1 - 1 - 5, 'x');
  EXPECT_TRUE(RoomId::parse("!" + opaque + ":a.org"));
  EXPECT_FALSE(RoomId::parse("!" + opaque + "x:a.org"));
}

TEST(EventId, EveryFormatAgainstEveryVersion) {
  std::string v1_id = "$abc123:example.org";
  std::string v3_id = "$+1hneApxJ/1o+63DmFrpeqnkFfWppnzWso1JvH3ogLM";
  std::string v4_id = "$" + kHash43;
  for (const RoomVersion* v : known_room_versions()) {
    bool v1_format = v->event_format == EventFormat::kV1;
    bool v3_format = v->event_format == EventFormat::kV2;
    EXPECT_EQ(check_event_id(v1_id, *v).has_value(), v1_format) << v->id;
    EXPECT_EQ(check_event_id(v3_id, *v).has_value(), v3_format) << v->id;
    // A hash of only alphanumerics is valid in both alphabets.
    EXPECT_EQ(check_event_id(v4_id, *v).has_value(), !v1_format && !v3_format) << v->id;
  }
  const RoomVersion& v1 = *find_room_version("1");
  EXPECT_FALSE(check_event_id("abc:example.org", v1));
  EXPECT_FALSE(check_event_id("$abc", v1));
  EXPECT_FALSE(check_event_id("$" + std::string(250, 'a') + ":a.org", v1));
  EXPECT_FALSE(check_event_id("$" + kHash43.substr(2), *find_room_version("10")));
}

TEST(RoomAlias, Grammar) {
  auto alias = RoomAlias::parse("#room:example.org");
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->localpart(), "room");
  EXPECT_EQ(alias->server_name().to_string(), "example.org");
  EXPECT_TRUE(RoomAlias::parse("#Caf\xc3\xa9 Chat!:example.org"));
  for (auto bad : {"room:example.org", "#:example.org", "#room", "#room:", "!room:example.org"}) {
    EXPECT_FALSE(RoomAlias::parse(bad)) << bad;
  }
  std::string localpart(255 - 1 - 1 - 5, 'r');
  EXPECT_TRUE(RoomAlias::parse("#" + localpart + ":a.org"));
  EXPECT_FALSE(RoomAlias::parse("#" + localpart + "r:a.org"));
}

}  // namespace
}  // namespace myelin::ids
