#include "services/push/push_rule_set.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <string>
#include <vector>

namespace myelin::services::push {
namespace {

constexpr const char* kUser = "@alice:example.org";

boost::json::object parse(std::string_view text) { return boost::json::parse(text).as_object(); }

std::vector<std::string> ids(const PushRuleList& rules) {
  std::vector<std::string> out;
  for (const PushRule& rule : rules) out.push_back(rule.rule_id);
  return out;
}

std::vector<std::string> user_ids(const PushRuleSet& set, PushRuleKind kind) {
  std::vector<std::string> out;
  for (const PushRule& rule : set.rules(kind)) {
    if (!rule.is_default) out.push_back(rule.rule_id);
  }
  return out;
}

void expect_error(const Expected<Ok, MatrixError>& result, ErrCode code) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), code) << result.error().what();
}

TEST(PushRuleSet, FreshSetRendersDefaults) {
  PushRuleSet set(kUser);
  boost::json::object client = set.to_client_json();
  const boost::json::object& global = client.at("global").as_object();
  for (const char* kind : {"override", "content", "room", "sender", "underride"}) {
    EXPECT_TRUE(global.at(kind).is_array()) << kind;
  }
  EXPECT_EQ(global.at("override").as_array().size(), 12u);
  EXPECT_EQ(global.at("content").as_array()[0].as_object().at("pattern"), "alice");
  EXPECT_EQ(global.at("room").as_array().size(), 0u);
  EXPECT_EQ(global.at("override").as_array()[0],
            boost::json::parse(R"({"rule_id": ".m.rule.master", "default": true,
                                   "enabled": false, "conditions": [], "actions": []})"));
}

TEST(PushRuleSet, UserRulesOutrankDefaultsExceptMaster) {
  PushRuleSet set(kUser);
  ASSERT_TRUE(set.put_rule(PushRuleKind::kOverride, "beer",
                           parse(R"({"conditions": [{"kind": "event_match", "key": "content.body",
                                     "pattern": "beer"}, {"kind": "room_member_count",
                                     "is": "<=10"}], "actions": ["notify"]})")));
  ASSERT_TRUE(set.put_rule(PushRuleKind::kUnderride, "all", parse(R"({"actions": []})")));
  ASSERT_TRUE(set.put_rule(PushRuleKind::kContent, "cake", parse(R"({"pattern": "cake",
                           "actions": ["notify", {"set_tweak": "sound", "value": "cakealarm.wav"}]})")));
  std::vector<std::string> override_ids = ids(set.rules(PushRuleKind::kOverride));
  ASSERT_GE(override_ids.size(), 3u);
  EXPECT_EQ(override_ids[0], ".m.rule.master");
  EXPECT_EQ(override_ids[1], "beer");
  EXPECT_EQ(override_ids[2], ".m.rule.suppress_notices");
  EXPECT_EQ(ids(set.rules(PushRuleKind::kUnderride)).front(), "all");
  EXPECT_EQ(ids(set.rules(PushRuleKind::kContent)),
            (std::vector<std::string>{"cake", ".m.rule.contains_user_name"}));

  const PushRule* beer = set.find(PushRuleKind::kOverride, "beer");
  ASSERT_NE(beer, nullptr);
  EXPECT_FALSE(beer->is_default);
  EXPECT_TRUE(beer->enabled);  // spec: created rules are enabled
  EXPECT_EQ(push_rule_to_json(*set.find(PushRuleKind::kContent, "cake"), PushRuleKind::kContent),
            parse(R"({"rule_id": "cake", "default": false, "enabled": true, "pattern": "cake",
                      "actions": ["notify", {"set_tweak": "sound", "value": "cakealarm.wav"}]})"));
}

