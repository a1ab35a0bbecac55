#include "services/notifications/notification_evaluator.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>

#include "protocol/room_versions/room_version.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;

constexpr const char* kRoom = "!room:here.test";
constexpr const char* kAlice = "@alice:here.test";  // creator, level 100
constexpr const char* kBob = "@bob:here.test";
constexpr const char* kCarol = "@carol:here.test";
constexpr const char* kRemote = "@dave:elsewhere.test";  // joined, but not ours to notify
constexpr const char* kInvited = "@erin:here.test";      // invited only

class NotificationEvaluatorTest : public ::testing::Test {
 protected:
  NotificationEvaluatorTest() : version_(*find_room_version("10")) {
    add_state("m.room.create", "", kAlice, {{"creator", kAlice}, {"room_version", "10"}});
    add_state("m.room.power_levels", "", kAlice,
              {{"users", bj::object{{kAlice, 100}, {kCarol, 50}}},
               {"notifications", bj::object{{"room", 50}}}});
    join(kAlice, "Alice");
    join(kBob, "Bobby Tables");
    join(kCarol, "");
    join(kRemote, "Dave");
    add_state("m.room.member", kInvited, kAlice, {{"membership", "invite"}});
    rebuild();
  }

  std::shared_ptr<const events::Pdu> pdu(const std::string& type, const std::string& sender,
                                         bj::object content,
                                         std::optional<std::string> state_key = std::nullopt) {
    const std::string event_id = "$e" + std::to_string(++counter_);
    bj::object json{{"type", type},
                    {"sender", sender},
                    {"room_id", kRoom},
                    {"content", std::move(content)},
                    {"origin_server_ts", 1000 + counter_},
                    {"depth", counter_},
                    {"prev_events", bj::array{}},
                    {"auth_events", bj::array{}}};
    if (state_key) json["state_key"] = *state_key;
    return std::make_shared<const events::Pdu>(
        events::Pdu::from_trusted(std::move(json), version_, event_id));
  }

  void add_state(const std::string& type, const std::string& state_key, const std::string& sender,
                 bj::object content) {
    state_[{type, state_key}] = pdu(type, sender, std::move(content), state_key);
  }

  void join(const std::string& user, const std::string& display_name) {
    bj::object content{{"membership", "join"}};
    if (!display_name.empty()) content["displayname"] = display_name;
    add_state("m.room.member", user, user, std::move(content));
  }

  void rebuild() {
    auto room = std::make_shared<RoomState>();
    room->room_id = kRoom;
    room->version = &version_;
    room->set_state(std::make_shared<const StateMap>(state_));
    room->index_members("here.test");
    room_ = room;
  }

  NotificationEvaluator evaluator() {
    return NotificationEvaluator(
        [this](const std::string& user_id, bool may_read_store) -> PushRuleSetPtr {
          if (!may_read_store && !in_memory_.contains(user_id)) return nullptr;
          ++lookups_[user_id];
          auto it = custom_rules_.find(user_id);
          if (it != custom_rules_.end()) return it->second;
          return std::make_shared<const push::PushRuleSet>(user_id);
        });
  }

  std::map<std::string, storage::PushAction> evaluate(const events::Pdu& event) {
    std::map<std::string, storage::PushAction> by_user;
    for (storage::PushAction& action : evaluator().evaluate(*room_, event)) {
      EXPECT_EQ(action.thread_id, "main");
      by_user.emplace(action.user_id, std::move(action));
    }
    return by_user;
  }

  std::shared_ptr<const events::Pdu> message(const std::string& sender, bj::object content) {
    content.emplace("msgtype", "m.text");
    return pdu("m.room.message", sender, std::move(content));
  }

  const RoomVersion& version_;
  int counter_ = 0;
  StateMap state_;
  RoomStatePtr room_;
  std::map<std::string, PushRuleSetPtr> custom_rules_;
  std::map<std::string, int> lookups_;
  std::set<std::string> in_memory_;  // whose rules evaluate_from_memory() finds
};

TEST_F(NotificationEvaluatorTest, EveryJoinedLocalMemberButTheSenderIsNotified) {
  auto actions = evaluate(*message(kAlice, {{"body", "hello"}}));
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_FALSE(actions.at(kBob).highlight);
  EXPECT_FALSE(actions.at(kCarol).highlight);
  // The sender, remote members and invitees are never evaluated.
  EXPECT_EQ(lookups_.count(kAlice), 0u);
  EXPECT_EQ(lookups_.count(kRemote), 0u);
  EXPECT_EQ(lookups_.count(kInvited), 0u);
}

TEST_F(NotificationEvaluatorTest, MentionsHighlightOnlyTheirTarget) {
  auto actions = evaluate(*message(
      kAlice, {{"body", "hey"}, {"m.mentions", bj::object{{"user_ids", bj::array{kBob}}}}}));
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_TRUE(actions.at(kBob).highlight);
  EXPECT_FALSE(actions.at(kCarol).highlight);
}

