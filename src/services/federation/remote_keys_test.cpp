// End-to-end encryption keys across two real homeservers (KeyService on one asking
// FederationReads on the other through the federation transport): remote device keys and
// one-time keys, and what the serving side refuses to answer for.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "services/e2ee/key_service.hpp"
#include "services/federation/two_homeserver_test.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;
using testing::TwoHomeserverTest;

class RemoteKeysTest : public TwoHomeserverTest {
 protected:
  RemoteKeysTest() : resident_keys_(resident_.ctx()), joiner_keys_(joiner_.ctx()) {
    resident_keys_.set_transport(&resident_transport_);
    joiner_keys_.set_transport(&joiner_transport_);
    alice_ = resident_.register_user("alice");
    bob_ = joiner_.register_user("bob");
    resident_.store().accounts.upsert_device({alice_, "ALICE1", "Alice's phone", 1, "10.0.0.1"});
    resident_.store().accounts.upsert_device({alice_, "ALICE2", std::nullopt, 1, "10.0.0.1"});
  }

  bj::object device_keys(const std::string& device_id) {
    return bj::object{
        {"user_id", alice_},
        {"device_id", device_id},
        {"algorithms", bj::array{"m.olm.v1.curve25519-aes-sha2"}},
        {"keys", bj::object{{"curve25519:" + device_id, "curve-" + device_id},
                            {"ed25519:" + device_id, "ed-" + device_id}}},
        {"signatures", bj::object{{alice_, bj::object{{"ed25519:" + device_id, "s"}}}}}};
  }

  void upload_alice_keys() {
    run(resident_keys_.upload(
        alice_, "ALICE1",
        {{"device_keys", device_keys("ALICE1")},
         {"one_time_keys", bj::object{{"signed_curve25519:AAAA", bj::object{{"key", "otk1"}}},
                                      {"signed_curve25519:AAAB", bj::object{{"key", "otk2"}}}}},
         {"fallback_keys",
          bj::object{{"signed_curve25519:FFFF", bj::object{{"key", "fb"}, {"fallback", true}}}}}}));
  }

  KeyService resident_keys_;
  KeyService joiner_keys_;
  std::string alice_;
  std::string bob_;
};

TEST_F(RemoteKeysTest, RemoteUsersDeviceKeysComeFromTheirServer) {
  upload_alice_keys();
  bj::object answer = run(joiner_keys_.query(bob_, {{alice_, {}}}, KeyService::kDefaultTimeout));
  EXPECT_TRUE(answer.at("failures").as_object().empty());
  const bj::object& devices = answer.at("device_keys").at(alice_).as_object();
  ASSERT_EQ(devices.size(), 1u);  // ALICE2 uploaded nothing
  EXPECT_EQ(devices.at("ALICE1").at("keys").at("ed25519:ALICE1"), "ed-ALICE1");
  // Device names stay on their server (Synapse's allow_device_name_lookup_over_federation off).
  EXPECT_TRUE(devices.at("ALICE1").at("unsigned").as_object().empty());
  EXPECT_EQ(joiner_transport_.requests,
            std::vector<std::string>{"resident.test POST /_matrix/federation/v1/user/keys/query"});
}

TEST_F(RemoteKeysTest, RemoteClaimsTakeEachOneTimeKeyOnceThenTheFallbackKey) {
  upload_alice_keys();
  OneTimeKeysClaim claim{{alice_, {{"ALICE1", "signed_curve25519"}}}};
  std::set<std::string> given;
  for (int i = 0; i < 3; ++i) {
    bj::object answer = run(joiner_keys_.claim(claim, KeyService::kDefaultTimeout));
    EXPECT_TRUE(answer.at("failures").as_object().empty());
    const bj::object& keys = answer.at("one_time_keys").at(alice_).at("ALICE1").as_object();
    ASSERT_EQ(keys.size(), 1u);
    given.insert(std::string(keys.begin()->key()));
  }
  EXPECT_EQ(given, (std::set<std::string>{"signed_curve25519:AAAA", "signed_curve25519:AAAB",
                                          "signed_curve25519:FFFF"}));
  EXPECT_TRUE(resident_.store().e2ee_keys.one_time_key_counts(alice_, "ALICE1").empty());
  EXPECT_TRUE(resident_.store().e2ee_keys.unused_fallback_key_types(alice_, "ALICE1").empty());
}

TEST_F(RemoteKeysTest, ServersAnswerOnlyForTheirOwnUsers) {
  upload_alice_keys();
  // Asked directly about a user of the asking server, the resident leaves it out.
  bj::object query =
      run(resident_.reads().query_keys(bj::object{{alice_, bj::array{}}, {bob_, bj::array{}}}));
  EXPECT_TRUE(query.at("device_keys").as_object().contains(alice_));
  EXPECT_FALSE(query.at("device_keys").as_object().contains(bob_));
  bj::object claim = run(
      resident_.reads().claim_keys(bj::object{{bob_, bj::object{{"BOB1", "signed_curve25519"}}}}));
  EXPECT_TRUE(claim.at("one_time_keys").as_object().empty());
  // /user/devices lists every device, with keys for those that uploaded them.
  bj::object devices = run(resident_.reads().user_devices(alice_));
  const bj::array& list = devices.at("devices").as_array();
  ASSERT_EQ(list.size(), 2u);
  for (const bj::value& device : list) {
    const bj::object& entry = device.as_object();
    if (entry.at("device_id") == "ALICE1") {
      EXPECT_EQ(entry.at("keys").at("device_id"), "ALICE1");
      EXPECT_EQ(entry.at("device_display_name"), "Alice's phone");
    } else {
      EXPECT_FALSE(entry.contains("keys"));
    }
  }
}

TEST_F(RemoteKeysTest, AnUnknownServerIsAFailureAndLocalUsersStillAnswer) {
  upload_alice_keys();
  bj::object answer = run(resident_keys_.query(
      alice_, {{alice_, {"ALICE1"}}, {"@x:nowhere.test", {}}}, KeyService::kDefaultTimeout));
  EXPECT_EQ(answer.at("failures").at("nowhere.test").at("status"), 503);
  EXPECT_TRUE(answer.at("device_keys").at(alice_).as_object().contains("ALICE1"));
}

}  // namespace
}  // namespace myelin::services