// Evaluation reads compiled(kind) beside rules(kind), so every change must rebuild both.
TEST(PushRuleSet, CompiledConditionsFollowEveryChange) {
  PushRuleSet set("@alice:example.org");
  auto same_shape = [&set] {
    for (PushRuleKind kind : kPushRuleKinds) {
      if (set.compiled(kind).size() != set.rules(kind).size()) return false;
    }
    return true;
  };
  EXPECT_TRUE(same_shape());
  ASSERT_TRUE(set.put_rule(
      PushRuleKind::kOverride, "beer",
      parse(R"({"conditions": [{"kind": "event_match", "key": "content.body", "pattern": "beer"},
                               {"kind": "room_member_count", "is": "<=10"}],
                "actions": ["notify"]})")));
  EXPECT_TRUE(same_shape());
  EXPECT_EQ(set.compiled(PushRuleKind::kOverride)[1].conditions.size(), 2u);  // after master
  ASSERT_TRUE(set.delete_rule(PushRuleKind::kOverride, "beer"));
  EXPECT_TRUE(same_shape());
  PushRuleSet copy = set;
  EXPECT_EQ(copy.compiled(PushRuleKind::kUnderride).size(),
            set.rules(PushRuleKind::kUnderride).size());
}

TEST(PushRuleSet, NewRulesGoFirstAndBeforeAfterPlaceThem) {
  PushRuleSet set(kUser);
  const auto body = parse(R"({"actions": ["notify"]})");
  ASSERT_TRUE(set.put_rule(PushRuleKind::kRoom, "!a:x", body));
  ASSERT_TRUE(set.put_rule(PushRuleKind::kRoom, "!b:x", body));
  EXPECT_EQ(user_ids(set, PushRuleKind::kRoom), (std::vector<std::string>{"!b:x", "!a:x"}));
  ASSERT_TRUE(set.put_rule(PushRuleKind::kRoom, "!c:x", body, "", "!a:x"));
  EXPECT_EQ(user_ids(set, PushRuleKind::kRoom), (std::vector<std::string>{"!b:x", "!a:x", "!c:x"}));
  ASSERT_TRUE(set.put_rule(PushRuleKind::kRoom, "!d:x", body, "!a:x"));
  EXPECT_EQ(user_ids(set, PushRuleKind::kRoom),
            (std::vector<std::string>{"!b:x", "!d:x", "!a:x", "!c:x"}));
  // Both given: before wins (spec).
  ASSERT_TRUE(set.put_rule(PushRuleKind::kRoom, "!e:x", body, "!b:x", "!c:x"));
  EXPECT_EQ(user_ids(set, PushRuleKind::kRoom),
            (std::vector<std::string>{"!e:x", "!b:x", "!d:x", "!a:x", "!c:x"}));
  // An existing rule moves when placed, and keeps its place when not.
  ASSERT_TRUE(set.put_rule(PushRuleKind::kRoom, "!e:x", body, "", "!c:x"));
  EXPECT_EQ(user_ids(set, PushRuleKind::kRoom),
            (std::vector<std::string>{"!b:x", "!d:x", "!a:x", "!c:x", "!e:x"}));
  ASSERT_TRUE(set.put_rule(PushRuleKind::kRoom, "!a:x", parse(R"({"actions": []})")));
  EXPECT_EQ(user_ids(set, PushRuleKind::kRoom),
            (std::vector<std::string>{"!b:x", "!d:x", "!a:x", "!c:x", "!e:x"}));
  EXPECT_TRUE(set.find(PushRuleKind::kRoom, "!a:x")->actions.empty());
}

// The spec's cake examples: a content rule placed before another.
TEST(PushRuleSet, SpecCakeExample) {
  PushRuleSet set(kUser);
  ASSERT_TRUE(set.put_rule(PushRuleKind::kContent, "SSByZWFsbHkgbGlrZSBjYWtl",
                           parse(R"({"pattern": "cake", "actions": ["notify",
                                     {"set_tweak": "sound", "value": "cakealarm.wav"}]})")));
  ASSERT_TRUE(set.put_rule(PushRuleKind::kContent, "U3BvbmdlIGNha2UgaXMgYmVzdA",
                           parse(R"({"pattern": "cake*lie", "actions": ["notify"]})"),
                           "SSByZWFsbHkgbGlrZSBjYWtl"));
  EXPECT_EQ(ids(set.rules(PushRuleKind::kContent)),
            (std::vector<std::string>{"U3BvbmdlIGNha2UgaXMgYmVzdA", "SSByZWFsbHkgbGlrZSBjYWtl",
                                      ".m.rule.contains_user_name"}));
}

