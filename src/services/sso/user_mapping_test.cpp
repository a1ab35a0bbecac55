#include "services/sso/user_mapping.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace myelin::services::sso {
namespace {

TEST(MapUsername, LowerCasesAndEscapesLikeSynapse) {
  EXPECT_EQ(map_username_to_localpart("Alice"), "alice");
  EXPECT_EQ(map_username_to_localpart("alice.smith-1_x=y/z+w"), "alice.smith-1_x=y/z+w");
  EXPECT_EQ(map_username_to_localpart("Alice Smith"), "alice=20smith");
  EXPECT_EQ(map_username_to_localpart("a@b:c"), "a=40b=3ac");
  EXPECT_EQ(map_username_to_localpart("_hidden"), "=_hidden");
  EXPECT_EQ(map_username_to_localpart("José"), "jos=c3=a9");
  EXPECT_EQ(map_username_to_localpart(""), "");
}

TEST(AttributeRequirements, ValuesListsAndAbsence) {
  const boost::json::object claims =
      boost::json::parse(R"({"groups": ["staff", "admins"], "dept": "eng", "level": 3})")
          .as_object();
  using Req = config::OidcAttributeRequirement;
  EXPECT_TRUE(meets_requirements(claims, {}));
  EXPECT_TRUE(meets_requirements(claims, {Req{"groups", {"staff"}}}));
  EXPECT_TRUE(meets_requirements(claims, {Req{"dept", {"ops", "eng"}}}));
  EXPECT_TRUE(meets_requirements(claims, {Req{"groups", {"admins"}}, Req{"dept", {"eng"}}}));
  EXPECT_FALSE(meets_requirements(claims, {Req{"groups", {"guests"}}}));
  EXPECT_FALSE(meets_requirements(claims, {Req{"groups", {"staff"}}, Req{"dept", {"ops"}}}));
  EXPECT_FALSE(meets_requirements(claims, {Req{"missing", {"x"}}}));
  EXPECT_FALSE(meets_requirements(claims, {Req{"level", {"3"}}}));  // not a string
}

TEST(ClientRedirectUrl, OnlyHttp) {
  EXPECT_TRUE(valid_client_redirect_url("https://app.element.io/#/home"));
  EXPECT_TRUE(valid_client_redirect_url("http://127.0.0.1:1234/cb?x=1"));
  EXPECT_FALSE(valid_client_redirect_url("javascript:alert(1)"));
  EXPECT_FALSE(valid_client_redirect_url("data:text/html,hi"));
  EXPECT_FALSE(valid_client_redirect_url("//evil.example/"));
  EXPECT_FALSE(valid_client_redirect_url("im.vector.app://connect"));
}

}  // namespace
}  // namespace myelin::services::sso
