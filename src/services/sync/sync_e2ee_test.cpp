// /sync's end-to-end encryption sections as the server assembles them: to-device messages
// (DeviceMessages) and device-list changes (DeviceLists), over a real store and RoomService.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "base/errcode.hpp"
#include "base/matrix_error.hpp"
#include "services/e2ee/device_lists.hpp"
#include "services/e2ee/device_messages.hpp"
#include "services/rooms/test_homeserver.hpp"
#include "services/sync/sync_service.hpp"
#include "services/users/account_service.hpp"

namespace myelin::services {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;

class SyncE2eeTest : public ::testing::Test {
 protected:
  SyncE2eeTest()
      : accounts_(hs_.ctx()),
        sync_(hs_.ctx(), hs_.rooms(), typing_),
        messages_(hs_.ctx()),
        lists_(hs_.ctx(), hs_.rooms(), accounts_) {
    auto capture = [this](std::string destination, bj::object edu) -> asio::awaitable<void> {
      sent_.push_back({destination, edu});
      co_return;
    };
    messages_.set_remote_sender(capture);
    lists_.set_remote_sender(capture);
  }

  std::string login(const std::string& localpart, const std::string& device_id) {
    const std::string user_id = "@" + localpart + ":test.local";
    if (!hs_.store().accounts.user_exists(user_id)) {
      hs_.store().accounts.create_user(
          {user_id, std::nullopt, 1, false, false, false, std::nullopt});
    }
    hs_.store().accounts.upsert_device(
        {user_id, device_id, std::nullopt, std::nullopt, std::nullopt});
    return user_id;
  }

  bj::object sync(const std::string& user_id, const std::string& device_id,
                  const std::optional<std::string>& since) {
    SyncRequest request;
    request.user_id = user_id;
    request.device_id = device_id;
    if (since) request.since = SyncToken::parse(*since);
    return hs_.run(sync_.sync(std::move(request)));
  }

  static std::vector<std::string> to_device_ids(const bj::object& response) {
    std::vector<std::string> ids;
    for (const bj::value& event : response.at("to_device").at("events").as_array()) {
      ids.push_back(std::string(event.at("content").at("id").as_string()));
    }
    return ids;
  }

  static std::vector<std::string> device_list(const bj::object& response, const char* which) {
    std::vector<std::string> users;
    for (const bj::value& user : response.at("device_lists").at(which).as_array()) {
      users.push_back(std::string(user.as_string()));
    }
    return users;
  }

  void send(const std::string& sender, const std::string& device, const std::string& txn,
            bj::object messages) {
    hs_.run(messages_.send(sender, device, "m.test", txn, std::move(messages)));
  }

  std::string error_of(asio::awaitable<void> work) {
    try {
      hs_.run(std::move(work));
    } catch (const MatrixError& e) {
      return std::string(myelin::errcode_name(e.code()));
    }
    return "";
  }

  std::string room_with(const std::string& creator, const std::vector<std::string>& joiners) {
    CreateRoomRequest request;
    request.creator = creator;
    request.preset = "public_chat";
    const std::string room_id = hs_.run(hs_.rooms().create_room(std::move(request)));
    for (const std::string& user : joiners) hs_.run(hs_.rooms().join(room_id, user, std::nullopt));
    return room_id;
  }

  struct SentEdu {
    std::string destination;
    bj::object edu;
  };