TEST(PushRuleSet, PutErrors) {
  PushRuleSet set(kUser);
  const auto body = parse(R"({"actions": ["notify"]})");
  expect_error(set.put_rule(PushRuleKind::kOverride, ".m.rule.mine", body), ErrCode::kInvalidParam);
  expect_error(set.put_rule(PushRuleKind::kOverride, "a/b", body), ErrCode::kInvalidParam);
  expect_error(set.put_rule(PushRuleKind::kOverride, "a\\b", body), ErrCode::kInvalidParam);
  expect_error(set.put_rule(PushRuleKind::kOverride, "", body), ErrCode::kInvalidParam);
  expect_error(set.put_rule(PushRuleKind::kOverride, "x", parse("{}")), ErrCode::kBadJson);
  expect_error(set.put_rule(PushRuleKind::kOverride, "x", parse(R"({"actions": "notify"})")),
               ErrCode::kBadJson);
  expect_error(set.put_rule(PushRuleKind::kOverride, "x", parse(R"({"actions": ["explode"]})")),
               ErrCode::kInvalidParam);
  expect_error(set.put_rule(PushRuleKind::kOverride, "x", parse(R"({"actions": [{"value": 1}]})")),
               ErrCode::kInvalidParam);
  expect_error(set.put_rule(PushRuleKind::kOverride, "x",
                            parse(R"({"actions": [], "conditions": {"kind": "x"}})")),
               ErrCode::kBadJson);
  expect_error(set.put_rule(PushRuleKind::kOverride, "x",
                            parse(R"({"actions": [], "conditions": [{"key": "type"}]})")),
               ErrCode::kBadJson);
  expect_error(set.put_rule(PushRuleKind::kContent, "x", body), ErrCode::kBadJson);
  expect_error(set.put_rule(PushRuleKind::kContent, "x", parse(R"({"actions": [], "pattern": 1})")),
               ErrCode::kBadJson);
  // Anchors must be user rules of the same kind.
  expect_error(set.put_rule(PushRuleKind::kOverride, "x", body, "nope"), ErrCode::kUnknown);
  expect_error(set.put_rule(PushRuleKind::kOverride, "x", body, "", ".m.rule.master"),
               ErrCode::kUnknown);
  ASSERT_TRUE(set.put_rule(PushRuleKind::kUnderride, "u", body));
  expect_error(set.put_rule(PushRuleKind::kOverride, "x", body, "u"), ErrCode::kUnknown);
  expect_error(set.put_rule(PushRuleKind::kUnderride, "u", body, "u"), ErrCode::kUnknown);
  // Nothing failed half-way.
  EXPECT_EQ(user_ids(set, PushRuleKind::kOverride), std::vector<std::string>{});
  EXPECT_EQ(user_ids(set, PushRuleKind::kUnderride), std::vector<std::string>{"u"});
  // Unknown condition kinds are accepted (they never match); historical actions are stripped.
  ASSERT_TRUE(set.put_rule(PushRuleKind::kOverride, "future",
                           parse(R"({"actions": ["dont_notify", "coalesce"],
                                     "conditions": [{"kind": "org.example.future"}]})")));
  EXPECT_TRUE(set.find(PushRuleKind::kOverride, "future")->actions.empty());
}

TEST(PushRuleSet, DeleteRules) {
  PushRuleSet set(kUser);
  ASSERT_TRUE(
      set.put_rule(PushRuleKind::kSender, "@spambot:matrix.org", parse(R"({"actions": []})")));
  EXPECT_TRUE(set.delete_rule(PushRuleKind::kSender, "@spambot:matrix.org"));
  EXPECT_EQ(set.find(PushRuleKind::kSender, "@spambot:matrix.org"), nullptr);
  expect_error(set.delete_rule(PushRuleKind::kSender, "@spambot:matrix.org"), ErrCode::kNotFound);
  expect_error(set.delete_rule(PushRuleKind::kOverride, ".m.rule.master"), ErrCode::kNotFound);
  EXPECT_NE(set.find(PushRuleKind::kOverride, ".m.rule.master"), nullptr);
}

TEST(PushRuleSet, EnableAndActionsOnDefaultAndUserRules) {
  PushRuleSet set(kUser);
  ASSERT_TRUE(
      set.put_enabled(PushRuleKind::kOverride, ".m.rule.master", parse(R"({"enabled": true})")));
  EXPECT_TRUE(set.find(PushRuleKind::kOverride, ".m.rule.master")->enabled);
  ASSERT_TRUE(set.put_actions(PushRuleKind::kUnderride, ".m.rule.message",
                              parse(R"({"actions": ["notify", {"set_tweak": "sound",
                                        "value": "default"}]})")));
  EXPECT_EQ(set.find(PushRuleKind::kUnderride, ".m.rule.message")->actions.size(), 2u);
  EXPECT_TRUE(set.find(PushRuleKind::kUnderride, ".m.rule.message")->is_default);

  ASSERT_TRUE(set.put_rule(PushRuleKind::kRoom, "!r:x", parse(R"({"actions": ["notify"]})")));
  ASSERT_TRUE(set.set_enabled(PushRuleKind::kRoom, "!r:x", false));
  EXPECT_FALSE(set.find(PushRuleKind::kRoom, "!r:x")->enabled);
  // Updating the rule keeps its enabled flag.
  ASSERT_TRUE(set.put_rule(PushRuleKind::kRoom, "!r:x", parse(R"({"actions": []})")));
  EXPECT_FALSE(set.find(PushRuleKind::kRoom, "!r:x")->enabled);

  expect_error(
      set.put_enabled(PushRuleKind::kOverride, ".m.rule.master", parse(R"({"enabled": "yes"})")),
      ErrCode::kBadJson);
  expect_error(set.set_enabled(PushRuleKind::kContent, ".m.rule.master", true), ErrCode::kNotFound);
  expect_error(set.put_actions(PushRuleKind::kRoom, "!nope:x", parse(R"({"actions": []})")),
               ErrCode::kNotFound);
  expect_error(set.put_actions(PushRuleKind::kRoom, "!r:x", parse(R"({"actions": ["boom"]})")),
               ErrCode::kInvalidParam);
  expect_error(set.put_actions(PushRuleKind::kRoom, "!r:x", parse("{}")), ErrCode::kBadJson);
}

