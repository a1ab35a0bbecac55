// The device-list EDUs a local change sends to the other servers in the user's rooms, as another
// server (here joiner.test, whose user joined resident.test's room) receives them.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <vector>

#include "services/e2ee/device_lists.hpp"
#include "services/federation/two_homeserver_test.hpp"
#include "services/users/account_service.hpp"

namespace myelin::services {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;

class DeviceListEdusTest : public testing::TwoHomeserverTest {
 protected:
  DeviceListEdusTest()
      : accounts_(resident_.ctx()), lists_(resident_.ctx(), resident_.rooms(), accounts_) {
    lists_.set_remote_sender([this](std::string destination, bj::object edu) {
      return capture(std::move(destination), std::move(edu));
    });
    alice_ = resident_.register_user("alice");
    bob_ = joiner_.register_user("bob");
    room_id_ = create_room(resident_, alice_, "10", "public_chat");
    run(joiner_.membership().ours.join(room_id_, bob_, {"resident.test"}, std::nullopt));
    resident_.store().accounts.upsert_device(
        {alice_, "PHONE", std::string("Alice's phone"), std::nullopt, std::nullopt});
  }

  asio::awaitable<void> capture(std::string destination, bj::object edu) {
    sent_.push_back({std::move(destination), std::move(edu)});
    co_return;
  }

  struct Sent {
    std::string destination;
    bj::object edu;
  };
  AccountService accounts_;
  DeviceLists lists_;
  std::vector<Sent> sent_;
  std::string alice_;
  std::string bob_;
  std::string room_id_;
};

TEST_F(DeviceListEdusTest, ADevicesNewKeysGoToTheServersSharingARoom) {
  const std::string keys = R"({"user_id":")" + alice_ +
                           R"(","device_id":"PHONE","algorithms":["m.megolm.v1.aes-sha2"],)"
                           R"("keys":{"ed25519:PHONE":"ed"},"signatures":{}})";
  resident_.store().e2ee_keys.set_device_keys(alice_, "PHONE", keys);
  run(lists_.device_changed(alice_, "PHONE"));
  run(lists_.device_changed(alice_, "PHONE", true));
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[0].destination, "joiner.test");
  EXPECT_EQ(sent_[0].edu.at("edu_type"), "m.device_list_update");
  const bj::object& first = sent_[0].edu.at("content").as_object();
  EXPECT_EQ(first.at("user_id").as_string(), alice_);
  EXPECT_EQ(first.at("device_id"), "PHONE");
  EXPECT_EQ(first.at("deleted"), false);
  EXPECT_EQ(first.at("keys").at("keys").at("ed25519:PHONE"), "ed");
  EXPECT_TRUE(first.at("prev_id").as_array().empty());
  EXPECT_FALSE(first.contains("device_display_name"));  // names stay on this server
  // The deletion names the first change as its predecessor, with a later stream_id.
  const bj::object& second = sent_[1].edu.at("content").as_object();
  EXPECT_EQ(second.at("deleted"), true);
  EXPECT_FALSE(second.contains("keys"));
  EXPECT_EQ(second.at("prev_id"), bj::array{first.at("stream_id")});
  EXPECT_GT(second.at("stream_id").as_int64(), first.at("stream_id").as_int64());
}

TEST_F(DeviceListEdusTest, CrossSigningKeysGoAsSigningKeyUpdatesNotAsDevices) {
  const std::string master =
      R"({"user_id":")" + alice_ + R"(","usage":["master"],"keys":{"ed25519:MPUB":"MPUB"}})";
  resident_.store().e2ee_keys.set_cross_signing_key(alice_, {"master", master});
  run(lists_.signing_keys_changed(alice_));
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].destination, "joiner.test");
  EXPECT_EQ(sent_[0].edu.at("edu_type"), "m.signing_key_update");
  const bj::object& content = sent_[0].edu.at("content").as_object();
  EXPECT_EQ(content.at("user_id").as_string(), alice_);
  EXPECT_EQ(content.at("master_key").at("keys").at("ed25519:MPUB"), "MPUB");
  EXPECT_FALSE(content.contains("device_id"));
}

TEST_F(DeviceListEdusTest, AUserSharingNoRoomWithAnotherServerSendsNothing) {
  const std::string carol = resident_.register_user("carol");
  run(lists_.device_changed(carol, "C1"));
  run(lists_.signing_keys_changed(carol));
  EXPECT_TRUE(sent_.empty());
}

}  // namespace
}  // namespace myelin::services
