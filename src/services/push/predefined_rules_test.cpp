#include "services/push/predefined_rules.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace myelin::services::push {
namespace {

std::vector<std::string> ids(const PushRuleList& rules) {
  std::vector<std::string> out;
  for (const PushRule& rule : rules) out.push_back(rule.rule_id);
  return out;
}

const PushRuleList& of(const PushRulesByKind& rules, PushRuleKind kind) {
  return rules[static_cast<std::size_t>(kind)];
}

TEST(PredefinedRules, SpecOrderWithLegacyRulesWhereSynapseShipsThem) {
  PushRulesByKind rules = predefined_push_rules("@alice:example.org");
  EXPECT_EQ(ids(of(rules, PushRuleKind::kOverride)),
            (std::vector<std::string>{
                ".m.rule.master", ".m.rule.suppress_notices", ".m.rule.invite_for_me",
                ".m.rule.member_event", ".m.rule.is_user_mention", ".m.rule.contains_display_name",
                ".m.rule.is_room_mention", ".m.rule.roomnotif", ".m.rule.tombstone",
                ".m.rule.reaction", ".m.rule.room.server_acl", ".m.rule.suppress_edits"}));
  EXPECT_EQ(ids(of(rules, PushRuleKind::kContent)),
            (std::vector<std::string>{".m.rule.contains_user_name"}));
  EXPECT_TRUE(of(rules, PushRuleKind::kRoom).empty());
  EXPECT_TRUE(of(rules, PushRuleKind::kSender).empty());
  EXPECT_EQ(ids(of(rules, PushRuleKind::kUnderride)),
            (std::vector<std::string>{".m.rule.call", ".m.rule.encrypted_room_one_to_one",
                                      ".m.rule.room_one_to_one", ".m.rule.message",
                                      ".m.rule.encrypted"}));
  for (const PushRuleList& list : rules) {
    for (const PushRule& rule : list) {
      EXPECT_TRUE(rule.is_default) << rule.rule_id;
      EXPECT_EQ(rule.enabled, rule.rule_id != ".m.rule.master") << rule.rule_id;
    }
  }
}

TEST(PredefinedRules, SubstitutesUserIdAndLocalpart) {
  // A historical user ID with characters JSON must escape, and a server name with a port.
  const std::string user = "@al\"ice\\:example.org:8448";
  PushRulesByKind rules = predefined_push_rules(user);
  const PushRule& invite = of(rules, PushRuleKind::kOverride)[2];
  ASSERT_EQ(invite.rule_id, ".m.rule.invite_for_me");
  EXPECT_EQ(invite.conditions[2].as_object().at("pattern"), user.c_str());
  const PushRule& mention = of(rules, PushRuleKind::kOverride)[4];
  EXPECT_EQ(mention.conditions[0].as_object().at("value"), user.c_str());
  EXPECT_EQ(of(rules, PushRuleKind::kContent)[0].pattern, "al\"ice\\");
}

// Every rule the current spec defines, compared with the "Definition:" block that follows its
// heading in the spec's push module (when the spec source is at hand).
TEST(PredefinedRules, MatchSpecDefinitions) {
  const std::filesystem::path spec = "/work/spec/content/client-server-api/modules/push.md";
  if (!std::filesystem::exists(spec)) GTEST_SKIP() << "spec source not present";
  std::ifstream in(spec);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  const std::string user = "@alice:example.org";
  PushRulesByKind rules = predefined_push_rules(user);
  int compared = 0;
  std::size_t at = 0;
  while ((at = text.find("Definition:\n\n```json\n", at)) != std::string::npos) {
    at += 21;
    const std::size_t end = text.find("```", at);
    std::string block = text.substr(at, end - at);
    for (std::string placeholder : {"[the user's Matrix ID]"}) {
      std::size_t p;
      while ((p = block.find(placeholder)) != std::string::npos) {
        block.replace(p, placeholder.size(), user);
      }
    }
    boost::json::object definition = boost::json::parse(block).as_object();
    const std::string rule_id(definition.at("rule_id").as_string());
    bool found = false;
    for (PushRuleKind kind : kPushRuleKinds) {
      for (const PushRule& rule : of(rules, kind)) {
        if (rule.rule_id != rule_id) continue;
        found = true;
        EXPECT_EQ(boost::json::value(push_rule_to_json(rule, kind)), boost::json::value(definition))
            << rule_id;
      }
    }
    EXPECT_TRUE(found) << rule_id;
    ++compared;
  }
  EXPECT_EQ(compared, 15);  // 10 override + 5 underride rules in the current spec
}

TEST(PredefinedRules, LegacyMentionRules) {
  EXPECT_TRUE(is_legacy_mention_rule(PushRuleKind::kOverride, ".m.rule.contains_display_name"));
  EXPECT_TRUE(is_legacy_mention_rule(PushRuleKind::kOverride, ".m.rule.roomnotif"));
  EXPECT_TRUE(is_legacy_mention_rule(PushRuleKind::kContent, ".m.rule.contains_user_name"));
  EXPECT_FALSE(is_legacy_mention_rule(PushRuleKind::kOverride, ".m.rule.is_user_mention"));
  EXPECT_FALSE(is_legacy_mention_rule(PushRuleKind::kContent, ".m.rule.roomnotif"));
}

// Only the rules whose conditions name nobody share their outcome among members; each of them
// has a slot of its own, the same for every user.
TEST(PredefinedRules, SharedSlotsForTheRulesThatNameNobody) {
  PushRulesByKind alice = predefined_push_rules("@alice:example.org");
  PushRulesByKind bob = predefined_push_rules("@bob:example.org");
  const std::set<std::string> naming_the_user = {".m.rule.invite_for_me", ".m.rule.is_user_mention",
                                                 ".m.rule.contains_display_name",
                                                 ".m.rule.contains_user_name"};
  std::set<int> slots;
  std::size_t total = 0;
  for (PushRuleKind kind : kPushRuleKinds) {
    const PushRuleList& rules = of(alice, kind);
    total += rules.size();
    ASSERT_EQ(rules.size(), of(bob, kind).size());
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const PushRule& rule = rules[i];
      EXPECT_EQ(rule.shared_slot, of(bob, kind)[i].shared_slot) << rule.rule_id;
      if (naming_the_user.contains(rule.rule_id)) {
        EXPECT_EQ(rule.shared_slot, -1) << rule.rule_id;
      } else {
        EXPECT_GE(rule.shared_slot, 0) << rule.rule_id;
        EXPECT_TRUE(slots.insert(rule.shared_slot).second) << rule.rule_id;
      }
    }
  }
  EXPECT_EQ(slots.size(), total - naming_the_user.size());
}

}  // namespace
}  // namespace myelin::services::push