TEST(PushRuleSet, StorageRoundTrip) {
  PushRuleSet set(kUser);
  ASSERT_TRUE(set.put_rule(PushRuleKind::kOverride, "o1",
                           parse(R"({"actions": ["notify"], "conditions": [{"kind":
                                     "event_match", "key": "type", "pattern": "m.x"}]})")));
  ASSERT_TRUE(set.put_rule(PushRuleKind::kOverride, "o2", parse(R"({"actions": []})"), "", "o1"));
  ASSERT_TRUE(
      set.put_rule(PushRuleKind::kContent, "c", parse(R"({"actions": [], "pattern": "p"})")));
  ASSERT_TRUE(set.set_enabled(PushRuleKind::kOverride, "o2", false));
  ASSERT_TRUE(set.set_enabled(PushRuleKind::kOverride, ".m.rule.master", true));
  ASSERT_TRUE(set.put_actions(PushRuleKind::kContent, ".m.rule.contains_user_name",
                              parse(R"({"actions": []})")));

  boost::json::object stored = set.to_storage_json();
  // Only the user's own data is stored, never the defaults themselves.
  EXPECT_EQ(stored.at("user_rules").at("override").as_array().size(), 2u);
  EXPECT_EQ(stored.at("default_changes").at("override"),
            boost::json::parse(R"({".m.rule.master": {"enabled": true}})"));

  Expected<PushRuleSet> loaded = PushRuleSet::from_storage_json(kUser, stored);
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded->ruleset_json(), set.ruleset_json());
  EXPECT_EQ(loaded->to_storage_json(), stored);

  EXPECT_FALSE(PushRuleSet::from_storage_json(
      kUser, parse(R"({"user_rules": {"override": [{"rule_id": "x"}]}})")));
  EXPECT_FALSE(PushRuleSet::from_storage_json(
      kUser, parse(R"({"default_changes": {"override": {".m.rule.master": {"enabled": 1}}}})")));
  // An empty document is a user with no changes.
  Expected<PushRuleSet> empty = PushRuleSet::from_storage_json(kUser, {});
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->ruleset_json(), PushRuleSet(kUser).ruleset_json());
}

TEST(PushRuleKind, Names) {
  for (PushRuleKind kind : kPushRuleKinds) {
    EXPECT_EQ(parse_push_rule_kind(push_rule_kind_name(kind)), kind);
  }
  EXPECT_EQ(parse_push_rule_kind("postcontent"), std::nullopt);
  EXPECT_EQ(parse_push_rule_kind("Override"), std::nullopt);
}

}  // namespace
}  // namespace myelin::services::push