TEST_F(NotificationEvaluatorTest, DisplayNameComesFromTheMembersOwnMemberEvent) {
  // Legacy .m.rule.contains_display_name (no m.mentions): Bob's display name in this room.
  auto actions = evaluate(*message(kAlice, {{"body", "thanks Bobby Tables!"}}));
  EXPECT_TRUE(actions.at(kBob).highlight);
  EXPECT_FALSE(actions.at(kCarol).highlight);
}

TEST_F(NotificationEvaluatorTest, RoomMentionNeedsTheSendersNotificationLevel) {
  const bj::object room_mention{{"body", "all"}, {"m.mentions", bj::object{{"room", true}}}};
  // Carol has 50 = notifications.room: everyone else is highlighted.
  auto from_carol = evaluate(*message(kCarol, room_mention));
  EXPECT_TRUE(from_carol.at(kBob).highlight);
  // Bob has users_default 0.
  auto from_bob = evaluate(*message(kBob, room_mention));
  EXPECT_FALSE(from_bob.at(kCarol).highlight);
  EXPECT_EQ(from_bob.count(kCarol), 1u);  // still a plain notification
}

TEST_F(NotificationEvaluatorTest, MemberCountSelectsTheOneToOneRule) {
  // Four joined members (one remote): .m.rule.room_one_to_one does not apply, .m.rule.message
  // does. With the message rule muted, nothing notifies in a group room.
  push::PushRuleSet muted(kBob);
  ASSERT_TRUE(muted.put_actions(push::PushRuleKind::kUnderride, ".m.rule.message",
                                bj::object{{"actions", bj::array{}}}));
  custom_rules_[kBob] = std::make_shared<const push::PushRuleSet>(std::move(muted));
  auto actions = evaluate(*message(kAlice, {{"body", "group"}}));
  EXPECT_EQ(actions.count(kBob), 0u);
  EXPECT_EQ(actions.count(kCarol), 1u);

  // Only Alice and Bob left: the one-to-one rule notifies Bob despite the muted message rule.
  state_.erase({"m.room.member", kCarol});
  state_.erase({"m.room.member", kRemote});
  rebuild();
  actions = evaluate(*message(kAlice, {{"body", "just us"}}));
  ASSERT_EQ(actions.count(kBob), 1u);
}

TEST_F(NotificationEvaluatorTest, NoticesAndOwnRoomRulesSuppress) {
  auto notice = pdu("m.room.message", kAlice, {{"msgtype", "m.notice"}, {"body", "bot"}});
  EXPECT_TRUE(evaluate(*notice).empty());

  push::PushRuleSet room_muted(kCarol);
  ASSERT_TRUE(
      room_muted.put_rule(push::PushRuleKind::kRoom, kRoom, bj::object{{"actions", bj::array{}}}));
  custom_rules_[kCarol] = std::make_shared<const push::PushRuleSet>(std::move(room_muted));
  auto actions = evaluate(*message(kAlice, {{"body", "hi"}}));
  EXPECT_EQ(actions.count(kCarol), 0u);
  EXPECT_EQ(actions.count(kBob), 1u);
}

TEST_F(NotificationEvaluatorTest, FromMemoryAnswersOnlyWhenEveryMembersRulesAreThere) {
  auto event = message(kAlice, {{"body", "hello Bobby Tables"}});
  in_memory_ = {kBob};
  EXPECT_FALSE(evaluator().evaluate_from_memory(*room_, *event));  // carol's are not
  in_memory_ = {kBob, kCarol};
  std::optional<std::vector<storage::PushAction>> actions =
      evaluator().evaluate_from_memory(*room_, *event);
  ASSERT_TRUE(actions);
  ASSERT_EQ(actions->size(), 2u);
  for (const storage::PushAction& action : *actions) {
    EXPECT_EQ(action.highlight, action.user_id == kBob) << action.user_id;
  }
}

TEST_F(NotificationEvaluatorTest, PushEvaluationEventIsTheClientForm) {
  auto event = pdu("m.room.topic", kAlice, {{"topic", "t"}}, "");
  bj::object json = push_evaluation_event(*event);
  EXPECT_EQ(json.at("type"), "m.room.topic");
  EXPECT_EQ(json.at("sender"), kAlice);
  EXPECT_EQ(json.at("room_id"), kRoom);
  EXPECT_EQ(json.at("state_key"), "");
  EXPECT_EQ(json.at("content").at("topic"), "t");
  EXPECT_EQ(json.at("event_id").as_string(), event->event_id());
  EXPECT_FALSE(json.contains("depth"));  // federation fields stay out
}

}  // namespace
}  // namespace myelin::services
