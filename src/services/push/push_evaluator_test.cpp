#include "services/push/push_evaluator.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>

namespace myelin::services::push {
namespace {

constexpr const char* kAlice = "@alice:example.org";

boost::json::object parse(std::string_view text) { return boost::json::parse(text).as_object(); }

class PushEvaluatorTest : public ::testing::Test {
 protected:
  PushEvaluatorTest() : rules_(kAlice) {
    context_.user_id = kAlice;
    context_.display_name = "Alice Liddell";
    context_.member_count = 5;
    context_.sender_power_level = 0;
  }

  // A message from bob in !room:example.org with the given content.
  static boost::json::object message(std::string_view content_json) {
    boost::json::object event = parse(R"({"type": "m.room.message", "sender": "@bob:example.org",
        "room_id": "!room:example.org", "event_id": "$e", "origin_server_ts": 1})");
    event["content"] = boost::json::parse(content_json);
    return event;
  }

  PushEvaluation eval(const boost::json::object& event) {
    return evaluate_push_rules(rules_, event, context_);
  }

  PushRuleSet rules_;
  PushRoomContext context_;
};

TEST_F(PushEvaluatorTest, PlainMessageNotifiesQuietly) {
  PushEvaluation result = eval(message(R"({"msgtype": "m.text", "body": "hello all"})"));
  ASSERT_TRUE(result.matched);
  EXPECT_EQ(result.rule_id, ".m.rule.message");
  EXPECT_EQ(result.kind, PushRuleKind::kUnderride);
  EXPECT_TRUE(result.notify);
  EXPECT_FALSE(result.highlight);
  EXPECT_EQ(result.sound, std::nullopt);
}

TEST_F(PushEvaluatorTest, OneToOneRoomsPlaySound) {
  context_.member_count = 2;
  PushEvaluation result = eval(message(R"({"msgtype": "m.text", "body": "hi"})"));
  EXPECT_EQ(result.rule_id, ".m.rule.room_one_to_one");
  EXPECT_TRUE(result.notify);
  EXPECT_EQ(result.sound, "default");

  boost::json::object encrypted = message(R"({"algorithm": "m.megolm.v1.aes-sha2",
                                              "ciphertext": "AwgA"})");
  encrypted["type"] = "m.room.encrypted";
  EXPECT_EQ(eval(encrypted).rule_id, ".m.rule.encrypted_room_one_to_one");
  context_.member_count = 3;
  result = eval(encrypted);
  EXPECT_EQ(result.rule_id, ".m.rule.encrypted");
  EXPECT_TRUE(result.notify);
  EXPECT_EQ(result.sound, std::nullopt);
}

TEST_F(PushEvaluatorTest, NoticesAreSuppressed) {
  PushEvaluation result = eval(message(R"({"msgtype": "m.notice", "body": "bot says hi"})"));
  EXPECT_EQ(result.rule_id, ".m.rule.suppress_notices");
  EXPECT_FALSE(result.notify);
  EXPECT_TRUE(result.actions.empty());
}

TEST_F(PushEvaluatorTest, InviteForMeAndOtherMemberEvents) {
  boost::json::object invite = parse(R"({"type": "m.room.member", "sender": "@bob:example.org",
      "state_key": "@alice:example.org", "room_id": "!room:example.org",
      "content": {"membership": "invite"}})");
  PushEvaluation result = eval(invite);
  EXPECT_EQ(result.rule_id, ".m.rule.invite_for_me");
  EXPECT_TRUE(result.notify);
  EXPECT_EQ(result.sound, "default");

  invite["state_key"] = "@carol:example.org";
  result = eval(invite);
  EXPECT_EQ(result.rule_id, ".m.rule.member_event");
  EXPECT_FALSE(result.notify);
}

TEST_F(PushEvaluatorTest, UserMentionViaMentions) {
  PushEvaluation result = eval(message(R"({"msgtype": "m.text", "body": "Hello!",
      "m.mentions": {"user_ids": ["@carol:example.org", "@alice:example.org"]}})"));
  EXPECT_EQ(result.rule_id, ".m.rule.is_user_mention");
  EXPECT_TRUE(result.notify);
  EXPECT_TRUE(result.highlight);
  EXPECT_EQ(result.sound, "default");
  EXPECT_EQ(result.tweaks, parse(R"({"sound": "default", "highlight": true})"));
}

