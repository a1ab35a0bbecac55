#include "protocol/ids/user_id.hpp"

#include <gtest/gtest.h>

#include <string>

namespace myelin::ids {
namespace {

TEST(UserId, CurrentGrammar) {
  auto id = UserId::parse("@user:matrix.org");  // the spec's example
  ASSERT_TRUE(id);
  EXPECT_EQ(id->localpart(), "user");
  EXPECT_EQ(id->server_name().to_string(), "matrix.org");
  EXPECT_EQ(id->to_string(), "@user:matrix.org");
  EXPECT_TRUE(id->is_compliant());
  // Every character of user_id_char.
  EXPECT_TRUE(UserId::parse("@abcxyz0189.-=_/+:example.org"));
  auto ipv6 = UserId::parse("@a:[::1]:8448");
  ASSERT_TRUE(ipv6);
  EXPECT_EQ(ipv6->server_name().host(), "[::1]");
  EXPECT_EQ(ipv6->server_name().port(), 8448);
}

TEST(UserId, CurrentGrammarRejects) {
  for (auto bad :
       {"@Alice:example.org", "@USER:matrix.org", "@al ice:example.org", "@al#ice:example.org",
        "@al*ce:example.org", "@\xc3\xa4:example.org", "@a\x01:example.org"}) {
    EXPECT_FALSE(UserId::parse(bad)) << bad;
  }
}

TEST(UserId, MissingOrEmptyParts) {
  for (auto bad : {"alice:example.org", "@alice", "@:example.org", "@alice:", "@alice:bad host",
                   "#alice:example.org", "!alice:example.org", "", "@", ":example.org",
                   "@alice:example.org:", "@alice:example.org:65536"}) {
    EXPECT_FALSE(UserId::parse(bad)) << bad;
    if (std::string_view(bad) != "@:example.org") {
      EXPECT_FALSE(UserId::parse(bad, UserIdGrammar::kHistorical)) << bad;
    }
  }
}

// Spec "Historical User IDs": any non-surrogate code points except ':' and NUL, "including other
// control characters and the empty string"; outside U+0021–U+007E or empty is non-compliant.
TEST(UserId, HistoricalGrammarForFederation) {
  for (auto old :
       {"@Alice:example.org", "@:example.org", "@al ice:example.org", "@\xc3\xa4:example.org",
        "@a\x01:example.org", "@a*b!c~d:example.org", "@\xf0\x9f\x98\x80:example.org"}) {
    EXPECT_TRUE(UserId::parse(old, UserIdGrammar::kHistorical)) << old;
  }
  EXPECT_TRUE(UserId::parse("@Alice:example.org", UserIdGrammar::kHistorical)->is_compliant());
  EXPECT_TRUE(UserId::parse("@a*b!c~d:example.org", UserIdGrammar::kHistorical)->is_compliant());
  EXPECT_FALSE(UserId::parse("@:example.org", UserIdGrammar::kHistorical)->is_compliant());
  EXPECT_FALSE(UserId::parse("@al ice:example.org", UserIdGrammar::kHistorical)->is_compliant());
  EXPECT_FALSE(UserId::parse("@\xc3\xa4:example.org", UserIdGrammar::kHistorical)->is_compliant());
  // ':' ends the localpart, so the rest must be a valid server name.
  EXPECT_FALSE(UserId::parse("@a:b:c:example.org", UserIdGrammar::kHistorical));
  EXPECT_FALSE(
      UserId::parse(std::string_view("@a\0b:example.org", 16), UserIdGrammar::kHistorical));
  // Bytes that are no code point at all: invalid UTF-8, an encoded surrogate.
  EXPECT_FALSE(UserId::parse("@a\xff:example.org", UserIdGrammar::kHistorical));
  EXPECT_FALSE(UserId::parse("@\xed\xa0\x80:example.org", UserIdGrammar::kHistorical));
}

TEST(UserId, LengthLimitIs255Bytes) {
  std::string server = "example.org";
  std::string localpart(255 - 2 - server.size(), 'a');
  EXPECT_TRUE(UserId::parse("@" + localpart + ":" + server));
  EXPECT_FALSE(UserId::parse("@" + localpart + "a:" + server));
  EXPECT_TRUE(UserId::parse("@" + localpart + ":" + server, UserIdGrammar::kHistorical));
  EXPECT_FALSE(UserId::parse("@" + localpart + "a:" + server, UserIdGrammar::kHistorical));
  auto error = UserId::parse("@" + localpart + "a:" + server);
  EXPECT_NE(error.error().find("255"), std::string::npos) << error.error();
}

TEST(UserId, CaseSensitiveEquality) {
  auto lower = UserId::parse("@user:matrix.org");
  auto upper = UserId::parse("@user:MATRIX.ORG");
  ASSERT_TRUE(lower && upper);
  EXPECT_FALSE(*lower == *upper);  // spec: "a different person"
}

TEST(UserId, RegistrationLocalparts) {
  EXPECT_TRUE(check_user_localpart("alice"));
  EXPECT_TRUE(check_user_localpart("a.b_c=d-e/f+g0"));
  EXPECT_TRUE(is_valid_user_localpart("alice"));
  EXPECT_FALSE(is_valid_user_localpart(""));
  EXPECT_FALSE(is_valid_user_localpart("alice:x"));
  EXPECT_FALSE(is_valid_user_localpart("al*ce"));
  EXPECT_FALSE(is_valid_user_localpart("\xc3\xa9"));
  EXPECT_EQ(check_user_localpart("").error(), "user ID localpart is empty");
  EXPECT_EQ(check_user_localpart("Alice").error(), "user ID localpart must be lower case");
  EXPECT_NE(check_user_localpart("a b").error().find("may only contain"), std::string::npos);
}

TEST(UserId, MakeForThisServer) {
  auto server = ServerName::parse("example.org");
  ASSERT_TRUE(server);
  auto made = UserId::make("bob", *server);
  ASSERT_TRUE(made);
  EXPECT_EQ(made->to_string(), "@bob:example.org");
  EXPECT_EQ(made->localpart(), "bob");
  EXPECT_FALSE(UserId::make("Bob", *server));
  EXPECT_FALSE(UserId::make("", *server));
  auto colon = UserId::make("bob:evil.org", *server);
  ASSERT_FALSE(colon);
  EXPECT_NE(colon.error().find("may only contain"), std::string::npos) << colon.error();
  // A valid localpart can still make a user ID over 255 bytes.
  std::string longest(255 - 2 - 11, 'b');
  EXPECT_TRUE(UserId::make(longest, *server));
  EXPECT_FALSE(UserId::make(longest + "b", *server));
}

}  // namespace
}  // namespace myelin::ids
