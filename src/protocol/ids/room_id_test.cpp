#include "protocol/ids/room_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace myelin::ids {
namespace {

// 43 characters of URL-safe base64 with both '-' and '_': the v12 room ID form.
const std::string kHash43 = "31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM";

TEST(RoomId, DomainForm) {
  auto id = RoomId::parse("!abcDEF123:example.org");
  ASSERT_TRUE(id);
  ASSERT_TRUE(id->server_name());
  EXPECT_EQ(id->server_name()->to_string(), "example.org");
  EXPECT_FALSE(id->is_create_event_hash());
  EXPECT_EQ(id->to_string(), "!abcDEF123:example.org");

  auto ip = RoomId::parse("!room:1.2.3.4:80");
  ASSERT_TRUE(ip);
  EXPECT_EQ(ip->server_name()->host(), "1.2.3.4");
  EXPECT_EQ(ip->server_name()->port(), 80);
}

// The opaque part is a localpart: any code points but ':' and NUL, control characters included.
TEST(RoomId, OpaquePartIsAlmostAnything) {
  EXPECT_TRUE(RoomId::parse("!any thing\xc3\xa4:1.2.3.4:80"));
  EXPECT_TRUE(RoomId::parse("!ctl\x01\x7f:example.org"));
  EXPECT_TRUE(RoomId::parse("!\xf0\x9f\x98\x80:example.org"));
  EXPECT_FALSE(RoomId::parse(std::string("!a\0b:example.org", 16)));
  EXPECT_FALSE(RoomId::parse("!\xff:example.org"));  // not UTF-8
}

TEST(RoomId, MissingOrEmptyParts) {
  for (auto bad : {"abc:example.org", "!:example.org", "!abc:", "!abc:bad host", "#abc:x.org",
                   "!abc", "", "!", "$abc:example.org", "!abc:example.org:0"}) {
    EXPECT_FALSE(RoomId::parse(bad)) << bad;
  }
}

TEST(RoomId, CreateEventHashFormOfV12) {
  auto id = RoomId::parse("!" + kHash43);
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->is_create_event_hash());
  EXPECT_FALSE(id->server_name());
  EXPECT_EQ(id->to_string(), "!" + kHash43);
  EXPECT_FALSE(RoomId::parse("!" + kHash43.substr(1)));                         // 42 characters
  EXPECT_FALSE(RoomId::parse("!" + kHash43 + "A"));                             // 44 characters
  EXPECT_FALSE(RoomId::parse("!+1hneApxJ/1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"));  // not URL-safe
  EXPECT_FALSE(RoomId::parse("$" + kHash43));  // the create event's ID, not its room's ID
  EXPECT_FALSE(RoomId::parse(kHash43));
}

TEST(RoomId, FormMustMatchTheRoomVersion) {
  for (const RoomVersion* v : known_room_versions()) {
    bool hash_form = v->room_id_is_create_event_hash;
    EXPECT_EQ(RoomId::parse("!abc:example.org", *v).has_value(), !hash_form) << v->id;
    EXPECT_EQ(RoomId::parse("!" + kHash43, *v).has_value(), hash_form) << v->id;
  }
  auto wrong = RoomId::parse("!abc:example.org", *find_room_version("12"));
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().find("no server name"), std::string::npos) << wrong.error();
}

TEST(RoomId, LengthLimitIs255Bytes) {
  std::string opaque(255 - 1 - 1 - 5, 'x');  // "!" + opaque + ":a.org" is 255 bytes
  EXPECT_TRUE(RoomId::parse("!" + opaque + ":a.org"));
  EXPECT_FALSE(RoomId::parse("!" + opaque + "x:a.org"));
}

TEST(RoomId, CaseSensitive) {
  EXPECT_FALSE(*RoomId::parse("!abc:example.org") == *RoomId::parse("!ABC:example.org"));
  EXPECT_TRUE(*RoomId::parse("!abc:example.org") == *RoomId::parse("!abc:example.org"));
}

}  // namespace
}  // namespace myelin::ids