TEST_F(PushEvaluatorTest, MentionsObjectDisablesLegacyBodyRules) {
  // Display name, localpart and @room in the body, but m.mentions names nobody.
  PushEvaluation result = eval(message(R"({"msgtype": "m.text",
      "body": "Alice Liddell alice @room", "m.mentions": {}})"));
  EXPECT_EQ(result.rule_id, ".m.rule.message");
  EXPECT_FALSE(result.highlight);
}

TEST_F(PushEvaluatorTest, LegacyDisplayNameMatchAtWordBoundaries) {
  PushEvaluation result = eval(message(R"({"msgtype": "m.text",
                                           "body": "hey alice liddell, lunch?"})"));
  EXPECT_EQ(result.rule_id, ".m.rule.contains_display_name");
  EXPECT_TRUE(result.highlight);
  EXPECT_EQ(result.sound, "default");

  // Inside a longer word it is not a mention (and the localpart rule needs a boundary too).
  result = eval(message(R"({"msgtype": "m.text", "body": "malice liddells"})"));
  EXPECT_EQ(result.rule_id, ".m.rule.message");

  context_.display_name.clear();
  result = eval(message(R"({"msgtype": "m.text", "body": "Alice Liddell"})"));
  // No display name: the localpart rule (content kind) catches "Alice".
  EXPECT_EQ(result.rule_id, ".m.rule.contains_user_name");
  EXPECT_EQ(result.kind, PushRuleKind::kContent);
  EXPECT_TRUE(result.highlight);
}

TEST_F(PushEvaluatorTest, RoomMentionNeedsPowerLevel) {
  auto event = message(R"({"msgtype": "m.text", "body": "everyone!",
                          "m.mentions": {"room": true}})");
  EXPECT_EQ(eval(event).rule_id, ".m.rule.message");  // sender at 0 < 50
  context_.sender_power_level = 50;
  PushEvaluation result = eval(event);
  EXPECT_EQ(result.rule_id, ".m.rule.is_room_mention");
  EXPECT_TRUE(result.highlight);
  EXPECT_EQ(result.sound, std::nullopt);

  // The room lowers the bar via power_levels.notifications.room.
  context_.sender_power_level = 10;
  const auto power_levels = parse(R"({"users": {}, "notifications": {"room": 10}})");
  context_.notification_levels = notification_levels_from_power_levels(&power_levels);
  EXPECT_EQ(eval(event).rule_id, ".m.rule.is_room_mention");

  // "m.mentions.room" must be the boolean true, not "true".
  auto stringly = message(R"({"msgtype": "m.text", "body": "x", "m.mentions": {"room": "true"}})");
  EXPECT_EQ(eval(stringly).rule_id, ".m.rule.message");
}

TEST_F(PushEvaluatorTest, LegacyRoomNotif) {
  context_.sender_power_level = 100;
  PushEvaluation result = eval(message(R"({"msgtype": "m.text", "body": "@room meeting now"})"));
  EXPECT_EQ(result.rule_id, ".m.rule.roomnotif");
  EXPECT_TRUE(result.highlight);
}

