#include "services/federation/sender/edu_receiver.hpp"

#include <gtest/gtest.h>

#include "services/federation/sender/sender_test_support.hpp"

namespace myelin::services::testing {
namespace {

namespace bj = boost::json;

class EduReceiverTest : public SenderTest {
 protected:
  EduReceiverTest() {
    start_sending();
    room_ = public_room();
    join(room_, kBob);
    EventDraft draft;
    draft.sender = kAlice;
    draft.type = "m.room.message";
    draft.content = {{"msgtype", "m.text"}, {"body", "hi"}};
    SendOptions options;
    message_ = await(rooms_.send_event(room_, std::move(draft), std::move(options))).event_id;
  }

  void receive(const std::string& origin, bj::value edu) {
    await(sender_->handle_edu(origin, edu.as_object()));
  }
  bj::object typing_edu(const std::string& user, bj::value typing, std::string room = "") {
    return {{"edu_type", "m.typing"},
            {"content",
             {{"room_id", room.empty() ? room_ : room}, {"user_id", user}, {"typing", typing}}}};
  }
  bj::object receipt_edu(const std::string& user, const std::string& event_id,
                         std::string room = "") {
    bj::object receipt{{"event_ids", bj::array{bj::value(event_id)}}, {"data", {{"ts", 5}}}};
    bj::object content{{room.empty() ? room_ : room, {{"m.read", {{user, receipt}}}}}};
    return {{"edu_type", "m.receipt"}, {"content", content}};
  }
  std::optional<std::int64_t> read_receipt(const std::string& user) {
    return store_->user_data.receipt_position(room_, "m.read", user, "");
  }
  bj::object presence_edu(const std::string& user, const std::string& state) {
    bj::object update{{"user_id", user}, {"presence", state}, {"last_active_ago", 1000}};
    return {{"edu_type", "m.presence"}, {"content", {{"push", bj::array{update}}}}};
  }

  static constexpr const char* kBob = "@bob:remote.test";
  std::string room_;
  std::string message_;
};

std::vector<std::string> users(std::vector<std::string> list) { return list; }

TEST_F(EduReceiverTest, TypingFromTheUsersOwnJoinedServer) {
  receive("remote.test", typing_edu(kBob, true));
  EXPECT_EQ(typing_.typing_users(room_), users({kBob}));
  receive("remote.test", typing_edu(kBob, false));
  EXPECT_TRUE(typing_.typing_users(room_).empty());
}

TEST_F(EduReceiverTest, TypingOfAnotherServersUserOrANonMemberIsIgnored) {
  receive("evil.test", typing_edu(kBob, true));
  receive("remote.test", typing_edu("@zed:remote.test", true));  // not in the room
  receive("remote.test", typing_edu(kBob, true, "!unknown:test.local"));
  receive("remote.test", typing_edu(kBob, "yes"));   // not a boolean
  receive("remote.test", typing_edu(kAlice, true));  // ours, from them
  EXPECT_TRUE(typing_.typing_users(room_).empty());
}

TEST_F(EduReceiverTest, MalformedEdusAreDroppedWithoutHarm) {
  for (
      const char* text : {
          R"({})",
          R"({"edu_type":"m.typing"})",
          R"({"edu_type":"m.typing","content":[]})",
          R"({"edu_type":"m.typing","content":{"room_id":5,"user_id":null,"typing":true}})",
          R"({"edu_type":5,"content":{}})",
          R"({"edu_type":"m.receipt","content":{"!r:x":5}})",
          R"({"edu_type":"m.receipt","content":{"!r:x":{"m.read":{"@bob:remote.test":{}}}}})",
          R"({"edu_type":"m.receipt","content":{"!r:x":{"m.read":{"@bob:remote.test":{"event_ids":[1]}}}}})",
          R"({"edu_type":"m.presence","content":{"push":5}})",
          R"({"edu_type":"m.presence","content":{"push":[5,{"user_id":7}]}})",
          R"({"edu_type":"m.device_list_update","content":{"user_id":"@bob:remote.test"}})",
          R"({"edu_type":"m.direct_to_device","content":{}})",
          R"({"edu_type":"org.example.unknown","content":{}})",
      }) {
    SCOPED_TRACE(text);
    EXPECT_NO_THROW(receive("remote.test", bj::parse(text)));
  }
  EXPECT_TRUE(typing_.typing_users(room_).empty());
  EXPECT_FALSE(read_receipt(kBob));
}

TEST_F(EduReceiverTest, ReceiptsFromTheUsersServerForEventsOfTheRoom) {
  receive("evil.test", receipt_edu(kBob, message_));
  EXPECT_FALSE(read_receipt(kBob));
  receive("remote.test", receipt_edu(kBob, "$unknown"));
  EXPECT_FALSE(read_receipt(kBob));
  const std::string other_room = public_room();
  join(other_room, kBob);
  receive("remote.test", receipt_edu(kBob, message_, other_room));  // event of another room
  EXPECT_FALSE(store_->user_data.receipt_position(other_room, "m.read", kBob, ""));

  receive("remote.test", receipt_edu(kBob, message_));
  ASSERT_TRUE(read_receipt(kBob));
  auto receipts = store_->user_data.receipts_since(room_, 0, store_->stream().current());
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0].event_id, message_);
  EXPECT_EQ(receipts[0].ts, 5);
}

TEST_F(EduReceiverTest, PresenceOfUsersSharingARoom) {
  receive("evil.test", presence_edu(kBob, "online"));
  EXPECT_FALSE(store_->user_data.presence(kBob));
  receive("remote.test", presence_edu(kBob, "dancing"));
  EXPECT_FALSE(store_->user_data.presence(kBob));
  receive("remote.test", presence_edu("@stranger:remote.test", "online"));  // shares no room
  EXPECT_FALSE(store_->user_data.presence("@stranger:remote.test"));

  receive("remote.test", presence_edu(kBob, "unavailable"));
  auto stored = store_->user_data.presence(kBob);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->state, "unavailable");
  EXPECT_EQ(stored->last_active_ts, now_ms_.load() - 1000);
}

TEST_F(EduReceiverTest, ReceiveInTheBackgroundToo) {
  sender_->receive_edu("remote.test", typing_edu(kBob, true));
  drive_until([&] { return !typing_.typing_users(room_).empty(); });
  // Remote typing is not echoed back out.
  drain();
  EXPECT_TRUE(transport_.edus("remote.test", "m.typing").empty());
}

}  // namespace
}  // namespace myelin::services::testing
