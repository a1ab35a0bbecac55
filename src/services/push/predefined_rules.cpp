#include "services/push/predefined_rules.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cassert>

namespace myelin::services::push {
namespace {

constexpr std::string_view kUserIdPlaceholder = "[the user's Matrix ID]";
constexpr std::string_view kLocalpartPlaceholder = "[the local part of the user's Matrix ID]";

// The definitions as the spec's "Default Override Rules" and "Default Underride Rules" print them
// (legacy rules as spec v1.16 printed them), so a reader can compare the two side by side.
constexpr std::string_view kOverrideRules = R"([
  {"rule_id": ".m.rule.master", "default": true, "enabled": false,
   "conditions": [], "actions": []},
  {"rule_id": ".m.rule.suppress_notices", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "content.msgtype", "pattern": "m.notice"}],
   "actions": []},
  {"rule_id": ".m.rule.invite_for_me", "default": true, "enabled": true,
   "conditions": [
     {"key": "type", "kind": "event_match", "pattern": "m.room.member"},
     {"key": "content.membership", "kind": "event_match", "pattern": "invite"},
     {"key": "state_key", "kind": "event_match", "pattern": "[the user's Matrix ID]"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
  {"rule_id": ".m.rule.member_event", "default": true, "enabled": true,
   "conditions": [{"key": "type", "kind": "event_match", "pattern": "m.room.member"}],
   "actions": []},
  {"rule_id": ".m.rule.is_user_mention", "default": true, "enabled": true,
   "conditions": [{"kind": "event_property_contains", "key": "content.m\\.mentions.user_ids",
                   "value": "[the user's Matrix ID]"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]},
  {"rule_id": ".m.rule.contains_display_name", "default": true, "enabled": true,
   "conditions": [{"kind": "contains_display_name"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]},
  {"rule_id": ".m.rule.is_room_mention", "default": true, "enabled": true,
   "conditions": [{"kind": "event_property_is", "key": "content.m\\.mentions.room", "value": true},
                  {"kind": "sender_notification_permission", "key": "room"}],
   "actions": ["notify", {"set_tweak": "highlight"}]},
  {"rule_id": ".m.rule.roomnotif", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "content.body", "pattern": "@room"},
                  {"kind": "sender_notification_permission", "key": "room"}],
   "actions": ["notify", {"set_tweak": "highlight"}]},
  {"rule_id": ".m.rule.tombstone", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.tombstone"},
                  {"kind": "event_match", "key": "state_key", "pattern": ""}],
   "actions": ["notify", {"set_tweak": "highlight"}]},
  {"rule_id": ".m.rule.reaction", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.reaction"}],
   "actions": []},
  {"rule_id": ".m.rule.room.server_acl", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.server_acl"},
                  {"kind": "event_match", "key": "state_key", "pattern": ""}],
   "actions": []},
  {"rule_id": ".m.rule.suppress_edits", "default": true, "enabled": true,
   "conditions": [{"kind": "event_property_is", "key": "content.m\\.relates_to.rel_type",
                   "value": "m.replace"}],
   "actions": []}
])";

constexpr std::string_view kContentRules = R"([
  {"rule_id": ".m.rule.contains_user_name", "default": true, "enabled": true,
   "pattern": "[the local part of the user's Matrix ID]",
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]}
])";

constexpr std::string_view kUnderrideRules = R"([
  {"rule_id": ".m.rule.call", "default": true, "enabled": true,
   "conditions": [{"key": "type", "kind": "event_match", "pattern": "m.call.invite"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "ring"}]},
  {"rule_id": ".m.rule.encrypted_room_one_to_one", "default": true, "enabled": true,
   "conditions": [{"kind": "room_member_count", "is": "2"},
                  {"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
  {"rule_id": ".m.rule.room_one_to_one", "default": true, "enabled": true,
   "conditions": [{"kind": "room_member_count", "is": "2"},
                  {"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
  {"rule_id": ".m.rule.message", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
   "actions": ["notify"]},
  {"rule_id": ".m.rule.encrypted", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}],
   "actions": ["notify"]}
])";

// Replaces the placeholders after parsing, so a user ID needing JSON escapes stays intact.
void substitute(boost::json::value& value, std::string_view user_id, std::string_view localpart) {
  if (boost::json::string* s = value.if_string()) {
    if (*s == kUserIdPlaceholder) *s = user_id;
    if (*s == kLocalpartPlaceholder) *s = localpart;
  } else if (boost::json::array* a = value.if_array()) {
    for (boost::json::value& item : *a) substitute(item, user_id, localpart);
  } else if (boost::json::object* o = value.if_object()) {
    for (auto& entry : *o) substitute(entry.value(), user_id, localpart);
  }
}

// Whether a definition's conditions (or pattern) name the user it is built for.
bool names_the_user(const boost::json::value& definition) {
  const std::string text = boost::json::serialize(definition);
  return text.find(kUserIdPlaceholder) != std::string::npos ||
         text.find(kLocalpartPlaceholder) != std::string::npos ||
         text.find("\"contains_display_name\"") != std::string::npos;
}

// `next_slot` numbers the rules that name nobody, across the kinds, in definition order.
PushRuleList build(std::string_view definitions, PushRuleKind kind, std::string_view user_id,
                   std::string_view localpart, int& next_slot) {
  boost::json::value parsed = boost::json::parse(definitions);  // our constant: cannot fail
  PushRuleList rules;
  for (boost::json::value& item : parsed.as_array()) {
    const bool shared = !names_the_user(item);
    substitute(item, user_id, localpart);
    std::optional<PushRule> rule = push_rule_from_json(item.as_object(), kind);
    assert(rule);
    if (shared) rule->shared_slot = next_slot++;
    rules.push_back(std::move(*rule));
  }
  return rules;
}

}  // namespace

PushRulesByKind predefined_push_rules(std::string_view user_id) {
  // "@localpart:server": the localpart runs to the first ':' (server names may contain ':').
  std::string_view localpart = user_id.substr(0, user_id.find(':'));
  if (!localpart.empty() && localpart.front() == '@') localpart.remove_prefix(1);

  PushRulesByKind rules;
  int next_slot = 0;
  rules[static_cast<std::size_t>(PushRuleKind::kOverride)] =
      build(kOverrideRules, PushRuleKind::kOverride, user_id, localpart, next_slot);
  rules[static_cast<std::size_t>(PushRuleKind::kContent)] =
      build(kContentRules, PushRuleKind::kContent, user_id, localpart, next_slot);
  rules[static_cast<std::size_t>(PushRuleKind::kUnderride)] =
      build(kUnderrideRules, PushRuleKind::kUnderride, user_id, localpart, next_slot);
  return rules;
}

bool is_legacy_mention_rule(PushRuleKind kind, std::string_view rule_id) {
  if (kind == PushRuleKind::kOverride) {
    return rule_id == ".m.rule.contains_display_name" || rule_id == ".m.rule.roomnotif";
  }
  return kind == PushRuleKind::kContent && rule_id == ".m.rule.contains_user_name";
}

}  // namespace myelin::services::push