TEST_F(PushEvaluatorTest, TombstoneAclReactionAndEdits) {
  boost::json::object tombstone = parse(R"({"type": "m.room.tombstone", "state_key": "",
      "sender": "@bob:example.org", "room_id": "!room:example.org",
      "content": {"body": "moved", "replacement_room": "!new:example.org"}})");
  PushEvaluation result = eval(tombstone);
  EXPECT_EQ(result.rule_id, ".m.rule.tombstone");
  EXPECT_TRUE(result.highlight);
  // Not a state event: no match on the tombstone rule (explicit state_key condition).
  tombstone.erase("state_key");
  EXPECT_FALSE(eval(tombstone).matched);

  boost::json::object acl = parse(R"({"type": "m.room.server_acl", "state_key": "",
      "sender": "@bob:example.org", "content": {"allow": ["*"]}})");
  EXPECT_EQ(eval(acl).rule_id, ".m.rule.room.server_acl");
  EXPECT_FALSE(eval(acl).notify);

  boost::json::object reaction = parse(R"({"type": "m.reaction", "sender": "@bob:example.org",
      "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$e", "key": "👍"}}})");
  EXPECT_EQ(eval(reaction).rule_id, ".m.rule.reaction");

  PushEvaluation edit = eval(message(R"({"msgtype": "m.text", "body": "* alice fixed",
      "m.new_content": {"msgtype": "m.text", "body": "alice fixed"},
      "m.relates_to": {"rel_type": "m.replace", "event_id": "$orig"}})"));
  EXPECT_EQ(edit.rule_id, ".m.rule.suppress_edits");
  EXPECT_FALSE(edit.notify);
}

TEST_F(PushEvaluatorTest, CallsRing) {
  boost::json::object call = parse(R"({"type": "m.call.invite", "sender": "@bob:example.org",
      "content": {"call_id": "c1", "lifetime": 60000, "version": "1",
                  "offer": {"type": "offer", "sdp": "v=0"}}})");
  PushEvaluation result = eval(call);
  EXPECT_EQ(result.rule_id, ".m.rule.call");
  EXPECT_EQ(result.sound, "ring");
}

TEST_F(PushEvaluatorTest, MasterRuleDisabledByDefaultSilencesAllWhenEnabled) {
  auto mention = message(R"({"msgtype": "m.text", "body": "hi",
                            "m.mentions": {"user_ids": ["@alice:example.org"]}})");
  EXPECT_TRUE(eval(mention).highlight);
  ASSERT_TRUE(rules_.set_enabled(PushRuleKind::kOverride, ".m.rule.master", true));
  // A user override rule cannot outrank master.
  ASSERT_TRUE(
      rules_.put_rule(PushRuleKind::kOverride, "everything", parse(R"({"actions": ["notify"]})")));
  PushEvaluation result = eval(mention);
  EXPECT_EQ(result.rule_id, ".m.rule.master");
  EXPECT_TRUE(result.matched);
  EXPECT_FALSE(result.notify);
  EXPECT_FALSE(result.highlight);
}

TEST_F(PushEvaluatorTest, OwnEventsNeverMatch) {
  auto event = message(R"({"msgtype": "m.text", "body": "alice"})");
  event["sender"] = kAlice;
  EXPECT_FALSE(eval(event).matched);
}

TEST_F(PushEvaluatorTest, UnmatchedEventTypesDoNotNotify) {
  boost::json::object topic = parse(R"({"type": "m.room.topic", "state_key": "",
      "sender": "@bob:example.org", "content": {"topic": "Lunch plans"}})");
  EXPECT_FALSE(eval(topic).matched);
  EXPECT_FALSE(eval(topic).notify);
}

