#include "protocol/ids/room_alias.hpp"

#include <gtest/gtest.h>

#include <string>

namespace myelin::ids {
namespace {

TEST(RoomAlias, Grammar) {
  auto alias = RoomAlias::parse("#room:example.org");
  ASSERT_TRUE(alias);
  EXPECT_EQ(alias->localpart(), "room");
  EXPECT_EQ(alias->server_name().to_string(), "example.org");
  EXPECT_EQ(alias->to_string(), "#room:example.org");

  auto with_port = RoomAlias::parse("#room:[1234:5678::abcd]:5678");
  ASSERT_TRUE(with_port);
  EXPECT_EQ(with_port->server_name().port(), 5678);
}

// "Any valid non-surrogate Unicode codepoints except ':' and NUL".
TEST(RoomAlias, LocalpartIsAlmostAnything) {
  EXPECT_TRUE(RoomAlias::parse("#Caf\xc3\xa9 Chat!:example.org"));
  EXPECT_TRUE(RoomAlias::parse("#UPPER/case+=#@$:example.org"));
  EXPECT_TRUE(RoomAlias::parse("#\xf0\x9f\x98\x80:example.org"));
  EXPECT_TRUE(RoomAlias::parse("#tab\there:example.org"));
  EXPECT_FALSE(RoomAlias::parse(std::string("#a\0b:example.org", 16)));
  EXPECT_FALSE(RoomAlias::parse("#\xed\xa0\x80:example.org"));  // a surrogate
  EXPECT_FALSE(RoomAlias::parse("#\xc3:example.org"));          // truncated UTF-8
  // The first ':' ends the localpart; what follows must be a server name.
  EXPECT_FALSE(RoomAlias::parse("#a:b:example.org"));
}

TEST(RoomAlias, MissingParts) {
  for (auto bad : {"room:example.org", "#:example.org", "#room", "#room:", "!room:example.org",
                   "@room:example.org", "", "#", "#room:exa mple.org"}) {
    EXPECT_FALSE(RoomAlias::parse(bad)) << bad;
  }
}

TEST(RoomAlias, LengthLimitIs255Bytes) {
  std::string localpart(255 - 1 - 1 - 5, 'r');  // "#" + localpart + ":a.org" is 255 bytes
  EXPECT_TRUE(RoomAlias::parse("#" + localpart + ":a.org"));
  EXPECT_FALSE(RoomAlias::parse("#" + localpart + "r:a.org"));
  // Bytes, not characters: 126 two-byte characters make 252 bytes.
  std::string wide;
  for (int i = 0; i < 126; ++i) wide += "\xc3\xa9";
  EXPECT_TRUE(RoomAlias::parse("#" + wide + ":a"));    // 255 bytes
  EXPECT_FALSE(RoomAlias::parse("#" + wide + ":ab"));  // 256 bytes
}

}  // namespace
}  // namespace myelin::ids