  TestHomeserver hs_;
  TypingService typing_;
  AccountService accounts_;
  SyncService sync_;
  DeviceMessages messages_;
  DeviceLists lists_;
  std::vector<SentEdu> sent_;
};

bj::object content(const std::string& id) { return bj::object{{"id", id}}; }

TEST_F(SyncE2eeTest, ToDeviceMessagesReachEachDeviceOnceUntilTheNextSyncConfirmsThem) {
  const std::string alice = login("alice", "A1");
  const std::string bob = login("bob", "B1");
  login("bob", "B2");
  const std::string b1_start =
      std::string(sync(bob, "B1", std::nullopt).at("next_batch").as_string());

  // "*" reaches every device; a named device gets its own message instead of the "*" one.
  send(alice, "A1", "t1", bj::object{{bob, bj::object{{"*", content("all")}}}});
  send(alice, "A1", "t2",
       bj::object{{bob, bj::object{{"*", content("all2")}, {"B2", content("b2 only")}}}});
  // The same transaction again delivers nothing; unknown devices get nothing.
  send(alice, "A1", "t1", bj::object{{bob, bj::object{{"*", content("again")}}}});
  send(alice, "A1", "t3", bj::object{{bob, bj::object{{"NOPE", content("lost")}}}});

  bj::object b1 = sync(bob, "B1", b1_start);
  EXPECT_EQ(to_device_ids(b1), (std::vector<std::string>{"all", "all2"}));
  const bj::value& first = b1.at("to_device").at("events").as_array()[0];
  EXPECT_EQ(first.at("sender").as_string(), alice);
  EXPECT_EQ(first.at("type").as_string(), "m.test");
  EXPECT_EQ(to_device_ids(sync(bob, "B2", std::nullopt)),
            (std::vector<std::string>{"all", "b2 only"}));

  // Syncing again from the same token (a lost response) gives them again; from the next one,
  // they are gone.
  EXPECT_EQ(to_device_ids(sync(bob, "B1", b1_start)).size(), 2u);
  const std::string b1_next = std::string(b1.at("next_batch").as_string());
  EXPECT_TRUE(to_device_ids(sync(bob, "B1", b1_next)).empty());
  EXPECT_FALSE(hs_.store().device_inbox.has_through(bob, "B1", hs_.store().stream().current()));
}

TEST_F(SyncE2eeTest, AtMostAHundredPerSyncTheRestNext) {
  const std::string alice = login("alice", "A1");
  const std::string bob = login("bob", "B1");
  const std::string start = std::string(sync(bob, "B1", std::nullopt).at("next_batch").as_string());
  for (int i = 0; i < 130; ++i) {
    send(alice, "A1", "t" + std::to_string(i),
         bj::object{{bob, bj::object{{"B1", content(std::to_string(i))}}}});
  }
  bj::object first = sync(bob, "B1", start);
  std::vector<std::string> got = to_device_ids(first);
  ASSERT_EQ(got.size(), std::size_t{DeviceMessages::kMaxPerSync});
  EXPECT_EQ(got.front(), "0");
  EXPECT_EQ(got.back(), "99");
  bj::object second = sync(bob, "B1", std::string(first.at("next_batch").as_string()));
  got = to_device_ids(second);
  ASSERT_EQ(got.size(), 30u);
  EXPECT_EQ(got.front(), "100");
  EXPECT_EQ(got.back(), "129");
  EXPECT_TRUE(
      to_device_ids(sync(bob, "B1", std::string(second.at("next_batch").as_string()))).empty());
}

TEST_F(SyncE2eeTest, RemoteRecipientsGoToTheirServersOneEduEach) {
  const std::string alice = login("alice", "A1");
  send(alice, "A1", "t1",
       bj::object{{"@x:one.test", bj::object{{"X1", content("x")}}},
                  {"@y:one.test", bj::object{{"*", content("y")}}},
                  {"@z:two.test", bj::object{{"Z1", content("z")}}}});
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[0].destination, "one.test");
  EXPECT_EQ(sent_[1].destination, "two.test");
  const bj::object& edu = sent_[0].edu;
  EXPECT_EQ(edu.at("edu_type").as_string(), "m.direct_to_device");
  const bj::object& c = edu.at("content").as_object();
  EXPECT_EQ(c.at("sender").as_string(), alice);
  EXPECT_EQ(c.at("type").as_string(), "m.test");
  EXPECT_FALSE(c.at("message_id").as_string().empty());
  EXPECT_EQ(c.at("messages").at("@y:one.test").at("*").at("id").as_string(), "y");
  EXPECT_EQ(c.at("messages").at("@x:one.test").at("X1").at("id").as_string(), "x");
  // A retried transaction sends nothing more.
  send(alice, "A1", "t1", bj::object{{"@x:one.test", bj::object{{"X1", content("x")}}}});
  EXPECT_EQ(sent_.size(), 2u);
}

TEST_F(SyncE2eeTest, BadMessagesAreRefusedWithTheSpecsErrors) {
  const std::string alice = login("alice", "A1");
  EXPECT_EQ(error_of(messages_.send(alice, "A1", "m.test", "t",
                                    bj::object{{"not a user", bj::object{{"D", content("x")}}}})),
            "M_INVALID_PARAM");
  EXPECT_EQ(error_of(messages_.send(alice, "A1", "m.test", "t",
                                    bj::object{{"@bob:test.local", "not an object"}})),
            "M_BAD_JSON");
  EXPECT_EQ(error_of(messages_.send(alice, "A1", "m.test", "t",
                                    bj::object{{"@bob:test.local", bj::object{{"D", 5}}}})),
            "M_BAD_JSON");
}