TEST_F(PushEvaluatorTest, UserRulesInPriorityOrder) {
  // Room rule mutes the room; a content rule for "cake" outranks it; a sender rule comes after.
  ASSERT_TRUE(
      rules_.put_rule(PushRuleKind::kRoom, "!room:example.org", parse(R"({"actions": []})")));
  ASSERT_TRUE(rules_.put_rule(PushRuleKind::kContent, "cake",
                              parse(R"({"pattern": "cake", "actions": ["notify",
                                        {"set_tweak": "sound", "value": "cakealarm.wav"}]})")));
  ASSERT_TRUE(rules_.put_rule(PushRuleKind::kSender, "@bob:example.org",
                              parse(R"({"actions": ["notify", {"set_tweak": "highlight",
                                        "value": false}]})")));
  PushEvaluation result = eval(message(R"({"msgtype": "m.text", "body": "Cake time!"})"));
  EXPECT_EQ(result.rule_id, "cake");
  EXPECT_EQ(result.sound, "cakealarm.wav");
  result = eval(message(R"({"msgtype": "m.text", "body": "cakes"})"));
  EXPECT_EQ(result.rule_id, "!room:example.org");
  EXPECT_FALSE(result.notify);

  auto elsewhere = message(R"({"msgtype": "m.text", "body": "hi"})");
  elsewhere["room_id"] = "!other:example.org";
  result = eval(elsewhere);
  EXPECT_EQ(result.rule_id, "@bob:example.org");
  EXPECT_TRUE(result.notify);
  EXPECT_FALSE(result.highlight);

  // Disabled rules never match.
  ASSERT_TRUE(rules_.set_enabled(PushRuleKind::kSender, "@bob:example.org", false));
  EXPECT_EQ(eval(elsewhere).rule_id, ".m.rule.message");

  // The spec's beer example: override rule, content.body at word boundaries, <=10 members.
  ASSERT_TRUE(rules_.put_rule(
      PushRuleKind::kOverride, "beer",
      parse(R"({"conditions": [{"kind": "event_match", "key": "content.body", "pattern": "beer"},
                               {"kind": "room_member_count", "is": "<=10"}],
                "actions": ["notify", {"set_tweak": "sound", "value": "beeroclock.wav"}]})")));
  EXPECT_EQ(eval(message(R"({"msgtype": "m.text", "body": "Beer?"})")).sound, "beeroclock.wav");
  context_.member_count = 11;
  EXPECT_EQ(eval(message(R"({"msgtype": "m.text", "body": "Beer?"})")).rule_id,
            "!room:example.org");
}

// One memo serves every member evaluated for an event: each member's own patterns (their
// user-name content rule) are answered for them, shared ones once.
TEST_F(PushEvaluatorTest, MembersSharingAGlobMemoGetTheirOwnAnswers) {
  GlobMatchMemo memo;
  context_.glob_matches = &memo;
  const auto event = message(R"({"msgtype": "m.text", "body": "ask carol, or beer"})");
  EXPECT_EQ(eval(event).rule_id, ".m.rule.message");
  PushRuleSet carol_rules("@carol:example.org");
  PushRoomContext carol = context_;
  carol.user_id = "@carol:example.org";
  carol.display_name = "Caroline Herschel";
  PushEvaluation result = evaluate_push_rules(carol_rules, event, carol);
  EXPECT_EQ(result.rule_id, ".m.rule.contains_user_name");
  EXPECT_TRUE(result.highlight);
  EXPECT_EQ(memo.find("content.body", "carol"), std::optional<bool>(true));
  EXPECT_EQ(memo.find("content.body", "alice"), std::optional<bool>(false));
  EXPECT_EQ(memo.find("content.body", "bob"), std::nullopt);

  // What the memo holds is what the evaluation goes by: a remembered match decides.
  ASSERT_TRUE(rules_.put_rule(
      PushRuleKind::kOverride, "beer",
      parse(R"({"conditions": [{"kind": "event_match", "key": "content.body", "pattern": "ale"}],
                "actions": ["notify"]})")));
  EXPECT_EQ(eval(event).rule_id, ".m.rule.message");
  EXPECT_EQ(memo.find("content.body", "ale"), std::optional<bool>(false));
  GlobMatchMemo lying;
  lying.remember("content.body", "ale", true);
  context_.glob_matches = &lying;
  EXPECT_EQ(eval(event).rule_id, "beer");
}

// The rules that name nobody are decided once per event; the ones naming the member (mentions,
// display name, user name, invites) for each member, whatever the memo holds.
TEST_F(PushEvaluatorTest, MembersSharingARuleOutcomeMemoGetTheirOwnAnswers) {
  RuleOutcomeMemo memo;
  context_.rule_outcomes = &memo;
  PushRuleSet carol_rules("@carol:example.org");
  PushRoomContext carol = context_;
  carol.user_id = "@carol:example.org";
  carol.display_name = "Caroline Herschel";
  auto both = [&](const boost::json::object& event) {
    return std::pair{eval(event).rule_id, evaluate_push_rules(carol_rules, event, carol).rule_id};
  };
  using Ids = std::pair<std::string, std::string>;
  EXPECT_EQ(both(message(R"({"msgtype": "m.text", "body": "hello"})")),
            (Ids{".m.rule.message", ".m.rule.message"}));
  memo = {};
  EXPECT_EQ(both(message(R"({"msgtype": "m.text", "body": "hi Caroline Herschel"})")),
            (Ids{".m.rule.message", ".m.rule.contains_display_name"}));
  memo = {};
  EXPECT_EQ(both(message(R"({"msgtype": "m.text", "body": "x",
                             "m.mentions": {"user_ids": ["@alice:example.org"]}})")),
            (Ids{".m.rule.is_user_mention", ".m.rule.message"}));
  memo = {};
  boost::json::object invite = parse(R"({"type": "m.room.member", "sender": "@bob:example.org",
      "state_key": "@carol:example.org", "room_id": "!room:example.org", "event_id": "$i",
      "origin_server_ts": 1, "content": {"membership": "invite"}})");
  EXPECT_EQ(both(invite), (Ids{".m.rule.member_event", ".m.rule.invite_for_me"}));

  // What the memo holds is what the evaluation goes by for shared rules: a remembered match of
  // .m.rule.suppress_notices decides.
  const auto event = message(R"({"msgtype": "m.text", "body": "hello"})");
  const PushRule* suppress = rules_.find(PushRuleKind::kOverride, ".m.rule.suppress_notices");
  ASSERT_TRUE(suppress && suppress->shared_slot >= 0);
  RuleOutcomeMemo lying;
  lying.remember(suppress->shared_slot, true);
  context_.rule_outcomes = &lying;
  EXPECT_EQ(eval(event).rule_id, ".m.rule.suppress_notices");
}

