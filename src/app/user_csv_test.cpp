#include "app/user_csv.hpp"

#include <gtest/gtest.h>

namespace myelin::app {
namespace {

TEST(UserCsv, ReadsColumnsByHeaderInAnyOrder) {
  auto rows = parse_user_csv(
      "password,username,admin,displayname,user_type\n"
      "pw1,alice,true,\"Alice, A.\",\n"
      " pw2 , bob ,no,,bot\n"
      "pw3,carol,,,\n");
  ASSERT_TRUE(rows.has_value()) << rows.error();
  ASSERT_EQ(rows->size(), 3u);
  const NewUser& alice = *(*rows)[0].user;
  EXPECT_EQ(alice.username, "alice");
  EXPECT_EQ(alice.password, "pw1");
  EXPECT_TRUE(alice.admin);
  EXPECT_EQ(alice.displayname, "Alice, A.");
  EXPECT_FALSE(alice.user_type.has_value());
  const NewUser& bob = *(*rows)[1].user;
  EXPECT_EQ(bob.username, "bob");
  EXPECT_EQ(bob.password, " pw2 ");  // passwords are taken verbatim
  EXPECT_FALSE(bob.admin);
  EXPECT_FALSE(bob.displayname.has_value());
  EXPECT_EQ(bob.user_type, "bot");
  EXPECT_FALSE((*rows)[2].user->admin);
  EXPECT_EQ((*rows)[2].line, 4u);
}

TEST(UserCsv, OnlyUsernameAndPasswordAreRequired) {
  auto rows = parse_user_csv("username,password\r\ndan,secret\r\n");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_FALSE((*rows)[0].user->admin);
}

TEST(UserCsv, BadRowsFailAlone) {
  auto rows = parse_user_csv(
      "username,password,admin\n"
      "ok,pw,false\n"
      "flag,pw,maybe\n"
      "short,pw\n"
      ",pw,false\n"
      "nopass,,true\n");
  ASSERT_TRUE(rows.has_value()) << rows.error();
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_TRUE((*rows)[0].user.has_value());
  EXPECT_FALSE((*rows)[1].user.has_value());
  EXPECT_EQ((*rows)[1].username, "flag");
  EXPECT_NE((*rows)[1].error.find("admin must be true or false"), std::string::npos);
  EXPECT_EQ((*rows)[2].error, "2 fields where the header has 3");
  EXPECT_EQ((*rows)[3].error, "username is empty");
  EXPECT_EQ((*rows)[4].error, "password is empty");
}

TEST(UserCsv, BadHeadersFailTheFile) {
  EXPECT_FALSE(parse_user_csv("").has_value());
  auto unknown = parse_user_csv("username,password,email\n");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().find("unknown column \"email\""), std::string::npos);
  auto missing = parse_user_csv("username,admin\nx,true\n");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().find("no \"password\" column"), std::string::npos);
  EXPECT_FALSE(parse_user_csv("username,username,password\n").has_value());
  EXPECT_FALSE(parse_user_csv("username,password\n\"x,pw\n").has_value());
}

TEST(UserCsv, YesNo) {
  EXPECT_EQ(parse_yes_no("TRUE"), true);
  EXPECT_EQ(parse_yes_no("yes"), true);
  EXPECT_EQ(parse_yes_no("1"), true);
  EXPECT_EQ(parse_yes_no("False"), false);
  EXPECT_EQ(parse_yes_no(""), false);
  EXPECT_EQ(parse_yes_no("maybe"), std::nullopt);
}

}  // namespace
}  // namespace myelin::app