TEST_F(SyncE2eeTest, MessagesFromOtherServersAreCheckedAndDeliveredOnce) {
  const std::string bob = login("bob", "B1");
  const std::string start = std::string(sync(bob, "B1", std::nullopt).at("next_batch").as_string());
  auto edu = [&](const std::string& sender, const std::string& message_id, const std::string& id) {
    return bj::object{{"sender", sender},
                      {"type", "m.room_key_request"},
                      {"message_id", message_id},
                      {"messages", bj::object{{bob, bj::object{{"*", content(id)}}},
                                              {"@other:elsewhere.test",
                                               bj::object{{"*", content("not ours")}}}}}};
  };
  hs_.run(messages_.receive("remote.test", edu("@carol:remote.test", "m1", "first")));
  // Retried: the same message_id is not delivered again.
  hs_.run(messages_.receive("remote.test", edu("@carol:remote.test", "m1", "first again")));
  // A sender that is not the origin's user is refused.
  hs_.run(messages_.receive("remote.test", edu("@mallory:evil.test", "m2", "forged")));
  // Missing fields: dropped.
  hs_.run(messages_.receive("remote.test", bj::object{{"sender", "@carol:remote.test"}}));
  bj::object got = sync(bob, "B1", start);
  EXPECT_EQ(to_device_ids(got), (std::vector<std::string>{"first"}));
  EXPECT_EQ(got.at("to_device").at("events").as_array()[0].at("sender").as_string(),
            "@carol:remote.test");
}

TEST_F(SyncE2eeTest, DeviceListsSayWhoseDevicesChangedAndWhoLeft) {
  const std::string alice = login("alice", "A1");
  const std::string bob = login("bob", "B1");
  const std::string carol = login("carol", "C1");
  const std::string dave = login("dave", "D1");
  const std::string room = room_with(alice, {bob});
  std::string since = std::string(sync(alice, "A1", std::nullopt).at("next_batch").as_string());
  auto next = [&](std::vector<std::string> changed, std::vector<std::string> left) {
    bj::object response = sync(alice, "A1", since);
    EXPECT_EQ(device_list(response, "changed"), changed);
    EXPECT_EQ(device_list(response, "left"), left);
    since = std::string(response.at("next_batch").as_string());
  };

  // Bob's new keys; Dave shares no room with Alice, so his are none of her business.
  hs_.run(lists_.device_changed(bob, "B1"));
  hs_.run(lists_.device_changed(dave, "D1"));
  next({bob}, {});
  // Carol joins: Alice must fetch her keys. Then she leaves, sharing no other room.
  hs_.run(hs_.rooms().join(room, carol, std::nullopt));
  next({carol}, {});
  hs_.run(hs_.rooms().leave(room, carol, std::nullopt));
  next({}, {carol});
  // Bob deletes a device: a change too (through AccountService, as every deletion path).
  hs_.run(accounts_.delete_device(bob, "B1"));
  next({bob}, {});
  // Alice's own new device is news to her other devices.
  login("alice", "A2");
  hs_.run(lists_.device_changed(alice, "A2"));
  next({alice}, {});
  // Nothing new: the long poll's first look finds nothing (and the lists are empty).
  next({}, {});
}

// (Updates about remote users who do share a room are covered by tests/federation.)
TEST_F(SyncE2eeTest, OtherServersUpdatesAboutStrangersOrOthersUsersAreDropped) {
  const std::string alice = login("alice", "A1");
  room_with(alice, {});
  std::string since = std::string(sync(alice, "A1", std::nullopt).at("next_batch").as_string());
  bj::object update{{"user_id", "@eve:remote.test"}, {"device_id", "E1"}, {"stream_id", 1}};
  // Eve shares no room with anyone here: dropped. A user of another server: dropped.
  hs_.run(lists_.receive_update("remote.test", "m.device_list_update", update));
  hs_.run(lists_.receive_update("other.test", "m.device_list_update", update));
  EXPECT_TRUE(device_list(sync(alice, "A1", since), "changed").empty());
  EXPECT_TRUE(hs_.store().device_lists.changed_users(0, hs_.store().stream().current()).empty());
}

}  // namespace
}  // namespace myelin::services