TEST(PushCondition, EventMatchSpecExamplesAndTypes) {
  PushRoomContext context;
  auto topic = parse(R"({"content": {"topic": "Lunch plans"}, "type": "m.room.topic",
                         "state_key": ""})");
  auto cond = parse(R"({"kind": "event_match", "key": "content.topic", "pattern": "lunc?*"})");
  EXPECT_TRUE(condition_matches(cond, topic, context));
  topic["content"].as_object()["topic"] = nullptr;
  EXPECT_FALSE(condition_matches(cond, topic, context));
  // Absent or non-string values never match, even "*".
  auto star = parse(R"({"kind": "event_match", "key": "content.topic", "pattern": "*"})");
  EXPECT_FALSE(condition_matches(star, topic, context));
  EXPECT_FALSE(condition_matches(parse(R"({"kind": "event_match", "key": "content.nope",
                                           "pattern": "*"})"),
                                 topic, context));
  EXPECT_FALSE(condition_matches(parse(R"({"kind": "event_match", "key": "content.topic"})"), topic,
                                 context));
}

TEST(PushCondition, EventPropertyIsAndContains) {
  PushRoomContext context;
  // Spec example: content.m\.federate is true.
  auto create = parse(R"({"content": {"creator": "@example:example.org", "m.federate": true,
      "room_version": "1"}, "type": "m.room.create", "state_key": ""})");
  auto is_true = parse(R"({"kind": "event_property_is", "key": "content.m\\.federate",
                           "value": true})");
  EXPECT_TRUE(condition_matches(is_true, create, context));
  create["content"].as_object()["m.federate"] = "true";
  EXPECT_FALSE(condition_matches(is_true, create, context));
  create["content"].as_object()["m.federate"] = 1;
  EXPECT_FALSE(condition_matches(is_true, create, context));

  auto ints = parse(R"({"content": {"n": 42, "f": 42.0, "z": null}})");
  EXPECT_TRUE(condition_matches(parse(R"({"kind": "event_property_is", "key": "content.n",
                                          "value": 42})"),
                                ints, context));
  EXPECT_FALSE(condition_matches(parse(R"({"kind": "event_property_is", "key": "content.f",
                                           "value": 42})"),
                                 ints, context));
  EXPECT_TRUE(condition_matches(parse(R"({"kind": "event_property_is", "key": "content.z",
                                          "value": null})"),
                                ints, context));
  EXPECT_FALSE(condition_matches(parse(R"({"kind": "event_property_is", "key": "content.missing",
                                           "value": null})"),
                                 ints, context));

  // Spec example: content.alt_aliases contains "#myroom:example.com".
  auto aliases = parse(R"({"content": {"alias": "#somewhere:localhost", "alt_aliases":
      ["#somewhere:example.org", "#myroom:example.com", {"x": 1}]}})");
  EXPECT_TRUE(condition_matches(parse(R"({"kind": "event_property_contains",
      "key": "content.alt_aliases", "value": "#myroom:example.com"})"),
                                aliases, context));
  EXPECT_FALSE(condition_matches(parse(R"({"kind": "event_property_contains",
      "key": "content.alt_aliases", "value": ":example.com"})"),
                                 aliases, context));
  EXPECT_FALSE(condition_matches(parse(R"({"kind": "event_property_contains",
      "key": "content.alias", "value": "#somewhere:localhost"})"),
                                 aliases, context));
}

