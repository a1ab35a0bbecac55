#include "protocol/ids/user_id.hpp"

#include <gtest/gtest.h>

namespace myelin::ids {
namespace {

TEST(UserId, CurrentGrammar) {
  auto id = UserId::parse("@alice:example.org");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->localpart(), "alice");
  EXPECT_EQ(id->server_name().to_string(), "example.org");
  EXPECT_TRUE(id->is_compliant());
  EXPECT_TRUE(UserId::parse("@a.b_c=d-e/f+g9:[::1]:8448"));
  EXPECT_EQ(UserId::parse("@a:[::1]:8448")->server_name().port(), 8448);
  for (auto bad : {"alice:example.org", "@alice", "@:example.org", "@Alice:example.org",
                   "@al ice:example.org", "@al#ice:example.org", "@alice:", "@alice:bad host",
                   "@ä:example.org", "#alice:example.org"}) {
    EXPECT_FALSE(UserId::parse(bad)) << bad;
  }
}

TEST(UserId, HistoricalGrammarForFederation) {
  for (auto old : {"@Alice:example.org", "@:example.org", "@al ice:example.org",
                   "@\xc3\xa4:example.org", "@a\x01:example.org"}) {
    auto id = UserId::parse(old, UserIdGrammar::kHistorical);
    ASSERT_TRUE(id) << old;
  }
  EXPECT_TRUE(UserId::parse("@Alice:example.org", UserIdGrammar::kHistorical)->is_compliant());
  EXPECT_FALSE(UserId::parse("@:example.org", UserIdGrammar::kHistorical)->is_compliant());
  EXPECT_FALSE(UserId::parse("@al ice:example.org", UserIdGrammar::kHistorical)->is_compliant());
  // ':' ends the localpart, so the rest must be a valid server name.
  EXPECT_FALSE(UserId::parse("@a:b:c:example.org", UserIdGrammar::kHistorical));
  EXPECT_FALSE(
      UserId::parse(std::string_view("@a\0b:example.org", 16), UserIdGrammar::kHistorical));
}

TEST(UserId, LengthLimitIs255Bytes) {
  std::string server = "example.org";
  std::string localpart(255 - 2 - server.size(), 'a');
  EXPECT_TRUE(UserId::parse("@" + localpart + ":" + server));
  EXPECT_FALSE(UserId::parse("@" + localpart + "a:" + server));
  EXPECT_FALSE(UserId::parse("@" + localpart + "a:" + server, UserIdGrammar::kHistorical));
}

TEST(UserId, RegistrationLocalparts) {
  EXPECT_TRUE(is_valid_user_localpart("alice"));
  EXPECT_TRUE(is_valid_user_localpart("a.b_c=d-e/f+g0"));
  EXPECT_FALSE(is_valid_user_localpart(""));
  EXPECT_FALSE(is_valid_user_localpart("Alice"));
  EXPECT_FALSE(is_valid_user_localpart("alice:x"));
  EXPECT_FALSE(is_valid_user_localpart("al*ce"));
  auto made = UserId::make("bob", *ServerName::parse("example.org"));
  ASSERT_TRUE(made);
  EXPECT_EQ(made->to_string(), "@bob:example.org");
  EXPECT_FALSE(UserId::make("Bob", *ServerName::parse("example.org")));
}

}  // namespace
}  // namespace myelin::ids
