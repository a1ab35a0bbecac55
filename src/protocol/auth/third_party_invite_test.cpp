#include <gtest/gtest.h>

#include "protocol/auth/auth_test_room.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "protocol/json/canonical.hpp"

namespace myelin::auth {
namespace {

using testing::kAlice;
using testing::kBob;
using testing::kCarol;
using testing::parse_object;
using testing::TestRoom;

std::string a(std::string_view s) { return std::string(s); }

// An identity server's key and a room with alice's m.room.third_party_invite for token "tok".
class ThirdPartyInvite : public ::testing::TestWithParam<std::string> {
 protected:
  ThirdPartyInvite()
      : key_(crypto::SigningKey::generate("0")),
        listed_key_(crypto::SigningKey::generate("1")),
        room_(TestRoom::standard(GetParam(), "invite")) {
    room_.add({.type = "m.room.third_party_invite",
               .sender = a(kAlice),
               .state_key = "tok",
               .content = R"({"display_name":"b...@example.org",
                 "key_validity_url":"https://id.example/_matrix/identity/v2/pubkey/isvalid",
                 "public_key":")" +
                          key_.public_key_base64() + R"(","public_keys":[{"public_key":")" +
                          listed_key_.public_key_base64() +
                          R"(","key_validity_url":"https://id.example/isvalid"}]})"});
  }

  // The signed block an identity server hands out, signed by `key` as "id.example".
  static boost::json::object signed_block(const crypto::SigningKey& key,
                                          std::string_view mxid = kBob,
                                          std::string_view token = "tok") {
    boost::json::object block;
    block["mxid"] = mxid;
    block["token"] = token;
    crypto::sign_json(block, "id.example", key);
    return block;
  }

  Expected<Ok> invite(const boost::json::object& block, std::string_view sender = kAlice,
                      std::string_view target = kBob) {
    boost::json::object content;
    content["membership"] = "invite";
    content["third_party_invite"] =
        boost::json::object{{"display_name", "b...@example.org"}, {"signed", block}};
    return room_.check({.type = "m.room.member",
                        .sender = a(sender),
                        .state_key = a(target),
                        .content = json::encode_canonical(content)});
  }

  crypto::SigningKey key_;
  crypto::SigningKey listed_key_;
  TestRoom room_;
};

TEST_P(ThirdPartyInvite, SignedByTheInvitesPublicKeyIsAllowed) {
  EXPECT_TRUE(invite(signed_block(key_)));
  EXPECT_TRUE(invite(signed_block(listed_key_)));
}

TEST_P(ThirdPartyInvite, SignatureMustVerify) {
  crypto::SigningKey stranger = crypto::SigningKey::generate("0");
  EXPECT_FALSE(invite(signed_block(stranger)));
  boost::json::object tampered = signed_block(key_);
  tampered["extra"] = "added after signing";
  EXPECT_FALSE(invite(tampered));
  boost::json::object unsigned_block = signed_block(key_);
  unsigned_block.erase("signatures");
  EXPECT_FALSE(invite(unsigned_block));
}

TEST_P(ThirdPartyInvite, SignedBlockMustNameTheTargetAndAToken) {
  EXPECT_FALSE(invite(signed_block(key_, kCarol)));  // mxid is not the state_key
  boost::json::object no_mxid = parse_object(R"({"token":"tok"})");
  crypto::sign_json(no_mxid, "id.example", key_);
  EXPECT_FALSE(invite(no_mxid));
  EXPECT_FALSE(invite(signed_block(key_, kBob, "other-token")));  // no such invite event
  auto no_signed = room_.check({.type = "m.room.member",
                                .sender = a(kAlice),
                                .state_key = a(kBob),
                                .content = R"({"membership":"invite","third_party_invite":{}})"});
  EXPECT_FALSE(no_signed);
}

TEST_P(ThirdPartyInvite, OnlyTheInvitesSenderCanUseIt) {
  room_.force_member(kCarol, "join");
  EXPECT_FALSE(invite(signed_block(key_), kCarol));
}

TEST_P(ThirdPartyInvite, BannedTargetsCannotBeInvited) {
  room_.force({.type = "m.room.member",
               .sender = a(kAlice),
               .state_key = a(kBob),
               .content = R"({"membership":"ban"})"});
  EXPECT_FALSE(invite(signed_block(key_)));
}

INSTANTIATE_TEST_SUITE_P(RoomVersions, ThirdPartyInvite,
                         ::testing::Values("1", "3", "6", "10", "11", "12"));

}  // namespace
}  // namespace myelin::auth