TEST(PushCondition, RoomMemberCountForms) {
  PushRoomContext context;
  context.member_count = 10;
  auto count = [&](std::string_view is) {
    boost::json::object cond{{"kind", "room_member_count"}, {"is", is}};
    return condition_matches(cond, {}, context);
  };
  EXPECT_TRUE(count("10"));
  EXPECT_TRUE(count("==10"));
  EXPECT_FALSE(count("9"));
  EXPECT_TRUE(count("<11"));
  EXPECT_FALSE(count("<10"));
  EXPECT_TRUE(count(">9"));
  EXPECT_FALSE(count(">10"));
  EXPECT_TRUE(count("<=10"));
  EXPECT_TRUE(count(">=10"));
  EXPECT_FALSE(count(">=11"));
  EXPECT_FALSE(count(""));
  EXPECT_FALSE(count("abc"));
  EXPECT_FALSE(count("=10"));
  EXPECT_FALSE(count("<-1"));
  EXPECT_FALSE(count("10 "));
}

TEST(PushCondition, UnknownKindsNeverMatch) {
  PushRoomContext context;
  EXPECT_FALSE(condition_matches(parse(R"({"kind": "org.example.always"})"), {}, context));
  EXPECT_FALSE(condition_matches(parse(R"({"key": "type"})"), {}, context));
  // A rule carrying one is effectively disabled.
  PushRule rule;
  rule.rule_id = "x";
  rule.conditions = boost::json::parse(R"([{"kind": "org.example.always"}])").as_array();
  EXPECT_FALSE(rule_matches(rule, PushRuleKind::kOverride, parse(R"({"type": "m.x"})"), context));
  rule.conditions.clear();
  EXPECT_TRUE(rule_matches(rule, PushRuleKind::kOverride, parse(R"({"type": "m.x"})"), context));
}

TEST(PushCondition, NotificationLevelsFromPowerLevels) {
  EXPECT_TRUE(notification_levels_from_power_levels(nullptr).empty());
  auto content = parse(R"({"notifications": {"room": "20", "other": 5, "bad": [1]}})");
  NotificationLevels levels = notification_levels_from_power_levels(&content);
  EXPECT_EQ(levels.at("room"), 20);
  EXPECT_EQ(levels.at("other"), 5);
  EXPECT_EQ(levels.count("bad"), 0u);
}

TEST(PushActions, Summaries) {
  auto summary = summarise_actions(boost::json::parse(R"(["notify",
      {"set_tweak": "highlight", "value": false}, {"set_tweak": "sound", "value": "ring"},
      {"set_tweak": "org.example.led", "value": "blue"}])")
                                       .as_array());
  EXPECT_TRUE(summary.notify);
  EXPECT_FALSE(summary.highlight);
  EXPECT_EQ(summary.sound, "ring");
  EXPECT_EQ(summary.tweaks.at("org.example.led"), "blue");
  EXPECT_FALSE(summarise_actions({}).notify);
}

}  // namespace
}  // namespace myelin::services::push
