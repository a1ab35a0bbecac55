#include "services/sso/claim_template.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace myelin::services::sso {
namespace {

const boost::json::object kClaims = boost::json::parse(R"({
  "sub": "abc-123", "preferred_username": "Alice.Smith", "name": "Alice Smith",
  "email": "Alice@Example.org", "age": 42, "address": {"locality": "Paris"}, "nothing": null
})")
                                        .as_object();

TEST(ClaimTemplate, SubstitutesClaims) {
  EXPECT_EQ(render_claim_template("{{ user.preferred_username }}", kClaims), "Alice.Smith");
  EXPECT_EQ(render_claim_template("{{user.sub}}", kClaims), "abc-123");
  EXPECT_EQ(render_claim_template("Dr. {{ user.name }} ({{ user.sub }})", kClaims),
            "Dr. Alice Smith (abc-123)");
  EXPECT_EQ(render_claim_template("{{ user.address.locality }}", kClaims), "Paris");
  EXPECT_EQ(render_claim_template("{{ user.age }}", kClaims), "42");
  EXPECT_EQ(render_claim_template("no braces", kClaims), "no braces");
}

TEST(ClaimTemplate, MissingClaimsRenderEmpty) {
  EXPECT_EQ(render_claim_template("{{ user.missing }}", kClaims), "");
  EXPECT_EQ(render_claim_template("{{ user.nothing }}", kClaims), "");
  EXPECT_EQ(render_claim_template("{{ user.name.first }}", kClaims), "");
  EXPECT_EQ(render_claim_template("{{ other.name }}", kClaims), "");
  EXPECT_EQ(render_claim_template("x{{ user.name", kClaims), "x{{ user.name");
}

TEST(ClaimTemplate, Filters) {
  EXPECT_EQ(render_claim_template("{{ user.preferred_username | lower }}", kClaims), "alice.smith");
  EXPECT_EQ(render_claim_template("{{ user.name|upper }}", kClaims), "ALICE SMITH");
  EXPECT_EQ(render_claim_template("{{ user.email | localpart_from_email | lower }}", kClaims),
            "alice");
}

}  // namespace
}  // namespace myelin::services::sso
